"""The window's own priors: every one names sources that exist, and every number the window
says it derived from data/ is recomputed here from data/ (so a change of the data or of the
window that breaks the derivation fails)."""

import numpy as np
import pytest

from stalin_mortality import estimands
from stalin_mortality.data import load_tables
from stalin_mortality.model import account
from stalin_mortality.model.components import account_parameters, prior_specs
from stalin_mortality.window import window_from_text


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture(scope="module")
def specs(window):
    return prior_specs(window)


@pytest.mark.parametrize("window_name", ["1927_1939", "1927_1959"])
def test_every_prior_is_sourced_or_an_assumption(window_name, tables):
    """Every prior of each shipped window names sources that exist in data/sources.csv, or
    says it is a modelling choice (``basis = "assumption"``, explained in its description);
    a window's own ``[priors.NAME]`` always has a source."""
    import stalin_mortality as sm

    window = sm.load_window(window_name)
    specs = prior_specs(window)
    keys = set(tables["sources.csv"]["key"])
    sourced = {n: s for n, s in specs.items() if s.source}
    assert set(window.priors) <= set(sourced)
    for name, spec in sourced.items():
        cited = spec.source.replace(",", " ").split()
        assert set(cited) <= keys, f"{name}: unknown source key(s) {set(cited) - keys}"
    bare = sorted(n for n, s in specs.items() if not s.source and s.basis != "assumption")
    assert not bare, f"{window_name}: priors with neither a source nor basis 'assumption': {bare}"
    for name, spec in specs.items():
        text = " ".join(spec.description.split()).lower()
        if spec.basis:
            assert len(text.split()) >= 8, f"{name}: a {spec.basis} prior says why"
        # the label and the words agree: "not a source" is an assumption; a prior whose
        # description calls anything a modelling choice is anchored or an assumption
        if "not a source" in text or "not derived" in text:
            assert spec.basis == "assumption", f"{name}: says it is not a source"
        if "modelling choice" in text or "definitional choice" in text:
            assert spec.basis in ("assumption", "anchored"), f"{name}: says it is a choice"
        if spec.basis == "anchored":
            assert spec.source, f"{name}: anchored on what?"


def _brass_alpha(lt, period, sex, ages=range(1, 86)):
    """Brass alpha (beta = 1) of a table against the 1926-27 standard, ages 1-85."""

    def logit(p):
        lx = lt[(lt.period == p) & (lt.sex == sex)].set_index("age").lx / 1e5
        lx = lx.loc[list(ages)].values
        return 0.5 * np.log((1 - lx) / lx)

    return float(np.mean(logit(period) - logit("1926-1927")))


def test_mortality_trend_centre_is_the_official_tables_slope(tables, specs):
    lt = tables["life_tables.csv"]
    alpha = np.mean([_brass_alpha(lt, "1938-1939", s) for s in ("male", "female")])
    assert alpha == pytest.approx(-0.065, abs=0.001)
    # the tables' midpoints are 12 years apart (1926-27 to 1938-39)
    assert specs["mortality_trend"].parameters["mu"] == pytest.approx(alpha / 12, abs=5e-5)


def _tfr(tables):
    f = tables["fertility_1920_1929.csv"]
    return f.groupby("year")["births_per_1000_women"].sum() * 5 / 1000


def test_fertility_priors_are_adh_series(tables, specs, window):
    tfr = _tfr(tables)
    y0 = window.first_year
    assert np.exp(specs[f"tfr_{y0}"].parameters["mu"]) == pytest.approx(tfr.loc[y0], rel=0.002)
    slope = np.polyfit(tfr.loc[1925:1929].index, np.log(tfr.loc[1925:1929].values), 1)[0]
    assert specs["tfr_trend"].parameters["mu"] == pytest.approx(slope, abs=0.0006)


def _centre(spec):
    d, p = spec.distribution, spec.parameters
    value = {
        "Normal": lambda: p["mu"],
        "LogNormal": lambda: np.exp(p["mu"]),
        "Beta": lambda: p["alpha"] / (p["alpha"] + p["beta"]),
        "HalfNormal": lambda: 0.0 * p["sigma"],
        "ZeroSumNormal": lambda: 0.0 * p["sigma"],
    }[d]()
    shape = (1, spec.size) if spec.size else (1,)
    return np.broadcast_to(np.asarray(value, dtype=float), shape).copy()


def test_famine_child_weight_gives_the_regional_share_under_ten(observations, window, specs):
    """At the prior centre (one famine year at intensity 1, others at zero), children under
    10 are 25-31% of famine deaths (Rudnytskyi et al. 2015; Levchuk 2015); with equal
    weights they would be far more."""
    inputs = account.make_inputs(observations, window)
    cause = next(c for c in window.hazard_causes if c.estimated_pattern)
    p = {n: _centre(specs[n]) for n in account_parameters(window)}
    k = np.zeros((1, len(cause.year_list)))
    k[0, list(cause.year_list).index(1933)] = 1.0
    p[cause.prior_name] = k

    def share_under_ten(pattern):
        p[cause.pattern_prior_name] = pattern
        ds = estimands.compute_from_params(p, inputs, window)
        a = ds["excess_deaths_by_age_group"].sel(cause=cause.name).isel(sample=0)
        return float(a.sel(age_group=["0-4", "5-9"]).sum() / a.sum())

    assert 0.25 <= share_under_ten(p[cause.pattern_prior_name]) <= 0.31
    assert share_under_ten(np.zeros_like(p[cause.pattern_prior_name])) > 0.5


def test_observation_errors_are_stated_in_the_window_with_known_sources(window, tables):
    from stalin_mortality.model.components import archives, census, registration

    keys = set(tables["sources.csv"]["key"])
    assert set(window.observation_errors) == {"census_total", "registered", "archival"}
    for name, e in window.observation_errors.items():
        assert e.description, name
        assert set(e.source.split()) <= keys, f"{name}: unknown source key(s)"
    # the components read the window's values (equal to their defaults here)
    assert census.total_error(window) == window.observation_errors["census_total"].value
    assert registration.error(window) == window.observation_errors["registered"].value
    assert archives.error(window) == window.observation_errors["archival"].value
    # ... and a window that states another value changes the model's
    text = window.text.replace(
        "[observation_errors.archival]\nvalue = 0.1", "[observation_errors.archival]\nvalue = 0.2"
    )
    assert archives.error(window_from_text(text, "w.toml")) == 0.2


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "[observation_errors.archival]",
            "[observation_errors.archive]",
            "observation error archive: unknown",
        ),
        ("value = 0.1\n", "value = -0.1\n", "'value' must be a positive number"),
    ],
)
def test_bad_observation_error_names_the_entry(window, old, new, message):
    import re

    from stalin_mortality.exceptions import WindowError

    with pytest.raises(WindowError, match=re.escape(message)):
        window_from_text(window.text.replace(old, new, 1), "w.toml")


def test_every_prior_has_a_display_label(specs):
    from stalin_mortality.priors import prior_label

    for name in specs:
        label = prior_label(name)
        assert label and "_" not in label, name
    assert prior_label("coverage_1937") == "census coverage of ages 5+, 1937"
    assert prior_label("excess_gulag") == "excess deaths a year: gulag"


def test_bad_prior_basis_names_the_entry(window):
    import re

    from stalin_mortality.exceptions import WindowError

    old = 'units = "logit per year"\nsource = "goskomstat1989"'
    assert old in window.text
    text = window.text.replace(old, old + '\nbasis = "guess"', 1)
    with pytest.raises(WindowError, match=re.escape("its prior's 'basis' must be 'assumption' or")):
        window_from_text(text, "w.toml")
