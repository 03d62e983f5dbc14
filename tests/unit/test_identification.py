"""How much the data moved a quantity: the prior mass of the posterior's 90% interval, its
Monte Carlo error and the label (``report.identification``)."""

import numpy as np
import pytest
from scipy import stats

from stalin_mortality import report


def _grid(n: int, sd: float, chains: int = 1, loc: float = 0.0) -> np.ndarray:
    """``chains`` x ``n`` draws whose quantiles are a normal's exactly (no sampling noise)."""
    x = stats.norm.ppf((np.arange(chains * n) + 0.5) / (chains * n), loc=loc, scale=sd)
    return np.random.default_rng(0).permutation(x).reshape(chains, n)


def _centred(s: float) -> float:
    """The prior mass of the 90% interval of a posterior centred on a normal prior with
    ``s`` times its sd."""
    return 2 * stats.norm.cdf(stats.norm.ppf(0.95) * s) - 1


def test_the_mass_is_the_priors_probability_of_the_posteriors_interval():
    prior = _grid(4000, 1.0)
    for s, want in ((0.3, "data moved it"), (0.65, "data and prior"), (0.95, "prior dominates")):
        out = report.identification(_grid(1500, s, chains=4), prior)
        assert out["prior_mass"] == pytest.approx(_centred(s), abs=0.005)
        assert out["prior_cdf_at_lower"] == pytest.approx((1 - _centred(s)) / 2, abs=0.005)
        assert out["identified_by"] == want
        assert out["prior_side"] == ""  # centred: on neither side
    # the thresholds are a centred normal's 0.5 and 0.8 sd ratios, rounded
    assert _centred(0.5) == pytest.approx(report.DATA_DECIDES, abs=0.015)
    assert _centred(0.8) == pytest.approx(report.PRIOR_DOMINATES, abs=0.015)


def test_the_mass_needs_no_choice_of_scale():
    """A count and its logarithm read alike: no scale to choose (a referee, helper-55, on
    the log-scale ratio chosen from the draws)."""
    prior, post = _grid(1000, 0.65, loc=np.log(2.5e6)), _grid(1500, 0.24, 4, np.log(6.3e6))
    on_log = report.identification(post, prior)
    in_persons = report.identification(np.exp(post), np.exp(prior))
    for key in ("prior_mass", "prior_cdf_at_lower", "prior_cdf_at_upper", "identified_by"):
        assert (
            on_log[key] == pytest.approx(in_persons[key])
            if key != "identified_by"
            else (on_log[key] == in_persons[key])
        )


def test_a_posterior_moved_into_the_priors_tail_reads_as_data_not_as_no_information():
    """The famine of 1931-33's case: posterior 4.3-9.5 M in a prior of 0.8-6.9 M. Its sd
    ratio (0.73) and its interval ratio in persons (0.85) read as barely informed; the
    data moved it to the prior's upper tail, and the bounds and the label say so (above
    the prior's median: a possible prior-data conflict, a referee, helper-56)."""
    prior = np.exp(_grid(1000, 0.65, loc=np.log(2.5e6)))
    post = np.exp(_grid(1500, 0.24, chains=4, loc=np.log(6.3e6)))
    out = report.identification(post, prior)
    assert out["identified_by"] == "data moved it; above the prior's median"
    assert out["prior_side"] == "above"
    assert out["prior_mass"] < 0.3
    assert out["prior_cdf_at_lower"] > 0.75  # the lower end moved up, far
    assert out["sd_ratio"] > 0.5
    # the mirror image: moved below the median
    low = report.identification(np.exp(-np.log(post)), np.exp(-np.log(prior)))
    assert low["prior_side"] == "below"
    assert low["identified_by"] == "data moved it; below the prior's median"


def test_the_side_flag_needs_the_whole_interval_beyond_the_median_by_two_errors():
    """An interval that straddles the prior's median, or whose end sits on it within its
    Monte Carlo error, names no side: the flag must not flip on sampling noise."""
    prior = _grid(1000, 1.0)
    # the lower end at the prior's median: not flagged
    on_median = report.identification(_grid(1500, 0.2, chains=4, loc=1.645 * 0.2), prior)
    assert on_median["prior_cdf_at_lower"] == pytest.approx(0.5, abs=0.01)
    assert on_median["prior_side"] == ""
    # well above it: flagged
    above = report.identification(_grid(1500, 0.2, chains=4, loc=0.6), prior)
    assert above["prior_cdf_at_lower"] > 0.6
    assert above["prior_side"] == "above"
    assert above["identified_by"].endswith(report.SIDE_NOTE["above"])
    # straddling it, even when moved: not flagged
    moved = report.identification(_grid(1500, 0.3, chains=4, loc=0.3), prior)
    assert moved["prior_cdf_at_lower"] < 0.5 < moved["prior_cdf_at_upper"]
    assert moved["prior_side"] == ""


def test_one_extreme_draw_moves_the_sd_ratio_not_the_mass():
    """A referee's point (helper-54): tail-driven sds flipped a label between two fits of
    one model; the interval's prior mass does not follow a single extreme draw."""
    prior = _grid(1000, 1.0)
    post = _grid(1500, 0.6, chains=4)
    before = report.identification(post, prior)
    post = post.copy()
    post[0, 0] = 60.0  # one draw out of 6000, 100 posterior sd out
    after = report.identification(post, prior)
    assert after["sd_ratio"] > before["sd_ratio"] + 0.3
    assert after["prior_mass"] == pytest.approx(before["prior_mass"], abs=0.005)
    assert after["identified_by"] == before["identified_by"] == "data and prior"


def test_a_mass_within_its_monte_carlo_error_of_a_threshold_is_borderline():
    prior = _grid(1000, 1.0)
    near = report.identification(_grid(100, 0.79), prior)  # 100 draws: a wide MC error
    assert near["prior_mass"] == pytest.approx(0.79, abs=0.02)
    assert near["identified_by"] == "data and prior" + report.BORDERLINE
    far = report.identification(_grid(1500, 0.65, chains=4), prior)
    assert far["identified_by"] == "data and prior"


@pytest.mark.parametrize("rho", [0.0, 0.9])
def test_the_monte_carlo_error_matches_the_masss_spread_over_repeated_fits(rho):
    """Calibration of the error: over independent replicates, the mass's spread is what its
    stated error says, for independent draws and for autocorrelated chains (AR(1), rho
    0.9: the error must widen with the chains' autocorrelation)."""
    rng = np.random.default_rng(20260101)
    masses, errors = [], []
    for _ in range(200):
        prior = rng.normal(size=(1, 1000))
        eps = rng.normal(scale=0.6 * np.sqrt(1 - rho**2), size=(4, 1000))
        post = np.empty_like(eps)
        post[:, 0] = rng.normal(scale=0.6, size=4)
        for t in range(1, eps.shape[1]):
            post[:, t] = rho * post[:, t - 1] + eps[:, t]
        out = report.identification(post, prior)
        masses.append(out["prior_mass"])
        errors.append(out["prior_mass_mcse"])
    assert np.mean(masses) == pytest.approx(_centred(0.6), abs=0.01)
    assert np.median(errors) == pytest.approx(np.std(masses), rel=0.25)


def test_a_quantity_the_prior_fixes_is_labelled_fixed():
    out = report.identification(np.ones((4, 100)), np.ones((1, 100)))
    assert out["identified_by"] == "fixed"
    assert out["prior_side"] == ""
