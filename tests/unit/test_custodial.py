"""Custodial and execution records: stocks from data/, the baseline deaths of the stock,
records per death, and registered deaths without NKVD deaths (issue 10, points 5 and 7)."""

import re

import numpy as np
import pandas as pd
import pytest

import stalin_mortality as sm
from stalin_mortality.constants import DATA_DIR, WINDOW_DIR
from stalin_mortality.exceptions import DataValidationError, WindowError
from stalin_mortality.model import account
from stalin_mortality.model.components import archives, registration
from stalin_mortality.window import window_from_text

TEXT = (WINDOW_DIR / "1927_1939.toml").read_text()


@pytest.fixture(scope="module")
def window():
    return sm.load_window("1927_1939")


@pytest.fixture(scope="module")
def inputs(observations, window):
    return account.make_inputs(observations, window)


def test_each_stock_is_its_series_deaths_over_its_own_rate():
    stocks = pd.read_csv(DATA_DIR / "custodial_stocks.csv")
    counts = pd.read_csv(DATA_DIR / "archival_counts.csv")
    for r in stocks.itertuples():
        if r.cause == "deportations":  # persons-years of contingents: sum of "N x m/12"
            terms = re.findall(r"(\d+) x (\d+)/12", r.derivation)
            assert terms, r
            assert r.stock == round(sum(int(n) * int(m) / 12 for n, m in terms)), r
            continue
        deaths, rate = re.match(r"deaths (\d+) / .*?([\d.]+)%", r.derivation).groups()
        assert r.stock == round(int(deaths) / (float(rate) / 100), -2), r
        if r.cause == "gulag":  # the same spravka row as the archival count
            row = counts[(counts.cause == "gulag") & (counts.year_start == r.year)]
            assert int(row["count"].iloc[0]) == int(deaths)


def test_expected_record_adds_the_stock_baseline_deaths_and_the_ratio(inputs, window):
    params = {
        "mortality_level": np.array([0.04]),
        "mortality_trend": np.array([-0.0054]),
        "mortality_slope": np.array([1.0]),
        "archival_completeness_gulag": np.array([0.8]),
        "archival_completeness_dekulakisation": np.array([0.7]),
        "sentence_ratio_1930_36": np.array([1.2]),
        "sentence_ratio_1937_38": np.array([1.0]),
        "gulag_series_share_1930_34": np.array([0.5]),
    }
    for c in ("executions", "gulag", "dekulakisation"):
        spec = window.cause(c)
        params[spec.prior_name] = np.full((1, len(spec.year_list)), 1000.0)
    got = archives.expected(params, inputs, window)[0]
    h = archives.stock_hazard(params, window, inputs, "gulag", np)[0]
    for i, (cause, first, last, _, _) in enumerate(inputs.archival):
        if (cause, first, last) == ("gulag", 1938, 1938):
            stock = inputs.custodial_stock["gulag"][1938]
            # the stock is the covered population: its baseline deaths take no completeness
            assert got[i] == pytest.approx(0.8 * 1000 + stock * h[window.index(1938)])
            # a baseline death rate of adult, mostly male prisoners: 0.8-1.5% a year
            assert 0.008 < h[window.index(1938)] < 0.015
        if (cause, first, last) == ("gulag", 1933, 1933):  # camps only: a share of the excess
            stock = inputs.custodial_stock["gulag"][1933]
            assert got[i] == pytest.approx(0.5 * 0.8 * 1000 + stock * h[window.index(1933)])
        if (cause, first, last) == ("executions", 1930, 1930):
            # sentences per execution alone: the series has no completeness parameter
            assert got[i] == pytest.approx(1.2 * 1000)
        if (cause, first, last) == ("executions", 1938, 1938):
            assert got[i] == pytest.approx(1.0 * 1000)


def test_settler_families_die_at_the_population_s_baseline_rate(inputs, window):
    """Deported families have the whole population's ages (not the cause's excess pattern,
    which doubles the weight of infants and the old): their baseline death rate is that of
    the 1926 population present on 1 January (without the first-year deaths of the year's
    births), 1.57% a year at the Brass level 0.04, against 2.2% with the cause's pattern."""
    params = {
        "mortality_level": np.array([0.04]),
        "mortality_trend": np.array([-0.0054]),
        "mortality_slope": np.array([1.0]),
    }
    h = archives.stock_hazard(params, window, inputs, "dekulakisation", np)[0]
    assert window.archival[2].stock_composition == "population"
    assert 0.014 < h[window.index(1932)] < 0.017


