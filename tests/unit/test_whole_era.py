"""The 1927-1959 window (the whole Stalin era): inflows, the piecewise baseline trend, the
war kept off the ladder, and the accounting identity over 32 years."""

import numpy as np
import pytest

import stalin_mortality as sm
from stalin_mortality import estimands
from stalin_mortality.data import load_tables
from stalin_mortality.exceptions import WindowError
from stalin_mortality.model.components import account_parameters, baseline, flows, prior_specs
from stalin_mortality.window import window_from_text
from tests.conftest import assert_account_identity, assert_scan_matches_numpy


def _prior_draws(window, n=4, seed=1):
    """Draws of the account's parameters from their priors (numpy, constrained)."""
    specs = prior_specs(window)
    rng = np.random.default_rng(seed)
    out = {}
    for name in account_parameters(window):
        s = specs[name]
        p = s.parameters
        shape = (n,) if not s.size else (n, s.size)
        if s.distribution == "Normal":
            x = rng.normal(np.asarray(p["mu"]), p["sigma"], size=shape)
        elif s.distribution == "LogNormal":
            x = np.exp(rng.normal(np.asarray(p["mu"]), p["sigma"], size=shape))
        elif s.distribution == "Beta":
            x = rng.beta(p["alpha"], p["beta"], size=shape)
        elif s.distribution == "ZeroSumNormal":
            x = rng.normal(0.0, p["sigma"], size=shape)
            x -= x.mean(axis=-1, keepdims=True)
        else:  # pragma: no cover - a new distribution in the window
            raise AssertionError(f"{name}: {s.distribution}")
        out[name] = x
    return out


def test_window_loads_with_the_whole_era(era):
    assert era.period == (1927, 1958)
    assert era.ladder_period == (1927, 1953)
    assert [c.year for c in era.observed_censuses] == [1937, 1939, 1959]
    assert {c.name for c in era.war_causes} == {"war_finland", "war_military", "war_civilian"}
    assert not any(c.has("regime") for c in era.war_causes)
    assert era.mortality_trend_breaks == (1946,)
    assert era.war_birth_years == (1941, 1945)


def test_baseline_level_steps_at_1946_and_ends_at_its_anchor(era):
    """Slope -0.01 to 1945; 1946 steps by -0.2 below the trend's 0.1 - 0.19 = -0.09 (both
    sexes); from there, at the bend's straight-line share (4/12 by 1950), a straight line to
    each sex's 1958 anchor (-0.7 men, -0.8 women)."""
    assert era.mortality_level_breaks == (1946,) and era.mortality_level_anchor == 1958
    specs = {s.name: s for s in baseline.priors(era)}
    assert specs["mortality_level_1958"].dim == "sex" and "mortality_trend_1946" not in specs
    p = {"mortality_level": np.array([0.1, 0.1]), "mortality_trend": np.array([-0.01, -0.01])}
    p["mortality_level_step_1946"] = np.array([-0.2, 0.0])
    p["mortality_level_bend_1950"] = np.array([4 / 12, 4 / 12])
    p["mortality_level_1958"] = np.array([[-0.7, -0.8], [-0.7, -0.8]])
    alpha = baseline.level(p, era)
    assert alpha.shape == (2, len(era.years), 2)
    t = era.years - 1927
    before = 0.1 - 0.01 * np.minimum(t, 19)
    for k, step in enumerate([-0.2, 0.0]):
        start = 0.1 - 0.19 + step
        for sex, end in enumerate([-0.7, -0.8]):
            after = start + (end - start) * (era.years - 1946) / 12
            expected = np.where(era.years >= 1946, after, before)
            np.testing.assert_allclose(alpha[k, :, sex], expected, rtol=1e-12)
            assert alpha[k, era.index(1958), sex] == pytest.approx(end)
    # the step shows in 1946 (both sexes alike) and is gone by 1958
    np.testing.assert_allclose(alpha[0, era.index(1946)] - alpha[1, era.index(1946)], -0.2)


