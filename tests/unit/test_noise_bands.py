"""The census noise by age band (``census_noise_bands``; docs/engine.md, "The older
cohorts"): off in the shipped windows, one ``census_age_noise`` per band with it."""

import numpy as np
import pytest

import stalin_mortality as sm
from stalin_mortality.exceptions import WindowError
from stalin_mortality.window import window_from_text


def _banded(bands="[15, 45, 70]"):
    from stalin_mortality.constants import WINDOW_DIR

    text = (WINDOW_DIR / "1927_1939.toml").read_text()
    return window_from_text(f"census_noise_bands = {bands}\n" + text, "w"), text


def test_the_noise_bands_map_the_age_groups():
    from stalin_mortality.model.components import census

    w, text = _banded()
    band, labels = census.noise_bands(w)
    assert labels == ["0-14", "15-44", "45-69", "70+"]
    assert list(band) == [0] * 3 + [1] * 6 + [2] * 5 + [3]
    cell = census.cell_noise(np.array([[0.01, 0.02, 0.03, 0.04]]), w)
    assert cell.shape == (1, 15) and cell[0, 2] == 0.01 and cell[0, 14] == 0.04
    assert census.noise_bands(sm.load_window("1927_1939")) is None
    for bad in ("[12]", "[45, 15]", "[0, 15]", "[true]"):
        with pytest.raises(WindowError, match="census_noise_bands"):
            window_from_text(f"census_noise_bands = {bad}\n" + text, "w")


def test_the_banded_composition_density_is_the_centred_errors(observations):
    """With noise by band the model's composition density (the 1937 census's likelihood
    and its potential) is that of the centred log-count errors (the level integrated
    out): checked against the degenerate normal with covariance P D P (P centres), by its
    pseudo-inverse and pseudo-determinant, for two noise values, up to one constant; and
    the draws of ``zero_sum_noise`` have that covariance."""
    from stalin_mortality.model.components import census

    w, _ = _banded()
    model = sm.build_model(observations, w, sm.load_scenario("default"))
    assert model.named_vars["census_age_noise"].eval().shape == (4,)
    rv = model["census_1937"]
    zero_sum = next(p for p in model.potentials if p.name == "census_1937_zero_sum")
    logp = model.compile_fn(
        model.logp(vars=[rv, zero_sum], jacobian=False),
        inputs=model.value_vars,
        on_unused_input="ignore",
    )
    (mu,) = model.replace_rvs_by_values([rv.owner.inputs[2]])
    mean = model.compile_fn(mu, inputs=model.value_vars, on_unused_input="ignore")
    y = np.asarray(model["census_1937_observed"].get_value())
    start = model.initial_point()

    def point(noise):
        return {**start, "census_age_noise_log__": np.log(noise)}

    def residual(noise):  # observed clr less expected clr (the mean less its shift)
        m = np.asarray(mean(point(noise)))
        return (y - (m - m.mean())).ravel()

    def exact(noise):
        r = residual(noise)
        sd = np.tile(census.cell_noise(noise, w), 2)
        P = np.eye(30) - 1 / 30
        cov = P @ np.diag(sd**2) @ P
        eig = np.linalg.eigvalsh(cov)
        pdet = np.prod(eig[eig > 1e-12])
        return -0.5 * r @ np.linalg.pinv(cov) @ r - 0.5 * np.log(pdet)

    a, b = np.array([0.03, 0.05, 0.08, 0.1]), np.array([0.06, 0.04, 0.05, 0.2])
    np.testing.assert_allclose(residual(a), residual(b), atol=1e-12)  # noise moves no mean
    got = logp(point(a)) - logp(point(b))
    np.testing.assert_allclose(got, exact(a) - exact(b), rtol=1e-9)
    z = census.zero_sum_noise(a, (20000, 2, 15), np.random.default_rng(2), w)
    np.testing.assert_allclose(z.sum(axis=(-2, -1)), 0, atol=1e-12)
    sd = np.tile(census.cell_noise(a, w), 2)
    P = np.eye(30) - 1 / 30
    want = P @ np.diag(sd**2) @ P
    got = np.cov(z.reshape(-1, 30).T)
    np.testing.assert_allclose(got, want, atol=4e-4)
