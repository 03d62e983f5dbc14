"""The shipped preconditioner: an exact reparametrisation, a file that round-trips, and a
match with every shipped window's model (a parameter added without a new file fails here)."""

import dataclasses
import json

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


def layered_model() -> pm.Model:
    """A 2-D parameter and a transform that changes the size (zero-sum: n values, n - 1
    free) beside a scalar: the flattening order of ``unconstrained_draws`` and of
    ``whiten`` must agree for every shape."""
    with pm.Model(coords={"a": range(2), "b": range(3), "k": range(4)}) as m:
        mu = pm.Normal("mu", 0.0, 1.0)
        grid = pm.Normal("grid", mu, 1.0, dims=("a", "b"))
        zs = pm.ZeroSumNormal("zs", sigma=1.0, dims="k")
        sd = pm.HalfNormal("sd", 1.0)
        pm.Normal("y", (grid.sum() + zs[0]) * sd, 1.0, observed=[0.3, -0.2])
    return m


def test_a_draw_maps_to_z_and_back():
    """u = m + L z inverted: every parameter of a draw, on its own scale and shape, comes
    back from the whitened model's deterministics at z = L^-1 (u - m)."""
    model = layered_model()
    post = fake_posterior(model, draws=300)
    pre = P.from_posterior(model, post)
    assert pre.sizes == [1, 6, 3, 1]  # zero-sum: 4 values, 3 free
    white = P.whiten(model, pre)
    zv = white.rvs_to_values[white[P.WHITE]]
    names = ["mu", "grid", "zs", "sd"]
    expand = pytensor.function([zv], white.replace_rvs_by_values([white[n] for n in names]))
    u = P.unconstrained_draws(model, post)
    for i in (0, 7, 123):
        z = np.linalg.solve(pre.chol, u[i] - pre.mean)
        for name, got in zip(names, expand(z), strict=True):
            np.testing.assert_allclose(got, post[name].values[0, i], rtol=1e-8, atol=1e-10)


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
    # made for one scenario and data set, used only for them
    back.fingerprint = {"window": "w", "scenario": "s", "data": "d"}
    back.save(tmp_path / "fp.npz")
    same = {"window": "w", "scenario": "s", "data": "d"}
    assert P.for_window("fp", model, directory=tmp_path, fitted_to=same)[0] is not None
    found, why = P.for_window(
        "fp", model, directory=tmp_path, fitted_to={**same, "scenario": "other"}
    )
    assert found is None and "scenario differ" in why and "own coordinates" in why
    # scope 'window': any scenario of the window, saying what differs; 'fitted': as above
    other_scenario = {**same, "scenario": "other"}
    found, why = P.select("fp", model, other_scenario, "window", directory=tmp_path)
    assert found is not None and "scenario differ" in why and "scope 'window'" in why
    # ... but not other data or window text: those were not measured
    for k in ("data", "window"):
        found, why = P.select("fp", model, {**same, k: "other"}, "window", directory=tmp_path)
        assert found is None and f"{k} differ" in why and "own coordinates" in why
    found, why = P.select("fp", model, same, "window", directory=tmp_path)
    assert found is not None and "differ" not in why
    assert P.select("fp", model, other_scenario, "fitted", directory=tmp_path)[0] is None
    found, why = P.select("fp", other, other_scenario, "window", directory=tmp_path)
    assert found is None and "does not match" in why  # the layout still has to match
    with pytest.raises(ValueError, match="precondition_scope"):
        P.select("fp", model, same, "anything", directory=tmp_path)
    # a damaged file is not used, and says so, rather than crashing the fit
    (tmp_path / "bad.npz").write_bytes(path.read_bytes()[:-40])
    found, why = P.for_window("bad", model, directory=tmp_path)
    assert found is None and "could not be read" in why
    # saved with a fit: the coordinates of its draws
    ds = back.to_dataset()
    assert ds["chol"].shape == (6, 6) and "sha256" in ds.attrs["describe"]