def test_post_war_level_bends_at_1950_between_its_anchors(era):
    """The share of the 1946-58 fall achieved by 1950: straight from 1946 to that share in
    1950, straight on to the 1958 anchor; the bend's prior has its mode at the straight
    line's share, 4/12."""
    assert era.mortality_level_bend == 1950
    spec = {s.name: s for s in baseline.priors(era)}["mortality_level_bend_1950"]
    a, b = spec.parameters["alpha"], spec.parameters["beta"]
    assert spec.distribution == "Beta" and (a - 1) / (a + b - 2) == pytest.approx(4 / 12)
    assert spec.support == "probability"
    p = {"mortality_level": np.zeros(3), "mortality_trend": np.zeros(3)}
    p["mortality_level_step_1946"] = np.full(3, 0.3)
    p["mortality_level_1958"] = np.array([[-0.9, -1.1]] * 3)
    p["mortality_level_bend_1950"] = np.array([0.0, 0.75, 1.0])
    alpha = baseline.level(p, era)
    for k, share in enumerate([0.0, 0.75, 1.0]):
        for sex, end in enumerate([-0.9, -1.1]):
            a = alpha[k, :, sex]
            fall = end - 0.3
            assert a[era.index(1945)] == pytest.approx(0.0)
            assert a[era.index(1946)] == pytest.approx(0.3)
            assert a[era.index(1948)] == pytest.approx(0.3 + share * fall / 2)
            assert a[era.index(1950)] == pytest.approx(0.3 + share * fall)
            assert a[era.index(1954)] == pytest.approx(0.3 + (share + (1 - share) / 2) * fall)
            assert a[era.index(1958)] == pytest.approx(end)
    # share 1: the whole fall by 1950, flat after it; share 0: flat to 1950
    np.testing.assert_allclose(alpha[2, era.index(1950) :, 0], -0.9)
    np.testing.assert_allclose(alpha[0, era.index(1946) : era.index(1950) + 1, 1], 0.3)


def test_inflow_is_negative_emigration(era):
    p = {"emigration_1930_33": np.array([4e5]), "annexation_1939_40": np.array([2e7])}
    p["emigration_1945_46"] = np.array([6e5])
    p["annexation_1944_45"] = np.array([8e5])
    p["polish_exchange_1945_46"] = np.array([7e5])
    by_group = flows.net_emigration(p, era, np)[0]  # [year, age group]
    assert flows.age_groups(era) == [None, (15, 49)]
    # the non-returnees leave from ages 15-49 only, every other flow from every age
    np.testing.assert_allclose(by_group[:, 1], np.where(np.isin(era.years, [1945, 1946]), 3e5, 0))
    net = by_group.sum(axis=-1)
    assert net[era.index(1930)] == pytest.approx(1e5)
    assert net[era.index(1939)] == pytest.approx(-1e7)
    assert net[era.index(1940)] == pytest.approx(-1e7)
    assert net[era.index(1944)] == pytest.approx(-4e5)
    assert net[era.index(1945)] == pytest.approx(-4e5 + 3e5 + 3.5e5)
    assert net[era.index(1946)] == pytest.approx(3e5 + 3.5e5)
    assert net[era.index(1950)] == 0.0


def test_identity_over_32_years_with_the_annexations(era, era_inputs):
    draws = _prior_draws(era)
    out = sm.simulate(draws, era_inputs, era, detail=True)
    assert_account_identity(out, atol=1e-2)
    # the annexations add their draw, less nothing: migration of 1939-40 is the inflow
    migration = np.stack([f.migration.sum(axis=(-2, -1)) for f in out["flows"]], axis=-1)
    np.testing.assert_allclose(
        migration[:, era.index(1939)] + migration[:, era.index(1940)],
        draws["annexation_1939_40"],
        rtol=1e-10,
    )


