"""Cohort misreporting of the observed censuses (``cohort_misreporting``): a log factor per
sex and birth cohort shared by the censuses that have it, its sd estimated, each sex's count
kept (docs/engine.md, "Cohort misreporting")."""

import numpy as np
import pytest

import stalin_mortality as sm
from stalin_mortality.constants import WINDOW_DIR
from stalin_mortality.exceptions import WindowError
from stalin_mortality.model.components import census
from stalin_mortality.window import window_from_text


def _with_flag(name: str = "1927_1939"):
    """The shipped window with ``cohort_misreporting`` on its 1937 and 1939 censuses."""
    text = (WINDOW_DIR / f"{name}.toml").read_text()
    for year in (1937, 1939):
        head = f"year = {year}\n"
        assert head in text
        text = text.replace(head, head + "cohort_misreporting = true\n", 1)
    return window_from_text(text, "w"), text


def test_the_cohorts_are_the_1939_groups_and_1937_takes_their_single_years():
    """The cohorts are the 1939 census's groups 15-19 to 65-69 (born 1919-23 to 1869-73,
    before the window: a referee, helper-57); a 1937 group, two years younger, holds three
    fifths of the same-labelled 1939 cohort and two fifths of the next older one; the open
    groups and the younger ages take none."""
    w, _ = _with_flag()
    c37, c39 = [c for c in w.observed_censuses if c.year in (1937, 1939)]
    labels = census.cohort_misreporting_labels(w)
    assert labels[0] == "male born 1919-1923" and labels[10] == "male born 1869-1873"
    assert labels[11] == "female born 1919-1923" and len(labels) == 22
    w39 = census.cohort_misreporting_weights(w, c39)
    np.testing.assert_array_equal(w39[3:14], np.eye(11))
    assert w39[:3].sum() == 0 and w39[14].sum() == 0
    w37 = census.cohort_misreporting_weights(w, c37)
    assert w37[:2].sum() == 0  # 0-4 and 5-9: born in the window
    np.testing.assert_allclose(w37[2, 0], 0.4)  # 10-14, born 1922-26: 1922-23 of 1919-23
    np.testing.assert_allclose(w37[5, 2:4], [0.6, 0.4])  # 25-29, born 1907-11
    np.testing.assert_allclose(w37[13].sum(), 0.6)  # 65-69: 1867-68 are in 1939's 70+
    assert w37[14].sum() == 0
    np.testing.assert_allclose(w37.sum(axis=0), 1.0)  # each cohort's five years counted


def test_the_factors_keep_each_sexs_count_of_their_groups_in_numpy_and_pytensor():
    """Each sex's count of the groups with a factor is kept and the other groups (the
    young ages, the open group) are untouched: no one moves into or out of them (a
    referee, helper-57, of a first form that kept the count over all groups)."""
    import pytensor.tensor as pt

    w, _ = _with_flag()
    c37 = next(c for c in w.observed_censuses if c.year == 1937)
    weights = census.cohort_misreporting_weights(w, c37)
    rng = np.random.default_rng(7)
    grouped = rng.uniform(1e5, 1e6, (2, 15))
    z = rng.normal(size=22)
    sd = np.asarray(0.03)
    out = census.cohort_misreported(grouped, sd, z, weights)
    np.testing.assert_allclose(out.sum(axis=-1), grouped.sum(axis=-1), rtol=1e-12)
    np.testing.assert_array_equal(out[:, :2], grouped[:, :2])
    np.testing.assert_array_equal(out[:, 14], grouped[:, 14])
    np.testing.assert_allclose(out[:, 2:14].sum(axis=-1), grouped[:, 2:14].sum(axis=-1))
    # the ratio of two factored groups is the factors' ratio (the rescale is common)
    u = 0.03 * z.reshape(2, 11)
    ratio = out[1, 2:14] / out[1, 5] / (grouped[1, 2:14] / grouped[1, 5])
    want = np.exp(weights[2:14] @ u[1]) / np.exp(weights[5] @ u[1])
    np.testing.assert_allclose(ratio, want)
    got = census.cohort_misreported(
        pt.as_tensor(grouped), pt.as_tensor(sd), pt.as_tensor(z), weights, pt
    ).eval()
    np.testing.assert_allclose(got, out, rtol=1e-12)
    # draws: sd [sample], z [sample, sex x cohort]
    samples = census.cohort_misreported(grouped, np.array([0.03, 0.0]), np.stack([z, z]), weights)
    np.testing.assert_allclose(samples[0], out, rtol=1e-12)
    np.testing.assert_allclose(samples[1], grouped, rtol=1e-12)  # sd 0: untouched
    # a run fitted with another form (26 factors, from 5-9) says so, not a reshape error
    with pytest.raises(ValueError, match="another form"):
        census.cohort_misreported(grouped, sd, rng.normal(size=26), weights)


def test_the_model_has_the_term_where_the_window_asks_for_it(observations, window):
    assert census.cohort_misreporting_layout(window) is None  # off in the shipped window
    w, text = _with_flag()
    names = census.priors_names(w)
    assert census.COHORT_MISREPORTING in names and census.COHORT_MISREPORTING_SD in names
    model = sm.build_model(observations, w, sm.load_scenario("default"))
    assert model.named_vars[census.COHORT_MISREPORTING].type.shape == (22,)
    c39 = next(c for c in w.observed_censuses if c.year == 1939)
    assert census.COHORT_MISREPORTING in census.expected_names(w, c39)
    # only observed censuses; not beside the older cohorts' misstatement
    bad = text.replace('role = "initial"\n', 'role = "initial"\ncohort_misreporting = true\n', 1)
    with pytest.raises(WindowError, match="cohort_misreporting"):
        window_from_text(bad, "w")
    old = "old_cohort_error_last_age = 57\n"
    both = text.replace(old, old + "old_cohort_misstatement = true\n", 1)
    with pytest.raises(WindowError, match="use one"):
        window_from_text(both, "w")
