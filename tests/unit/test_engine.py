"""The window engine: model graph against the numpy path, identities, scenario errors."""

import numpy as np
import pandas as pd
import pymc as pm
import pytest
import xarray as xr

import stalin_mortality as sm
from stalin_mortality import estimands
from stalin_mortality.data import load_tables
from stalin_mortality.exceptions import ScenarioError
from stalin_mortality.model import account
from stalin_mortality.model.components import account_parameters
from tests.conftest import assert_account_identity, assert_scan_matches_numpy


@pytest.fixture(scope="module")
def inputs(observations, window):
    return sm.make_inputs(observations, window)


@pytest.fixture(scope="module")
def model(observations, window):
    return sm.build_model(observations, window, sm.load_scenario("default"))


def _draws(n=3, seed=0):
    rng = np.random.default_rng(seed)

    def u(lo, hi, *shape):
        return rng.uniform(lo, hi, size=(n, *shape))

    return {
        "mortality_level": u(-0.05, 0.2),
        "mortality_slope": u(0.9, 1.1),
        "mortality_trend": u(-0.03, 0.0),
        "tfr_1927": u(5.5, 7.0),
        "tfr_trend": u(-0.04, 0.0),
        "sex_ratio_at_birth": u(1.03, 1.07),
        "undercount_1926_ages_0_2": u(0.0, 0.1),
        "undercount_1926_other_ages": u(0.0, 0.01),
        "emigration_1930_33": u(1e5, 5e5),
        "fertility_deviation": u(-0.2, 0.2, 9),
        "famine_intensity": u(0.0, 1.5, 5),
        "famine_1930_34_age_pattern": u(-2.0, 0.5, 5),
        "excess_dekulakisation": u(5e4, 3e5, 4),
        "excess_executions": u(1e3, 4e5, 9),
        "excess_gulag": u(5e3, 1e5, 9),
        "excess_deportations": u(1e3, 1e5, 5),  # 1934-38
        "excess_residual": u(1e4, 5e5, 4),  # 1935-38
        "census_1926_cohort_error": u(-0.08, 0.08, 7),  # the cohorts aged 3-37 in 1927
        "census_1926_old_cohort_error": u(-0.08, 0.08, 4),  # aged 38-57 in 1927
    }


def test_account_parameters_are_the_draws(window):
    assert set(account_parameters(window)) == set(_draws())


def test_model_scan_matches_numpy_path(model, window, inputs):
    """The model's graph (a pytensor.scan) and the numpy loop used for estimands agree."""
    assert_scan_matches_numpy(model, window, inputs)
    assert np.isfinite(model.compile_logp()(model.initial_point()))


def test_identity_over_the_whole_projection(inputs, window):
    out = sm.simulate(_draws(), inputs, window, detail=True)
    assert_account_identity(out)
    # count causes are exactly their counts
    by_age = out["excess_by_age"].sum(axis=(-2, -1))
    np.testing.assert_allclose(by_age, out["excess"], rtol=1e-10)


def test_batch_equals_one_draw_at_a_time(inputs, window):
    draws = _draws(seed=4)
    batch = sm.simulate(draws, inputs, window)
    for i in range(3):
        one = sm.simulate({k: v[i : i + 1] for k, v in draws.items()}, inputs, window)
        np.testing.assert_allclose(batch["population"][i], one["population"][0], rtol=1e-12)


def test_counterfactual_has_no_excess_and_more_people(inputs, window):
    draws = _draws(seed=5)
    actual = sm.simulate(draws, inputs, window)
    cf = sm.simulate(draws, inputs, window, counterfactual=True)
    assert (cf["population"].sum((-2, -1)) >= actual["population"].sum((-2, -1)) - 1e-6).all()
    np.testing.assert_allclose(cf["births"], cf["baseline_births"], rtol=1e-12)


def test_army_added_to_1937_observation(inputs):
    assert inputs.census_observed[1937].sum() == pytest.approx(162_003_225, abs=1)
    assert inputs.census_observed[1939].sum() == pytest.approx(170_557_093, abs=1)
    assert inputs.schedule.sum() == pytest.approx(1.0)


def test_archival_records_used(inputs):
    causes = {r[0] for r in inputs.archival}
    assert causes == {"executions", "gulag", "dekulakisation"}
    executions = {r[1]: r[3] for r in inputs.archival if r[0] == "executions"}
    assert executions[1937] + executions[1938] == 681_692  # the NKVD's 1937-38 total
    assert min(executions) == 1930  # years before the cause's window are not used


def test_inputs_round_trip_through_a_dataset(inputs):
    back = account.Inputs.from_dataset(inputs.to_dataset())
    np.testing.assert_array_equal(back.initial, inputs.initial)
    assert back.registered_rates == inputs.registered_rates
    assert back.registered_events == inputs.registered_events
    assert back.archival == inputs.archival
    for year, arr in inputs.census_observed.items():
        np.testing.assert_array_equal(back.census_observed[year], arr)


def test_vector_prior_of_wrong_length_is_an_error(observations, window, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[priors.famine_intensity]\ndistribution = "LogNormal"\nmu = [0.0, 1.0]\nsigma = 1.0\n'
    )
    with pytest.raises(ScenarioError, match="one per famine_1930_34_year"):
        sm.build_model(observations, window, sm.load_scenario(bad))