def test_match_reads_how_well_a_preconditioner_fits():
    """Draws that are the preconditioner's own posterior give mean 0 and eigenvalues near 1;
    a posterior narrower in one direction shows a small eigenvalue, one moved a large mean."""
    z = np.random.default_rng(2).normal(size=(20000, 4))
    own = P.match(z)
    assert own["max_abs_mean_z"] < 0.05
    assert 0.9 < own["cov_eigenvalue_min"] <= own["cov_eigenvalue_max"] < 1.1
    narrow = P.match(z * np.array([1.0, 1.0, 0.1, 1.0]) + np.array([0.0, 3.0, 0.0, 0.0]))
    assert narrow["cov_eigenvalue_min"] < 0.02 and narrow["max_abs_mean_z"] > 2.9


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
        1000,
        0.98,
        False,
    )
    # what the user set is kept
    mine = sm.SamplerConfig(tune=50, target_accept=0.9).resolved(preconditioned=True)
    assert (mine.tune, mine.target_accept, mine.draws) == (50, 0.9, 1000)
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
    from stalin_mortality.data import load_tables

    window = sm.load_window(name)
    scenario = sm.load_scenario("default")
    model = sm.build_model(observations, window, scenario)
    fitted_to = P.fingerprint(window, scenario, load_tables().checksums)
    pre, why = P.for_window(name, model, fitted_to=fitted_to)
    assert pre is not None, why  # also fails when the window, scenario or data changed
    assert pre.provenance["window"] == name and pre.provenance["run_status"] == "ok"


def test_the_fingerprint_ignores_data_no_model_reads():
    """The bibliography and the published claims do not change a posterior: editing them
    keeps the fingerprint; any file the model reads changes it."""
    window, scenario = sm.load_window("1927_1939"), sm.load_scenario("default")
    sums = {"sources.csv": "a", "published_claims.csv": "b", "vital_events.csv": "c"}
    base = P.fingerprint(window, scenario, sums)
    for k in P.NOT_MODEL_DATA:
        assert P.fingerprint(window, scenario, {**sums, k: "changed"}) == base
    assert P.fingerprint(window, scenario, {**sums, "vital_events.csv": "x"}) != base


def test_a_preconditioned_fit_keeps_the_posterior_s_layout(tmp_path):
    """A real (tiny) nutpie fit with and without the preconditioner: the same groups,
    variables and dims; no trace of ``z_white`` but the saved preconditioner."""
    model = small_model()
    pre = P.from_posterior(model, fake_posterior(model))
    config = sm.SamplerConfig(draws=30, tune=30, chains=2, prior_draws=5)
    plain = sm.fit(model, dataclasses.replace(config, precondition=False), seed=3)
    white = sm.fit(model, config, seed=3, preconditioner=pre)
    assert set(white.children) == set(plain.children) | {"preconditioner"}
    for group in ("posterior", "warmup_posterior"):
        a, b = plain[group].to_dataset(), white[group].to_dataset()
        assert set(a.data_vars) == set(b.data_vars) and P.WHITE not in b
        for v in a.data_vars:
            assert a[v].dims == b[v].dims, v
    assert json.loads(white.attrs["preconditioner"])["draws"] == 400
    fit = json.loads(white.attrs["preconditioner_match"])  # the draws in z, recorded
    assert fit["cov_eigenvalue_min"] <= fit["cov_eigenvalue_max"]
    assert json.loads(plain.attrs["preconditioner_match"]) is None
    assert "whitened" in white["sample_stats"].attrs["sampled_in"]
    white.to_netcdf(tmp_path / "w.nc", engine="h5netcdf")  # what a results folder keeps
    back = xr.open_datatree(tmp_path / "w.nc", engine="h5netcdf")
    assert "whitened" in back["sample_stats"].attrs["sampled_in"]
    np.testing.assert_array_equal(back["preconditioner"]["chol"].values, pre.chol)
    # config.precondition=False wins over a preconditioner passed in
    again = sm.fit(
        model, dataclasses.replace(config, precondition=False), seed=3, preconditioner=pre
    )
    assert "preconditioner" not in again.children
