"""The registration's hierarchy and famine dip; the census dates."""

import math
import re

import numpy as np
import pytest

import stalin_mortality as sm
from stalin_mortality.data import load_tables
from stalin_mortality.exceptions import WindowError
from stalin_mortality.model import account
from stalin_mortality.model.components import registration
from stalin_mortality.priors import PROBIT
from stalin_mortality.window import window_from_text

TEXT = sm.load_window("1927_1939").text


def test_registration_is_hierarchical_with_a_famine_dip():
    w = sm.load_window("1927_1939")
    events = next(s for s in w.registration if s.kind == "events")
    specs = sm.prior_specs(w)
    assert specs["death_registration_completeness_1931_33_level"].distribution == "Beta"
    year = specs["death_registration_completeness_1931_33_year"]
    assert year.size == 3 and year.parameters == {"mu": 0.0, "sigma": registration.YEAR_SD}
    assert specs["famine_death_registration_1931_33"].parameters == {"alpha": 1.0, "beta": 1.0}
    # births have no famine term; the 1926 rates keep one completeness each
    assert "famine_birth_registration_1931_33" not in specs
    assert specs["death_registration_completeness"].size is None
    # a year at the level's deviation 0 has the level's completeness
    level, dev = np.array([0.8, 0.6]), np.array([[0.0, 0.5, -0.5], [0.0, 0.0, 0.0]])
    c = registration.yearly_completeness(level, dev)
    assert c.shape == (2, 3) and np.allclose(c[:, 0], level) and np.allclose(c[1], 0.6)
    assert c[0, 1] > 0.8 > c[0, 2]
    # expected registered deaths: the famine's share (1 - r) is unregistered
    civil, famine = np.array([5.0, 6.0, 9.0]), np.array([0.0, 1.0, 4.0])
    full = registration.expected_events("death", c[0], civil, famine, 1.0)
    assert np.allclose(full, c[0] * civil)
    none = registration.expected_events("death", c[0], civil, famine, 0.0)
    assert np.allclose(none, c[0] * (civil - famine))
    assert np.allclose(registration.expected_events("birth", c[0], civil, famine, 0.0), full)
    # the famine causes of the series: those active in 1931-33
    assert [w.causes[i].name for i in registration.famine_causes(w, events)] == ["famine_1930_34"]


def test_the_models_registered_deaths_leave_out_the_unregistered_famine_deaths():
    """At r and at r = 1 (all else equal) the likelihood's means differ by exactly
    completeness x (1 - r) x the famine's excess deaths of each year."""
    w = sm.load_window("1927_1939")
    model = sm.build_model(sm.load_observations(), w, sm.load_scenario("default"))
    node = model["registered_deaths_1931_33"].owner
    mu = node.op.dist_params(node)[0]  # Normal(mu, sigma)
    outputs = model.replace_rvs_by_values(
        [
            mu,
            model["excess_deaths"],
            model["death_registration_completeness_1931_33"],
            model["death_registration_completeness_1931_33_level"],
            model["death_registration_completeness_1931_33_year"],
        ]
    )
    f = model.compile_fn(outputs, inputs=model.value_vars, on_unused_input="ignore")
    point = model.initial_point()
    point["death_registration_completeness_1931_33_year"] = np.array([0.3, -0.2, -0.4])
    key = "famine_death_registration_1931_33_probit__"  # r = Phi(z): uniform r, normal z
    point[key] = np.array(-0.6)
    log_mu, excess, complete, level, dev = f(point)
    point[key] = np.array(40.0)  # r = 1 to machine precision
    log_full = f(point)[0]
    r = 0.5 * math.erfc(0.6 / math.sqrt(2.0))
    idx = [w.index(y) for y in (1931, 1932, 1933)]
    famine = excess[w.cause_names.index("famine_1930_34"), idx]
    assert np.all(famine > 0)
    assert np.allclose(np.exp(log_full) - np.exp(log_mu), complete * (1 - r) * famine)
    assert np.allclose(complete, registration.yearly_completeness(level, dev))


def test_a_flat_share_is_sampled_as_a_standard_normal():
    """The famine registration's Beta(1, 1) is sampled through Phi^-1: its log density in
    the sampler's coordinate is the standard normal's (the same prior, normal tails)."""
    model = sm.build_model(
        sm.load_observations(), sm.load_window("1927_1939"), sm.load_scenario("default")
    )
    var = model["famine_death_registration_1931_33"]
    f = model.compile_fn(
        model.logp(vars=[var], sum=True), inputs=model.value_vars, on_unused_input="ignore"
    )
    point = model.initial_point()
    for z in (-2.5, 0.0, 1.3):
        point["famine_death_registration_1931_33_probit__"] = np.array(z)
        assert f(point) == pytest.approx(-0.5 * z * z - 0.5 * math.log(2 * math.pi))
    assert PROBIT.backward(np.array(0.0)).eval() == 0.5