def test_the_model_observes_the_same_expected_records(inputs, window, observations):
    """The PyTensor path (the model's likelihood) and the numpy path (checks, simulation)
    are one formula: the model's archival log-likelihood at a point matches numpy's."""
    from scipy import stats

    scenario = sm.load_scenario("default")
    model = sm.build_model(observations, window, scenario)
    point = model.initial_point()
    free = {rv.name for rv in model.free_RVs}
    # the free parameters only (no deterministics: they need the projection's scan)
    values_ = [v for v in model.unobserved_value_vars if v.name in free]
    outputs = [model.logp(vars=[model["archival_gulag"]], sum=True), *values_]
    logp, *draw = model.compile_fn(outputs, inputs=model.value_vars, on_unused_input="ignore")(
        point
    )
    names = [v.name for v in values_]
    values = {n: np.asarray(v)[None] for n, v in zip(names, draw, strict=True)}
    mu = np.log(archives.expected(values, inputs, window)[0])
    idx = [i for i, r in enumerate(inputs.archival) if r[0] == "gulag"]
    obs = np.log([inputs.archival[i][3] for i in idx])
    want = stats.norm.logpdf(obs, mu[idx], archives.ARCHIVAL_LOG_SD).sum()
    assert float(logp) == pytest.approx(want, rel=1e-6)


def test_a_stock_missing_for_a_record_year_is_an_error(data_copy, window):
    text = (data_copy / "custodial_stocks.csv").read_text()
    (data_copy / "custodial_stocks.csv").write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("gulag,1935,")) + "\n"
    )
    from stalin_mortality.data import load_tables, observations_from

    obs = observations_from(load_tables(data_copy, check_registry=False))
    with pytest.raises(DataValidationError, match=r"custodial_stocks.csv.*no stock for \[1935\]"):
        account.make_inputs(obs, window)


def test_ratio_years_must_not_overlap_and_stock_must_be_boolean():
    bad = TEXT.replace(
        "years = [1937, 1938]\n[archival.ratios.prior]",
        "years = [1936, 1938]\n[archival.ratios.prior]",
    )
    with pytest.raises(WindowError, match="ratio 2: years \\[1936, 1938\\] overlap"):
        window_from_text(bad, "w.toml")
    bad = TEXT.replace("stock = true     # all deaths of the average prisoner", 'stock = "yes"  #')
    with pytest.raises(WindowError, match="'stock' must be true or false"):
        window_from_text(bad, "w.toml")


def test_deported_kulaks_and_later_deportations_never_share_a_year(window):
    dek, dep = window.cause("dekulakisation").years, window.cause("deportations").years
    assert dek[1] < dep[0]


def test_registered_deaths_leave_out_executions_and_custodial_deaths(window):
    n_c, n_y = len(window.causes), len(window.years)
    deaths = np.full((2, n_y), 1e6)
    excess = np.zeros((2, n_c, n_y))
    for i in range(n_c):
        excess[:, i, :] = 1000.0 * (i + 1)
    got = registration.civil_deaths(deaths, excess, window)
    dropped = sum(
        1000.0 * (i + 1)
        for i, c in enumerate(window.causes)
        if c.has("executions") or c.has("custodial")
    )
    assert {c.name for c in window.causes if c.has("custodial") or c.has("executions")} == {
        "executions",
        "gulag",
        "dekulakisation",
        "deportations",
    }
    np.testing.assert_allclose(got, 1e6 - dropped)


def test_executions_have_one_ratio_and_no_completeness(window):
    names = archives.parameter_names(window)
    assert "archival_completeness_executions" not in names
    assert {"sentence_ratio_1930_36", "sentence_ratio_1937_38"} <= set(names)
    assert "archival_completeness_gulag" in names
    specs = {p.name for p in archives.priors(window)}
    assert "archival_completeness_executions" not in specs


def test_gulag_stock_is_adults_18_59_like_its_deaths(inputs, window):
    w = archives.stock_weights(window, inputs, "gulag")
    assert w.sum() == pytest.approx(1.0)
    assert w[:, :18].sum() == 0 and w[:, 60:].sum() == 0
    assert w[0].sum() == pytest.approx(0.9, abs=0.02)  # the pattern's 9:1 men at equal numbers
