"""Recovery of known truth by the 1927-1939 engine (real sampling; ``make test-slow``).

A draw of every parameter from the default scenario's prior is the truth: known excess
deaths by cause and year, a known fertility collapse, a known 1939 padding.  The model's own
generative code (:mod:`stalin_mortality.simulation`) turns it into a population,
and the model's own observation errors into censuses by age group, registered births and
deaths, and archival counts.  The model is fitted to these and its intervals are checked
against the truth.
"""

import numpy as np
import pytest

from stalin_mortality.inference import SamplerConfig
from tests.slow.recovery import recover

pytestmark = pytest.mark.slow

SEEDS = (101, 202)
#: Headline estimands checked (name, function of the estimands Dataset -> draws).
HEADLINE = {
    "famine 1930-34": lambda ds: ds["excess_deaths"].sel(cause="famine_1930_34").sum("year"),
    "executions": lambda ds: ds["excess_deaths"].sel(cause="executions").sum("year"),
    "regime-attributed excess (rung 4)": lambda ds: ds["ladder"].sel(rung="4"),
    "lost births": lambda ds: ds["lost_births"].sum("year"),
    "1939 padding (persons)": lambda ds: ds["padding_1939_persons"],
}


def _plausible(window, inputs):
    """Prior draws whose crisis is of the order the censuses allow (the truth must leave a
    population to observe)."""

    def accept(truth) -> bool:
        total = sum(float(np.sum(truth[c.prior_name])) for c in window.causes if c.kind == "count")
        return total < 6e6 and float(np.max(truth["famine_intensity"])) < 3.0

    return accept


@pytest.fixture(scope="module")
def fits():
    config = SamplerConfig(prior_draws=1000)
    return [recover("1927_1939", seed, _plausible, config) for seed in SEEDS]


def test_the_fits_converge(fits):
    for *_, diag in fits:
        assert diag.max_rhat <= 1.01 and diag.min_ess_bulk >= 400, diag
        assert diag.divergences <= 2, diag


def test_intervals_cover_the_truth(fits):
    """At least 8 of the 10 90% intervals cover the truth (fewer than 8 has probability 7%
    if the intervals are calibrated), and every truth is inside the 99.5% interval."""
    covered, checks = 0, []
    for truth, post, _, _ in fits:
        for name, f in HEADLINE.items():
            t = float(np.asarray(f(truth).values).ravel()[0])
            d = f(post).values.ravel()
            lo, hi = np.quantile(d, [0.05, 0.95])
            wide_lo, wide_hi = np.quantile(d, [0.0025, 0.9975])
            covered += lo <= t <= hi
            checks.append((name, t, lo, hi))
            assert wide_lo <= t <= wide_hi, (name, t, wide_lo, wide_hi)
    assert covered >= 8, checks


def test_posterior_narrower_than_prior_where_data_inform(fits):
    for _, post, prior, _ in fits:
        for name in ("famine 1930-34", "executions", "regime-attributed excess (rung 4)"):
            f = HEADLINE[name]
            assert np.std(f(post).values) < 0.5 * np.std(f(prior).values), name
