"""The shipped preconditioner: an exact reparametrisation, a file that round-trips, and a
match with every shipped window's model (a parameter added without a new file fails here)."""

import numpy as np
import pymc as pm
import pytensor
import pytest
import xarray as xr

import stalin_mortality as sm
from stalin_mortality import precondition as P


def small_model(n_rates: int = 3) -> pm.Model:
    with pm.Model(coords={"k": range(n_rates)}) as m:
        mu = pm.Normal("mu", 0.0, 1.0)
        sd = pm.HalfNormal("sd", 1.0)
        p = pm.Beta("p", 2.0, 5.0)
        rate = pm.LogNormal("rate", mu, sd, dims="k")
        pm.Deterministic("scaled", rate * p, dims="k")
        pm.Poisson("y", rate * 10 * p, observed=np.arange(n_rates) + 1)
    return m


def fake_posterior(model: pm.Model, draws: int = 400) -> xr.Dataset:
    """Prior draws shaped like a posterior (chain, draw): enough to estimate a covariance."""
    names = [v.name for v in model.free_RVs]
    values = pm.draw([model[n] for n in names], draws=draws, random_seed=1)
    return xr.Dataset(
        {
            n: (("chain", "draw", *[f"{n}_dim{i}" for i in range(v.ndim - 1)]), v[None])
            for n, v in zip(names, values, strict=True)
        }
    )


def test_unconstrained_draws_invert_the_transforms():
    model = small_model()
    post = fake_posterior(model, draws=5)
    u = P.unconstrained_draws(model, post)
    names = [v.name for v in model.value_vars]
    assert names == ["mu", "sd_log__", "p_logodds__", "rate_log__"]
    assert u.shape == (5, 1 + 1 + 1 + 3)
    np.testing.assert_allclose(u[:, 1], np.log(post["sd"].values[0]))
    p = post["p"].values[0]
    np.testing.assert_allclose(u[:, 2], np.log(p / (1 - p)))
    np.testing.assert_allclose(u[:, 3:], np.log(post["rate"].values[0]))


def test_whitened_density_is_the_original_at_the_mapped_point():
    """log p_white(z) = log p(u) with u = mean + L z (the Jacobian |L| is a constant that
    NUTS never sees, so it is left out), and the deterministics are the originals."""
    model = small_model()
    pre = P.from_posterior(model, fake_posterior(model))
    assert pre.dim == 6 and pre.matches(model)
    np.testing.assert_allclose(pre.chol, np.tril(pre.chol))
    with model:  # inside the original's context (as in ``inference.fit``): not a sub-model
        white = P.whiten(model, pre)
    assert [v.name for v in white.free_RVs] == [P.WHITE] and white.parent is None
    logp, logp_white = model.compile_logp(), white.compile_logp()
    zv = white.rvs_to_values[white[P.WHITE]]
    expanded = pytensor.function(
        [zv], white.replace_rvs_by_values([white[n] for n in ("mu", "sd", "p", "rate", "scaled")])
    )
    rng = np.random.default_rng(0)
    for _ in range(5):
        z = rng.normal(size=pre.dim)
        u = pre.mean + pre.chol @ z
        point = {"mu": u[0], "sd_log__": u[1], "p_logodds__": u[2], "rate_log__": u[3:]}
        assert float(logp_white({P.WHITE: z})) == pytest.approx(float(logp(point)), rel=1e-10)
        mu, sd, p, rate, scaled = expanded(z)
        assert mu == pytest.approx(u[0]) and sd == pytest.approx(np.exp(u[1]))
        assert p == pytest.approx(1 / (1 + np.exp(-u[2])))
        np.testing.assert_allclose(rate, np.exp(u[3:]))
        np.testing.assert_allclose(scaled, np.exp(u[3:]) * p)
    assert white.named_vars_to_dims["scaled"] == ("k",)


def test_file_round_trip_and_mismatch(tmp_path):
    model = small_model()
    pre = P.from_posterior(model, fake_posterior(model), {"window": "toy"}, {"target_accept": 0.9})
    path = pre.save(tmp_path / "toy.npz")
    back = P.Preconditioner.load(path)
    assert back.settings == {"target_accept": 0.9}
    np.testing.assert_array_equal(back.mean, pre.mean)
    np.testing.assert_array_equal(back.chol, pre.chol)
    assert back.names == pre.names and back.sizes == pre.sizes
    assert back.describe()["window"] == "toy" and len(back.describe()["sha256"]) == 64
    # a model whose parameters changed does not match, and is refused, not mis-mapped
    other = small_model(n_rates=4)
    assert not back.matches(other)
    with pytest.raises(ValueError, match="does not match"):
        P.whiten(other, back)
    found, why = P.for_window("toy", other, directory=tmp_path)
    assert found is None and "does not match" in why
    found, why = P.for_window("toy", model, directory=tmp_path)
    assert found is not None and "toy.npz" in why
    found, why = P.for_window("nowhere", model, directory=tmp_path)
    assert found is None and "no preconditioner" in why


def test_resolved_settings():
    plain = sm.SamplerConfig().resolved(preconditioned=False)
    assert (plain.tune, plain.draws, plain.target_accept, plain.low_rank_mass_matrix) == (
        1000,
        1500,
        0.98,
        True,
    )
    pre = sm.SamplerConfig().resolved(preconditioned=True)
    assert (pre.tune, pre.draws, pre.target_accept, pre.low_rank_mass_matrix) == (
        250,
        750,
        0.98,
        False,
    )
    # what the user set is kept
    mine = sm.SamplerConfig(tune=50, target_accept=0.9).resolved(preconditioned=True)
    assert (mine.tune, mine.target_accept, mine.draws) == (50, 0.9, 750)
    # a preconditioner's measured settings replace the defaults, not the user's
    measured = {"target_accept": 0.99, "draws": 900, "unknown": 1}
    got = sm.SamplerConfig().resolved(preconditioned=True, measured=measured)
    assert (got.target_accept, got.draws, got.tune) == (0.99, 900, 250)
    got = sm.SamplerConfig(target_accept=0.9).resolved(preconditioned=True, measured=measured)
    assert got.target_accept == 0.9


@pytest.mark.parametrize("name", sm.list_windows())
def test_every_shipped_window_has_a_matching_preconditioner(observations, name):
    """A window whose parameters change needs its preconditioner made again from a new run
    (``stalin-mortality precondition RUN``); a stale one would be silently skipped."""
    window = sm.load_window(name)
    model = sm.build_model(observations, window, sm.load_scenario("default"))
    pre, why = P.for_window(name, model)
    assert pre is not None, why
    assert pre.provenance["window"] == name