def test_war_is_never_on_the_ladder(era, era_inputs):
    draws = _prior_draws(era, seed=3)
    ds = estimands.compute_from_params(draws, era_inputs, era)
    for rung in estimands.LADDER:
        assert not {c.name for c in era.war_causes} & set(estimands.rung_causes(era, rung))
    assert era.ladder_period == (1927, 1953)
    # rung 5 adds the lost births of 1927-40 only (the war's are its birth deficit, the
    # post-war years' are reported apart, not attributed)
    outside = list(range(1927, 1941))
    assert estimands.unattributed_birth_years(era) == list(range(1946, 1954))
    lost = ds["lost_births"].sel(year=outside).sum("year").values
    rungs = list(ds["rung"].values)
    np.testing.assert_allclose(
        ds["ladder"].values[:, rungs.index("5")] - ds["ladder"].values[:, rungs.index("4")],
        lost,
        rtol=1e-10,
    )
    war = ds["war_losses"]
    items = list(ds["war_item"].values)
    deficit = "birth deficit 1941 (0.53 of it)-1945 against 1940 fertility"
    trend = "birth deficit 1941-1945 against the baseline trend (not in the total)"
    wars = ["war: Winter War 1939-40", "war: military deaths", "war: civilian deaths"]
    balance = [
        f"population balance 1 Jan 1946 (not in the total): {part}"
        for part in estimands.BALANCE_PARTS
    ]
    assert items == [*wars, deficit, "total war losses", trend, *balance]
    total = war.sel(war_item="total war losses").values
    np.testing.assert_allclose(total, war.sel(war_item=[*wars, deficit]).sum("war_item"))
    # births scale with TFR on the same women: the premise of the deficit against 1940
    np.testing.assert_allclose(
        ds["births"] / ds["baseline_births"], ds["tfr"] / ds["tfr_baseline"], rtol=1e-9
    )
    # against 1940: births at 1940's TFR on the women alive, from 22 June 1941
    short = ds["births"] * (ds["tfr"].sel(year=1940) / ds["tfr"] - 1)
    want = 0.53 * short.sel(year=1941) + short.sel(year=slice(1942, 1945)).sum("year")
    np.testing.assert_allclose(war.sel(war_item=deficit).values, want.values, rtol=1e-12)
    lost = ds["lost_births"]
    want = 0.53 * lost.sel(year=1941) + lost.sel(year=slice(1942, 1945)).sum("year")
    np.testing.assert_allclose(war.sel(war_item=trend).values, want.values, rtol=1e-12)
    # every lost birth of 1927-53 is counted once: on the ladder (1927-40), in the war's
    # deficit, outside it in the war's years, or after the war (not attributed)
    parts = (
        estimands.regime_lost_births(ds, era, 1927, 1953)
        + war.sel(war_item=deficit)
        + estimands.war_years_lost_births_outside_deficit(ds, era)
        + lost.sel(year=estimands.unattributed_birth_years(era)).sum("year")
    )
    np.testing.assert_allclose(parts, lost.sel(year=slice(1927, 1953)).sum("year"), rtol=1e-9)
    # the ladder sums 1927-1953 only: a regime cause's deaths of 1954-58 are not on it
    assert era.cause("gulag").years[1] == 1953 and "famine_1946_47" in era.cause_names
    assert ds["ladder"].sel(rung="4").values == pytest.approx(
        sum(
            ds["excess_deaths"].sel(cause=c, year=slice(1927, 1953)).sum("year").values
            for c in [c.name for c in era.causes if c.has("regime") and c.ladder_years is None]
        )
        + ds["excess_deaths"].sel(cause="famine_1930_34", year=slice(1931, 1933)).sum("year").values
    )


def test_post_war_anchor_is_the_1958_59_table(era):
    """mortality_level_1958 is centred on the official 1958-59 table's Brass level fitted
    jointly with its slope (least squares, ages 1-85, against the 1926-27 standard)."""
    lt = load_tables()["life_tables.csv"]

    def logit(period, sex):
        lx = lt[(lt.period == period) & (lt.sex == sex)].set_index("age").lx / 1e5
        lx = lx.loc[list(range(1, 86))].values
        return 0.5 * np.log((1 - lx) / lx)

    fits = [np.polyfit(logit("1926-1927", s), logit("1958-1959", s), 1) for s in ("male", "female")]
    alpha = [f[1] for f in fits]
    assert era.priors["mortality_level_1958"].parameters["mu"] == pytest.approx(alpha, abs=5e-4)


