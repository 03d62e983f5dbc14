"""The observed censuses' age misreporting at ages 45+ (``census_age_misreporting``)."""

import re

import numpy as np
import pytensor.tensor as pt
import pytest

import stalin_mortality as sm
from stalin_mortality.exceptions import WindowError
from stalin_mortality.model.components import census
from stalin_mortality.window import window_from_text

TEXT = sm.load_window("1927_1939").text


def test_misreporting_moves_people_between_neighbouring_groups_only():
    rng = np.random.default_rng(1)
    grouped = rng.uniform(1e5, 1e6, size=(3, 2, 15))
    shares = rng.normal(0, 0.05, size=(3, 2, 5))
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


def test_each_observed_census_has_its_own_shares_by_sex():
    w39 = sm.load_window("1927_1939")
    assert census.misreporting_layout(w39) == {1937: (0, 9, 5), 1939: (10, 9, 5)}
    labels = census.misreporting_labels(w39)
    assert labels[2] == "1937 male 55-59>60-64" and labels[-1] == "1939 female 65-69>70+"
    spec = sm.prior_specs(w39)[census.MISREPORTING]
    assert spec.size == 20 and spec.parameters == {"mu": 0.0, "sigma": census.MISREPORTING_SD}
    w59 = sm.load_window("1927_1959")
    assert len(census.misreporting_labels(w59)) == 30
    # the shares reach the expected count of their own census only
    grouped = np.full((2, 15), 1e6)
    params = {"coverage_1937": 1.0, "child_coverage": 1.0, census.MISREPORTING: np.zeros(20)}
    params[census.MISREPORTING][17] = 0.1  # 1939 female 55-59 > 60-64
    c37, c39 = (c for c in w39.censuses if c.role == "observed")
    assert np.allclose(census.expected(params, w39, c37, grouped), grouped)
    params |= {"coverage_1939": 1.0, "padding_1939": 0.0}
    e39 = census.expected(params, w39, c39, grouped)
    assert e39[1, 11] == pytest.approx(0.9e6) and e39[1, 12] == pytest.approx(1.1e6)
    assert np.array_equal(e39[0], grouped[0])


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            'role = "initial"\n',
            'role = "initial"\nmisreporting_from = 45\n',
            "'misreporting_from' needs an observed census",
        ),
        ("misreporting_from = 45", "misreporting_from = 47", "got 47"),
        ("misreporting_from = 45", "misreporting_from = 70", "got 70"),
    ],
)
def test_bad_misreporting_names_the_census(old, new, message):
    assert old in TEXT
    with pytest.raises(WindowError, match=re.escape(message)):
        window_from_text(TEXT.replace(old, new, 1), "w.toml")


def test_no_misreporting_scenario_holds_the_shares_at_none():
    scenario = sm.load_scenario("no_misreporting")
    prior = scenario.overrides[census.MISREPORTING]
    assert prior["distribution"] == "Normal" and prior["sigma"] == 0.001