def test_the_days_before_a_census_add_their_births_at_age_0():
    w = sm.load_window("1927_1939")
    c39 = next(c for c in w.censuses if c.year == 1939)
    rng = np.random.default_rng(3)
    pop = rng.uniform(1e5, 2e6, size=(2, len(w.dates), 2, 101))
    pop[:, w.index(1939)] = pop[:, w.index(1938)] * 1.015
    births = np.full((2, len(w.years)), 5.5e6)
    alike = w.census_population(pop, c39)
    dated = w.census_population(pop, c39, births)
    # the same total, with the 16 days' births (of 1938's rate) at age 0
    assert np.allclose(dated.sum(axis=(-2, -1)), alike.sum(axis=(-2, -1)))
    born = 5.5e6 * 16 / 365.25
    state = pop[:, w.index(1939)]
    # every other age is scaled by one factor, below the growth of the alike scaling
    ratio = dated[..., 1:] / state[..., 1:]
    assert np.allclose(ratio, ratio[..., :1, :1])
    assert (dated[..., 1:] < alike[..., 1:]).all() and (dated[..., 0] > alike[..., 0]).all()
    # the births split by sex as the state's age 0
    share = dated[..., 0] - state[..., 0] * ratio[..., 0, 0][:, None]
    assert np.allclose(share.sum(axis=-1), born)
    assert np.allclose(share[:, 0] / born, state[:, 0, 0] / state[:, :, 0].sum(axis=-1))


def test_census_population_on_its_date():
    w = sm.load_window("1927_1939")
    c37 = next(c for c in w.censuses if c.year == 1937)
    assert (c37.date, c37.offset_days) == ("1937-01-06", 5)
    assert w.initial_census.offset_days == -15
    pop = np.ones((len(w.dates), 2, 101))
    pop[w.index(1936)] *= 1.0
    pop[w.index(1937)] *= 1.02  # 2% growth in 1936
    on_date = w.census_population(pop, c37)
    assert np.allclose(on_date, 1.02 * 1.02 ** (5 / 365.25))
    # draws in front work alike
    both = w.census_population(np.stack([pop, 2 * pop]), c37)
    assert np.allclose(both[1], 2 * on_date)
    # the initial census is carried to 1 Jan 1927 at ADH's 1926 natural increase
    # the 15 days' births join age 0, their deaths leave every age (ADH's 1926 rates)
    obs = sm.load_observations()
    counts = obs["census_count"].sel(census=1926).transpose("sex", "age").values.astype(float)
    carried, born = account.initial_carry(counts.copy(), obs, w)
    assert born.sum() == pytest.approx(0.0456 * 15 / 365.25 * counts.sum())
    span = 15 / 365.25
    assert carried.sum() == pytest.approx(counts.sum() * (1 + (0.0456 - 0.0255) * span))
    births = 0.0456 * span * counts.sum()
    deaths = 0.0255 * span * counts.sum()
    gained = carried[:, 0] - counts[:, 0]
    lost_above_0 = (counts[:, 1:] - carried[:, 1:]).sum()
    # age 0 gains the births less its own deaths; all deaths add up to the crude rate's
    assert lost_above_0 + (births - gained.sum()) == pytest.approx(deaths)
    assert 0 < births - gained.sum() < 0.5 * deaths
    assert gained[0] / gained.sum() == pytest.approx(1.05 / 2.05, abs=0.01)
    assert (carried[:, 1:] < counts[:, 1:]).all()  # every older age loses its deaths only


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("date = 1937-01-06", "date = 1938-01-06", "date 1938-01-06 must fall in 1937"),
        ("date = 1937-01-06", 'date = "1937-01-06"', "'date' must be a date"),
        ("date = 1926-12-17", "date = 1925-12-17", "must fall in the year before 1 Jan 1927"),
        ('date_source = "polyakov1992"\n', "", "a census 'date' needs a 'date_source'"),
        ("date = 1939-01-17  #", "# date = 1939-01-17", "'date_source' needs a 'date'"),
    ],
)
def test_bad_census_dates_name_the_census(old, new, message):
    assert old in TEXT
    with pytest.raises(WindowError, match=re.escape(message)):
        window_from_text(TEXT.replace(old, new, 1), "w.toml")


@pytest.mark.parametrize("window_name", ["1927_1939", "1927_1959"])
def test_every_census_date_cites_a_known_source(window_name):
    keys = set(load_tables()["sources.csv"]["key"])
    w = sm.load_window(window_name)
    for c in w.censuses:
        assert c.date, c.year
        cited = set(c.date_source.replace(",", " ").split())
        assert cited and cited <= keys, (c.year, cited - keys)


def test_unregistered_famine_deaths_follow_the_registration_model():
    from stalin_mortality import estimands

    w = sm.load_window("1927_1939")
    (series,) = estimands.famine_registers(w)
    famine = registration.famine_causes(w, series)
    assert famine
    excess = np.zeros((2, len(w.causes), len(w.years)))
    years = [w.index(y) for y in series.year_list]
    excess[:, famine[0], years] = [1.0e6, 2.0e6, 4.0e6]
    excess[:, famine[0], w.index(1934)] = 9.0e6  # outside the series: never counted
    level = np.array([0.8, 0.8])
    deviation = np.zeros((2, len(years)))
    deviation[1, 2] = 0.5  # a better year 1933 in the second draw
    r = np.array([1.0, 0.25])
    missed, dip = estimands.unregistered_famine_deaths(excess, w, series, level, deviation, r)
    c33 = 1 / (1 + np.exp(-(np.log(4.0) + 0.5)))
    assert missed[0] == pytest.approx(7.0e6 * 0.2)  # registered like others: 1 - c
    assert dip[0] == pytest.approx(0.0)
    expected = 3.0e6 * (1 - 0.8 * 0.25) + 4.0e6 * (1 - c33 * 0.25)
    assert missed[1] == pytest.approx(expected)
    assert dip[1] == pytest.approx(0.75 * (3.0e6 * 0.8 + 4.0e6 * c33))