RB = r"\[reconstructed_births\].*"
FD = "fertility deviation 2.*"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("trend_breaks = [1946]", "trend_breaks = [1960]", "must lie in 1928-1958"),
        ("trend_breaks = [1946]", "trend_breaks = [1946, 1940]", "must be rising years"),
        ("war_years = [1941, 1945]", "war_years = [1941, 1965]", "outside the window"),
        ("ladder_years = [1927, 1940]", "ladder_years = [1927, 1970]", "outside the window"),
        ("ladder_period = [1927, 1953]", "ladder_period = [1920, 1953]", "outside the window"),
        ('kind = "inflow"', 'kind = "annexed"', "unknown kind 'annexed'"),
        # the reconstructed births (tests/unit/test_reconstruction.py)
        ("rate_years = [1940, 1946]", "rate_years = [1946, 1940]", RB + "must be rising years"),
        ("rate_years = [1940, 1946]", "rate_years = [1920, 1946]", RB + "must lie in 1927-1958"),
        ("total_years = [[1941, 1945]]", "total_years = [[1941, 1965]]", RB + "outside the window"),
        ("total_years = [[1941, 1945]]", "totals = [[1941, 1945]]", RB + "unknown key 'totals'"),
        ("death_rate_years = [1946]", "death_rate_years = [1947]", RB + "among rate_years"),
        ("level_breaks = [1946]", "level_breaks = [1920]", "must lie in 1928-1958"),
        ("level_anchor = 1958", "level_anchor = 1940", "must follow the last trend break"),
        ("slope_anchor = 1958", "slope_anchor = 1970", "must follow the last slope break"),
        ("level_bend = 1950", "level_bend = 1946", "must lie strictly between"),
        ("level_bend = 1950", "level_bend = 1958", "must lie strictly between"),
        ("war_first_year_share = 0.53", "war_first_year_share = 1.53", r"in \(0, 1\]"),
        # the 1926 census's cohort error and the flows' age bands
        ("cohort_error = true", 'cohort_error = "yes"', "must be true or false"),
        (
            "army_ages = [18, 24]",
            "army_ages = [18, 24]\ncohort_error = true",
            "only the initial census has a cohort error",
        ),
        ("ages = [15, 49]", "ages = [15, 149]", "outside ages 0-100"),
        ("ages = [15, 49]", "ages = [49, 15]", "must be \\[first, last\\]"),
        # an observation error without a source must say it is an assumption
        (
            'every archival series shares it."""\nbasis = "assumption"',
            'every archival series shares it."""',
            "archival.*needs a 'source'",
        ),
        # the war's weighted fertility deviation
        ("weights = [0.78, 1.0, 1.0, 1.0, 0.5]", "weights = [0.78, 1.0]", FD + "one number in"),
        (
            "weights = [0.78, 1.0, 1.0, 1.0, 0.5]",
            "weights = [0.78, 1.0, 1.0, 1.0, 1.5]",
            FD + "one",
        ),
        ('structure = "weighted"', 'structure = "iid"', FD + "belong to a 'weighted' deviation"),
    ],
)
def test_bad_whole_era_keys_name_the_entry(era, old, new, message):
    assert old in era.text
    with pytest.raises(WindowError, match=message):
        window_from_text(era.text.replace(old, new, 1), "w.toml")


def test_a_saved_window_from_before_the_basis_rule_still_reads(era):
    """Results saved before observation errors carried a basis keep loading."""
    old = era.text.replace(
        'every archival series shares it."""\nbasis = "assumption"',
        'every archival series shares it."""',
    )
    assert old != era.text
    with pytest.raises(WindowError, match="needs a 'source'"):
        window_from_text(old, "w.toml")
    assert window_from_text(old, "saved", saved=True).observation_error("archival", 0) == 0.1


def test_post_war_slope_anchor_is_the_1958_59_tables_beta(era):
    """mortality_slope_1958 is centred on the least-squares Brass beta of the official
    1958-59 table (ages 1-85, against the 1926-27 standard), the slope its levels
    (mortality_level_1958) were fitted at; the post-war slope's yearly change is derived."""
    lt = load_tables()["life_tables.csv"]

    def logit(period, sex):
        lx = lt[(lt.period == period) & (lt.sex == sex)].set_index("age").lx / 1e5
        lx = lx.loc[list(range(1, 86))].values
        return 0.5 * np.log((1 - lx) / lx)

    beta = np.mean(
        [np.polyfit(logit("1926-1927", s), logit("1958-1959", s), 1)[0] for s in ("male", "female")]
    )
    assert beta == pytest.approx(1.306, abs=0.002)
    assert era.priors["mortality_slope_1958"].parameters["mu"] == pytest.approx(beta, abs=5e-4)
    names = {s.name for s in baseline.priors(era)}
    assert "mortality_slope_1958" in names and "mortality_slope_trend_1946" not in names