def test_unknown_prior_for_this_window_names_file_and_prior(observations, window, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[priors.excess_war]\ndistribution = "LogNormal"\nmu = 1.0\nsigma = 1.0\n')
    with pytest.raises(ScenarioError, match=r"bad.toml: unknown prior 'excess_war'"):
        sm.build_model(observations, window, sm.load_scenario(bad))


def test_ladder_by_tags_is_monotone_and_claims_are_probabilities(model, window, inputs):
    import warnings

    with model, warnings.catch_warnings():
        # the census zero-sum corrections are likelihood terms (see inference.fit)
        warnings.filterwarnings("ignore", "The effect of Potentials", UserWarning)
        prior = pm.sample_prior_predictive(
            draws=50,
            random_seed=1,
            var_names=[v.name for v in model.free_RVs],
        )
    tree = xr.DataTree.from_dict({"posterior": prior["prior"].to_dataset()})
    ds = sm.compute_estimands(tree, inputs, window)
    assert ds["ladder"].dims == ("chain", "draw", "rung")
    ladder = ds["ladder"].to_dataframe()["ladder"].unstack("rung")
    # deaths only grow up the ladder; lost births (rung 5) may be negative in a draw
    assert (np.diff(ladder[["1", "2", "3", "4"]].values, axis=1) >= 0).all()
    assert (ladder["4r"] >= ladder["4"]).all() and (ladder["5r"] >= ladder["5"]).all()
    # rung 1 is the executions; rung 4 every regime cause
    np.testing.assert_allclose(
        ds["ladder"].sel(rung="1"), ds["excess_deaths"].sel(cause="executions").sum("year")
    )
    # rung 4 every regime cause, the famine hazard in its core years 1931-33 only; 4r adds
    # the residual and the famine hazard's 1930 and 1934, which is every excess death
    regime = [c.name for c in window.causes if c.has("regime")]
    assert "residual" not in regime
    famine = ds["excess_deaths"].sel(cause="famine_1930_34")
    margin = famine.sel(year=[1930, 1934]).sum("year")
    assert (margin > 0).all()
    np.testing.assert_allclose(
        ds["ladder"].sel(rung="4"),
        ds["excess_deaths"].sel(cause=regime).sum(("cause", "year")) - margin,
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        ds["ladder"].sel(rung="3") - ds["ladder"].sel(rung="2"),
        famine.sel(year=slice(1931, 1933)).sum("year"),
        rtol=1e-12,
    )
    labels = estimands.rung_labels(window)
    assert labels["3"].endswith("(famine 1931-33)")
    assert labels["4r"] == (
        "rung 4 + excess deaths not attributed to a regime cause "
        "(famine-years hazard 1930-34 in 1930 and 1934, residual)"
    )
    np.testing.assert_allclose(
        ds["ladder"].sel(rung="4r"), ds["excess_deaths"].sum(("cause", "year")), rtol=1e-12
    )
    np.testing.assert_allclose(
        ds["ladder"].sel(rung="5r") - ds["ladder"].sel(rung="4r"),
        ds["lost_births"].sum("year"),
        rtol=1e-9,
    )
    claims = sm.claims_table(ds, load_tables()["published_claims.csv"], window)
    assert isinstance(claims, pd.DataFrame) and len(claims) > 20
    # a probability for the comparable claims only
    assert claims.prob_at_least_figure[claims.comparable].between(0, 1).all()
    assert claims.prob_at_least_figure[~claims.comparable].isna().all()
    by_claim = claims.set_index("claim")
    assert by_claim.loc["total_anderson_silver"].comparable  # 1926-1939: census to census
    # each claim keeps its wording and source
    assert by_claim.loc["total_conquest_1968", "source"] == "conquest1989"
    assert "Great Terror" in by_claim.loc["total_conquest_1968", "what"]
    row = by_claim.loc["famine_1932_33_ussr_davies_wheatcroft"]
    assert row.model_quantity == "all excess deaths (every cause), 1931-1933" and row.comparable
    row = claims.set_index("claim").loc["rummel_great_terror_1935_38"]
    assert row.comparable and row.model_quantity == "ladder rung 2, 1935-1938"
    assert row.model_lower <= row.model_median <= row.model_upper
    # "1930s" is 1930-1939: the window's 1930-1938, not 1930 alone, and not the same period
    row = claims.set_index("claim").loc["total_grz_characterised"]
    assert row.model_quantity == "ladder rung 4, 1930-1938" and not row.comparable
    assert (row.period_first, row.period_last) == (1930, 1939)
    # census-date claims (1926 undercount, 1939 padding and population) are placed too
    stocks = claims.set_index("estimand").loc[["undercount_1926", "padding_1939"]]
    assert stocks.comparable.all() and len(claims.query("estimand == 'population_1939'")) == 1
    assert estimands.rung_causes(window, estimands.LADDER[1]) == [
        "dekulakisation",
        "executions",
        "gulag",
        "deportations",
    ]


@pytest.mark.parametrize(
    "period, years",
    [
        ("1930s", (1930, 1939)),
        ("1930s-1953", (1930, 1953)),
        ("1939-01-17", (1939, 1939)),
        ("1926-12-17", (1926, 1926)),
        ("1937-01", (1937, 1937)),
        ("1937 (end of 2nd FYP)", (1937, 1937)),
        ("1932-1933", (1932, 1933)),
        ("1917-1991", (1917, 1991)),
        ("Soviet period", None),
    ],
)
def test_claim_periods(period, years):
    assert estimands.claim_period(period) == years


def test_every_claim_period_in_data_parses():
    claims = load_tables()["published_claims.csv"]
    for period in claims["period"]:
        parsed = estimands.claim_period(period)
        assert parsed is None or 1900 < parsed[0] <= parsed[1] < 2000, period
    assert sum(estimands.claim_period(p) is None for p in claims["period"]) == 1  # Soviet period
