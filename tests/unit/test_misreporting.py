"""The observed censuses' age misreporting: heaping smoothed out of the counts, and old-age
exaggeration at ages 45+ (``census_age_exaggeration``)."""

import re

import numpy as np
import pytensor.tensor as pt
import pytest

import stalin_mortality as sm
from stalin_mortality.exceptions import WindowError
from stalin_mortality.model import account
from stalin_mortality.model.components import census
from stalin_mortality.window import window_from_text

TEXT = sm.load_window("1927_1939").text


def test_misreporting_moves_people_between_neighbouring_groups_only():
    rng = np.random.default_rng(1)
    grouped = rng.uniform(1e5, 1e6, size=(3, 2, 15))
    shares = rng.uniform(0, 0.1, size=(3, 2, 5))
    out = census.misreported(grouped, shares, 9)
    # counts are moved, not made: each sex keeps its total, ages below 45 are untouched
    assert np.allclose(out.sum(axis=-1), grouped.sum(axis=-1))
    assert np.array_equal(out[..., :9], grouped[..., :9])
    # group 55-59 (index 11) sends shares[2] of itself up and receives shares[1] of 50-54
    expect = grouped[..., 11] * (1 - shares[..., 2]) + grouped[..., 10] * shares[..., 1]
    assert np.allclose(out[..., 11], expect)
    # the open group only receives
    assert np.allclose(out[..., 14], grouped[..., 14] + grouped[..., 13] * shares[..., 4])
    # the model's (PyTensor) path gives the same counts
    x, s = pt.matrix(), pt.matrix()
    symbolic = census.misreported(x, s, 9, pt).eval({x: grouped[0], s: shares[0]})
    assert np.allclose(symbolic, out[0])


def test_exaggeration_is_one_share_per_sex_rising_with_age():
    w = sm.load_window("1927_1939")
    assert census.misreporting_layout(w) == {1937: (12, 2), 1939: (12, 2)}
    spec = sm.prior_specs(w)[census.EXAGGERATION]
    assert spec.distribution == "HalfNormal" and spec.dim == "sex" and spec.size == 2
    assert spec.parameters == {"sigma": census.EXAGGERATION_SD}
    c37, c39 = (c for c in w.censuses if c.role == "observed")
    theta = np.array([[0.05, 0.10], [0.0, 0.02]])  # two draws, [male, female]
    shares, first = census.misreporting_shares({census.EXAGGERATION: theta}, w, c39)
    assert first == 12 and shares.shape == (2, 2, 2)
    assert np.allclose(shares[0, 1], [0.05, 0.10])
    assert np.allclose(census.exaggeration_ramp(5), [0.2, 0.4, 0.6, 0.8, 1.0])
    # the same shares reach both censuses' expected counts, which keep their totals
    grouped = np.full((2, 15), 1e6)
    params = {"coverage_1937": 1.0, "child_coverage": 1.0, census.EXAGGERATION: theta[0]}
    e37 = census.expected(params, w, c37, grouped)
    assert e37.sum() == pytest.approx(grouped.sum())
    assert e37[0, 14] == pytest.approx(1.05e6) and e37[1, 12] == pytest.approx(0.95e6)
    assert np.array_equal(e37[:, :12], grouped[:, :12])
    # without the parameter (the residuals' comparison), no exaggeration
    assert np.array_equal(census.expected({"coverage_1937": 1.0}, w, c37, grouped), grouped)
    # 1959 has heaping smoothed in the cohorts the 1926 smoothing covered, no exaggeration
    w59 = sm.load_window("1927_1959")
    assert set(census.misreporting_layout(w59)) == {1937, 1939}
    assert {c.year: c.smooth_ages for c in w59.observed_censuses}[1959] == (43, 89)


def test_observed_counts_are_smoothed_before_grouping():
    w = sm.load_window("1927_1939")
    obs = sm.load_observations()
    inputs = account.make_inputs(obs, w)
    raw = obs["census_count"].sel(census=1937).transpose("sex", "age").values.astype(float)
    raw_grouped = w.group_ages(raw)
    smoothed = inputs.census_observed[1937]
    # the count of each sex is kept (the army added to men 18-24 apart)
    assert smoothed[1].sum() == pytest.approx(raw_grouped[1].sum())
    # heaping at 60 no longer swells 60-64 at 55-59's expense (women: 4.7%)
    before = np.log(raw_grouped[1, 12] / raw_grouped[1, 11])
    after = np.log(smoothed[1, 12] / smoothed[1, 11])
    assert before - after == pytest.approx(0.064, abs=0.01)
    # ages below 25 untouched: 0-4 .. 20-24 as counted (women: no army added)
    assert np.allclose(smoothed[1, :5], raw_grouped[1, :5])


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            'role = "initial"\n',
            'role = "initial"\nmisreporting_from = 45\n',
            "'misreporting_from' needs an observed census",
        ),
        ("misreporting_from = 60", "misreporting_from = 47", "got 47"),
        ("misreporting_from = 60", "misreporting_from = 70", "got 70"),
    ],
)
def test_bad_misreporting_names_the_census(old, new, message):
    assert old in TEXT
    with pytest.raises(WindowError, match=re.escape(message)):
        window_from_text(TEXT.replace(old, new, 1), "w.toml")


def test_no_exaggeration_scenario_holds_it_near_none():
    prior = sm.load_scenario("no_exaggeration").overrides[census.EXAGGERATION]
    assert prior["distribution"] == "HalfNormal" and prior["sigma"] == 0.001


@pytest.mark.parametrize(
    "name, mean", [("famine_registration_low", 1 / 3), ("famine_registration_high", 2 / 3)]
)
def test_famine_registration_scenarios_bracket_the_flat_prior(name, mean):
    prior = sm.load_scenario(name).overrides["famine_death_registration_1931_33"]
    assert prior["alpha"] / (prior["alpha"] + prior["beta"]) == pytest.approx(mean)