def test_baseline_slope_runs_from_its_break_to_its_anchor(era):
    p = {"mortality_slope": np.array([0.9]), "mortality_slope_1958": np.array([1.3])}
    beta = baseline.slope(p, era)[0]
    t = era.years
    want = np.where(t < 1946, 0.9, 0.9 + (1.3 - 0.9) * (t - 1946) / 12.0)
    np.testing.assert_allclose(beta, want, rtol=1e-12)
    # a steeper slope in 1958 than in 1945: lower child mortality relative to adults
    draws = {k: np.atleast_1d(v) for k, v in _prior_draws(era, n=1).items()}
    draws.update(mortality_slope=np.array([1.0]), mortality_slope_1958=np.array([1.306]))
    draws.update(mortality_level=np.array([0.0]), mortality_trend=np.array([0.0]))
    draws.update(mortality_level_1958=np.array([[0.0, 0.0]]))
    draws.update(mortality_level_step_1946=np.array([0.0]))
    S, _ = baseline.survival(draws, era, sm.make_inputs(sm.load_observations(), era))
    q = 1 - S[0]
    i45, i58 = era.index(1945), era.index(1958)
    assert q[i58, :, 1].mean() < q[i45, :, 1].mean()  # children 1-2 die less


def test_a_window_without_the_slope_anchor_keeps_the_yearly_change(era):
    plain = window_from_text(era.text.replace("slope_anchor = 1958\n", ""))
    assert plain.mortality_slope_anchor is None
    p = {"mortality_slope": np.array([1.0]), "mortality_slope_trend_1946": np.array([0.02])}
    beta = baseline.slope(p, plain)[0]
    np.testing.assert_allclose(beta, 1.0 + 0.02 * np.maximum(plain.years - 1946, 0), rtol=1e-12)


def test_deportation_series_sums_four_contingents(era_inputs):
    # the four contingents other than the Germans, summed into one record
    rows = [r for r in era_inputs.archival if r[0] == "deportations"]
    assert [(r[1], r[2], r[3]) for r in rows] == [(1943, 1948, 44887 + 16594 + 146892 + 15432)]
    assert rows[0][4].startswith("sum of: ")
    stock = era_inputs.custodial_stock["deportations"]
    assert sorted(stock) == list(range(1943, 1949))
    assert stock[1945] == pytest.approx(90940 + 578527 + 227457 + 94669, abs=1)


def test_war_military_count_and_shootings_are_observed(era_inputs):
    got = {(r[0], r[1], r[2]): r[3] for r in era_inputs.archival}
    assert got[("war_military", 1941, 1945)] == 8668400
    assert got[("shootings_1940_41", 1940, 1940)] == 21857
    sentences = {r[1]: r[3] for r in era_inputs.archival if r[0] == "executions"}
    assert 1948 not in sentences and 1949 not in sentences  # no death penalty: no row
    assert sentences[1942] == 23278


def test_census_to_census_claims_count_the_years_between(era):
    assert estimands.census_to_census(era, (1926, 1939)) == (1927, 1938)
    assert estimands.census_to_census(era, (1926, 1959)) == (1927, 1958)
    assert estimands.census_to_census(era, (1930, 1939)) is None
    assert estimands.census_to_census(era, None) is None


def test_anderson_silver_is_compared_over_1927_1938_in_the_whole_era(era, era_inputs):
    import pandas as pd

    ds = estimands.compute_from_params(_prior_draws(era, n=3, seed=7), era_inputs, era)
    claims = pd.read_csv(sm.constants.DATA_DIR / "published_claims.csv")
    table = estimands.claims_table(ds, claims, era).set_index("claim")
    row = table.loc["total_anderson_silver"]
    assert bool(row.comparable)
    assert "1927-1938" in row.model_quantity
    # a claim over 1927-1953 is compared over the ladder's own years
    medvedev = table.loc[next(c for c in table.index if "medvedev" in c)]
    assert bool(medvedev.comparable) and "1927-1953" in medvedev.model_quantity


def test_war_claims_are_compared_with_the_war_table(era, era_inputs, window):
    """``war_deaths`` is every war cause's deaths over the claim's years, ``war_losses`` adds
    the birth deficit of the war's years; neither is a rung, and a window without the war
    leaves them out."""
    import pandas as pd

    ds = estimands.compute_from_params(_prior_draws(era, n=3, seed=7), era_inputs, era)
    claims = pd.DataFrame(
        [
            dict(
                claim=c,
                author="a",
                year=2000,
                figure=2.6e7,
                low=None,
                high=None,
                estimand=e,
                period=p,
                territory="USSR",
                what="w",
                source="adh1993",
            )
            for c, e, p in [
                ("deaths", "war_deaths", "1941-1945"),
                ("losses", "war_losses", "1941-1945"),
                ("military", "cause:war_military", "1941-1945"),
                ("all", "all_excess", "1941-1945"),
                ("balance", "all_losses", "1941-1945"),
                ("missing", "balance_losses", "1941-1945"),
                ("missing dead", "balance_deaths", "1941-1945"),
                ("two", "cause:dekulakisation+deportations", "1930-1936"),
            ]
        ]
    )
    table = estimands.claims_table(ds, claims, era).set_index("claim")
    names = [c.name for c in era.war_causes]
    deaths = ds["excess_deaths"].sel(cause=names, year=slice(1941, 1945)).sum(("cause", "year"))
    # the war table's birth deficit (against 1940 fertility, from 22 June 1941)
    deficit = "birth deficit 1941 (0.53 of it)-1945 against 1940 fertility"
    births = ds["war_losses"].sel(war_item=deficit)
    np.testing.assert_allclose(table.loc["deaths", "model_median"], np.median(deaths.values))
    np.testing.assert_allclose(
        table.loc["losses", "model_median"], np.median((deaths + births).values)
    )
    assert table.comparable.all()
    assert "war losses" in table.loc["losses", "model_quantity"]
    every = ds["excess_deaths"].sel(year=slice(1941, 1945)).sum(("cause", "year"))
    echo = ds["echo_births"].sel(year=slice(1941, 1945)).sum("year")
    np.testing.assert_allclose(table.loc["all", "model_median"], np.median(every.values))
    np.testing.assert_allclose(
        table.loc["balance", "model_median"], np.median((every + births + echo).values)
    )
    # a population balance (ADH's, Rosstat's, Timasheff's): the people missing on 1 Jan 1946
    bal = ds["war_balance"]
    np.testing.assert_allclose(
        table.loc["missing", "model_median"], np.median(bal.sel(balance_part="total").values)
    )
    dead = bal.sel(balance_part=["born before the war", "war-born excess deaths"])
    np.testing.assert_allclose(
        table.loc["missing dead", "model_median"], np.median(dead.sum("balance_part").values)
    )
    assert "population balance" in table.loc["missing", "model_quantity"]
    two = (
        ds["excess_deaths"]
        .sel(cause=["dekulakisation", "deportations"], year=slice(1930, 1936))
        .sum(("cause", "year"))
    )
    np.testing.assert_allclose(table.loc["two", "model_median"], np.median(two.values))
    # another population (foreigners counted) is not comparable; the model's own data or
    # prior centre is shown but not tested
    other = claims.iloc[:2].assign(territory=["USSR and foreigners", "USSR"])
    other = other.assign(informs_model=[None, "true"])
    flagged = estimands.claims_table(ds, other, era).set_index("claim")
    assert not flagged.loc["deaths", "comparable"] and flagged.loc["losses", "comparable"]
    assert flagged.prob_at_least_figure.isna().all()
    assert flagged.loc["losses", "informs_model"] and not flagged.loc["deaths", "informs_model"]
    inputs = sm.make_inputs(sm.load_observations(), window)
    short = estimands.claims_table(
        estimands.compute_from_params(_prior_draws(window, n=2), inputs, window),
        claims.iloc[:2],
        window,
    )
    assert short.empty  # a window without the war leaves its claims out


def _without_crises(p, keep=()):
    """``p`` with every cause but ``keep``, every fertility deviation and the fertility trend
    at zero, and no migration during the war (flows take every age in proportion)."""
    q = dict(p)
    for c in sm.load_window("1927_1959").causes:
        if c.name not in keep:
            q[c.prior_name] = np.zeros_like(p[c.prior_name])
    for name in ("fertility_deviation", "fertility_war", "tfr_trend"):
        q[name] = np.zeros_like(p[name])
    for name in ("annexation_1944_45", "emigration_1945_46", "polish_exchange_1945_46"):
        q[name] = np.zeros_like(p[name])
    return q


def test_war_balance_is_a_projection_less_the_actual_population(era, era_inputs):
    """The war's population balance (ADH's and Rosstat's accounting): its parts add up to the
    total; without any crisis it is zero; with military deaths alone, they are missing from
    the cohorts born before the war (less those who would have died by 1946 anyway), none of
    the war-born are, and the births lost are only the echo of the few women among them."""
    from stalin_mortality.model import account

    p = _prior_draws(era, n=3, seed=11)
    parts = estimands.BALANCE_PARTS

    def balance(q):
        out = account.simulate(q, era_inputs, era)
        return dict(zip(parts, estimands.war_balance(q, era_inputs, era, out).T, strict=True))

    b = balance(p)
    np.testing.assert_allclose(b["total"], sum(b[k] for k in parts[1:]), rtol=1e-12)
    calm = balance(_without_crises(p))
    for k in parts:
        np.testing.assert_allclose(calm[k], 0.0, atol=1e-3)  # persons, of about 190 M
    war = balance(_without_crises(p, keep=("war_military",)))
    dead = p["excess_war_military"].sum(axis=-1)
    assert ((war["born before the war"] > 0.9 * dead) & (war["born before the war"] < dead)).all()
    np.testing.assert_allclose(war["war-born excess deaths"], 0.0, atol=1e-3)
    assert ((war["birth deficit"] > 0) & (war["birth deficit"] < 0.05 * dead)).all()
    ds = estimands.compute_from_params(p, era_inputs, era)
    assert estimands._estimand_for(ds, era, "balance_losses", (1939, 1945)) == (None, None)


def test_every_cause_has_its_own_colour_and_the_war_greens(era):
    from stalin_mortality.plots import WAR_SHADES, cause_colours

    colours = cause_colours(era)
    assert len(set(colours.values())) == len(colours)
    assert {colours[c.name] for c in era.war_causes} <= set(WAR_SHADES)


def test_simulated_data_include_the_reconstruction(era, era_inputs):
    """A truth's simulated data carry ADH-like rates and war births from the truth's own
    account, each with the model's log-normal error (the recovery test of the whole era
    needs them; real data there would contradict the truth)."""
    from stalin_mortality import simulation
    from stalin_mortality.model import account
    from stalin_mortality.model.components import reconstruction

    p = {k: v[:1] for k, v in _prior_draws(era, n=1, seed=5).items()}
    out = account.simulate(p, era_inputs, era)
    pop = out["population"][0].sum(axis=(-2, -1))
    births, deaths = out["births"][0], out["deaths"][0]
    rng = np.random.default_rng(3)
    sims = [simulation._reconstructed(out, era_inputs, era, rng) for _ in range(400)]
    for key, flow, sigma in (
        ("reconstructed_birth_rates", births, reconstruction.rate_error(era)),
        ("reconstructed_death_rates", deaths, reconstruction.death_rate_error(era)),
    ):
        years = sorted(getattr(era_inputs, key))
        assert years and all(sorted(s[key]) == years for s in sims)
        mu = reconstruction.expected_rates(flow, pop, years, era)
        z = np.log([[s[key][y] for y in years] for s in sims] / mu) / sigma
        assert abs(z.mean()) < 0.2 and 0.85 < z.std() < 1.15, (key, z.mean(), z.std())
    ((first, last, share, _),) = era_inputs.reconstructed_births
    mu = reconstruction.expected_total(births, first, last, share, era)
    z = np.log([s["reconstructed_births"][0][3] / mu for s in sims])
    z /= reconstruction.total_error(era)
    assert abs(z.mean()) < 0.2 and 0.85 < z.std() < 1.15
    assert all(s["reconstructed_births"][0][:3] == (first, last, share) for s in sims)


def test_model_scan_matches_numpy_path_over_the_whole_era(era, era_inputs):
    """The model's graph (a pytensor.scan, both 1958 anchors, the 1946 step, the war) and
    the numpy loop the estimands use agree over all 32 years (about 45 s)."""
    model = sm.build_model(
        sm.load_observations(), era, sm.load_scenario("default"), inputs=era_inputs
    )
    assert_scan_matches_numpy(model, era, era_inputs)


def test_polish_exchange_is_the_net_of_the_two_transfers(era):
    """polish_exchange_1945_46's median is the Poles and Jews who left less the Ukrainians
    and Belarusians who came (territorial_changes.csv); the annexation's 20.27 M is a
    1 January 1939 count, before the exchange."""
    tc = load_tables()["territorial_changes.csv"].set_index("change")
    out = tc.loc["transfer_out_poles_jews_1945_46", "population"]
    into = tc.loc["transfer_in_ukrainians_belarusians_1944_46", "population"]
    flow = {f.name: f for f in era.flows}["polish_exchange_1945_46"]
    assert flow.kind == "emigration" and flow.years == (1945, 1946)
    assert np.exp(flow.prior.parameters["mu"]) == pytest.approx(out - into, rel=1e-4)
    assert "1 Jan 1939" in tc.loc["annexations_1939_40", "what"]


def test_the_1926_cohort_error_follows_the_1959_age_groups(era, era_inputs):
    """The 1926 census's cohort error: one factor per cohort of the 1959 census's age groups
    (ages 3-37 in 1927), common to both sexes; the young ages (their undercount) and the
    older cohorts (38+ in 1927, here with no error of their own) are the reference and
    untouched, and the count of ages 3-37 is kept in every draw: the error moves people
    between those cohorts only (until 8 December the whole census was rescaled, which moved
    people into the reference ages whenever the errors' mean was negative)."""
    import pytensor.tensor as pt

    from stalin_mortality.model.components import initial

    matrix, labels = initial.cohort_groups(era)
    assert labels[0] == "born 1919-1923" and labels[-1] == "born 1889-1893"
    assert len(labels) == 7
    assert matrix[0, 3:8].all() and matrix[0].sum() == 5  # ages 3-7 in 1927: 35-39 in 1959
    assert matrix[-1, 33:38].all()  # 65-69 in 1959
    assert matrix[:, :3].sum() == 0 and matrix[:, 38:].sum() == 0
    assert (matrix.sum(axis=0)[3:38] == 1).all()
    name = initial.cohort_name(era)
    p = {
        "undercount_1926_ages_0_2": np.array([0.06, 0.06]),
        "undercount_1926_other_ages": np.array([0.005, 0.005]),
    }
    rng = np.random.default_rng(3)
    p[name] = np.stack([np.zeros(7), rng.normal(0, 0.05, size=7)])
    p[name][1, 0] += 0.1  # not zero-sum: the count of ages 3-37 is still kept
    P = initial.population(p, era, era_inputs.initial)
    base = P[0]
    np.testing.assert_allclose(P[1].sum(), base.sum(), rtol=1e-12)
    np.testing.assert_allclose(P[1][:, 3:38].sum(), base[:, 3:38].sum(), rtol=1e-12)
    ratio = P[1] / base
    # the reference ages are untouched, each cohort has its factor, the same for both sexes
    reference = np.r_[0:3, 38:101]
    np.testing.assert_allclose(ratio[:, reference], 1.0, rtol=1e-12)
    first = ratio[0, matrix[0] == 1][0]
    for g in range(7):
        r = ratio[:, matrix[g] == 1]
        np.testing.assert_allclose(r, r[0, 0], rtol=1e-12)
        np.testing.assert_allclose(
            r[0, 0] / first, np.exp(p[name][1, g] - p[name][1, 0]), rtol=1e-12
        )
    assert not np.allclose(ratio[:, 3:38], 1.0)
    # the PyTensor graph gives the same population
    tp = {k: pt.as_tensor(v[1]) for k, v in p.items()}
    np.testing.assert_allclose(initial.population(tp, era, era_inputs.initial).eval(), P[1])
