"""Births from a demographic reconstruction (ADH's 1940 and 1946 crude birth rates and the war
years' births): the window's declaration, the data they come from, and the likelihood."""

import numpy as np
import pytest

import stalin_mortality as sm
from stalin_mortality.data import load_tables, observations_from
from stalin_mortality.exceptions import DataValidationError
from stalin_mortality.model import account
from stalin_mortality.model.components import reconstruction


def test_the_whole_era_observes_adh_births(era, era_inputs):
    assert era.reconstructed_births.rate_years == (1940, 1946)
    assert era.reconstructed_births.total_years == ((1941, 1945),)
    assert era_inputs.reconstructed_birth_rates == {1940: 0.0361, 1946: 0.0285}
    assert era_inputs.reconstructed_births == [(1941, 1945, 0.53, 16_530_000.0)]
    # ADH's death rates of the same years: 1946's observed, 1940's held out
    assert era_inputs.reconstructed_death_rates == {1940: 0.0217, 1946: 0.0158}
    assert era.reconstructed_births.death_rate_years == (1946,)
    # the 1927-1939 window observes none
    assert sm.load_window("1927_1939").reconstructed_births is None


def test_inputs_keep_the_reconstruction_when_saved(era_inputs):
    back = account.Inputs.from_dataset(era_inputs.to_dataset())
    assert back.reconstructed_birth_rates == era_inputs.reconstructed_birth_rates
    assert back.reconstructed_births == era_inputs.reconstructed_births
    assert back.reconstructed_death_rates == era_inputs.reconstructed_death_rates
    # and a result saved before they existed reads as none
    old = era_inputs.to_dataset().drop_vars(
        ["reconstructed_birth_rate", "reconstructed_births", "reconstructed_death_rate"]
    )
    old = account.Inputs.from_dataset(old)
    assert old.reconstructed_birth_rates == {} and old.reconstructed_births == []
    assert old.reconstructed_death_rates == {}


def test_a_total_counts_the_covered_share_of_its_first_year(era):
    births = np.zeros((2, len(era.years)))
    births[:, era.index(1940)] = 100.0  # outside the period
    births[:, era.index(1941)] = 6.0
    births[:, era.index(1942) : era.index(1945) + 1] = 4.0
    births[:, era.index(1946)] = 100.0  # outside the period
    total = reconstruction.expected_total(births, 1941, 1945, 0.5, era)
    assert total.tolist() == [19.0, 19.0]
    pop = np.full((1, len(era.dates)), 200.0)
    pop[0, era.index(1941)] = 300.0  # 1 Jan 1941: the end of 1940
    rate = reconstruction.expected_rates(births[:1], pop, [1940, 1942], era)
    assert rate.tolist() == [[100.0 / 250.0, 4.0 / 200.0]]


def _drop_rows(path, prefix: str) -> None:
    """Delete the lines of ``path`` that start with ``prefix``."""
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith(prefix)))


def test_missing_reconstructed_data_name_the_file(data_copy, era):
    rates = data_copy / "vital_rates.csv"
    _drop_rows(rates, "1946,birth_rate,reconstructed")
    obs = observations_from(load_tables(data_copy, check_registry=False))
    with pytest.raises(DataValidationError, match=r"vital_rates.csv.*birth rate of \[1946\]"):
        account.make_inputs(obs, era)
    births = data_copy / "births_reconstructed.csv"
    births.write_text(births.read_text().replace("1941,1945,", "1942,1945,", 1))
    rates.write_text(rates.read_text() + "1946,birth_rate,reconstructed,28.5,adh1993,p.120\n")
    obs = observations_from(load_tables(data_copy, check_registry=False))
    with pytest.raises(DataValidationError, match=r"births_reconstructed.csv.*1941-1945"):
        account.make_inputs(obs, era)
    births.write_text(births.read_text().replace("1942,1945,", "1941,1945,", 1))
    _drop_rows(rates, "1946,death_rate,reconstructed")
    obs = observations_from(load_tables(data_copy, check_registry=False))
    with pytest.raises(DataValidationError, match=r"vital_rates.csv.*death rate of \[1946\]"):
        account.make_inputs(obs, era)


def test_likelihood_is_the_stated_lognormal(observations, era):
    """The model's log-likelihood of the reconstructed births at a point equals the
    log-normal of the component's formulas on the model's own births and population; the
    scenario no_reconstruction leaves both out."""
    from scipy import stats

    model = sm.build_model(observations, era, sm.load_scenario("default"))
    rate, total = model["reconstructed_birth_rate"], model["reconstructed_births_1941_1945"]
    flows = model.replace_rvs_by_values([model["births"], model["population_total"]])
    outputs = [model.logp(vars=[rate, total], sum=True), *flows]
    fn = model.compile_fn(outputs, inputs=model.value_vars, on_unused_input="ignore")
    logp, births, pop = fn(model.initial_point())
    mu_rate = np.log(reconstruction.expected_rates(births, pop, [1940, 1946], era))
    mu_total = np.log(reconstruction.expected_total(births, 1941, 1945, 0.53, era))
    want = stats.norm.logpdf(np.log([0.0361, 0.0285]), mu_rate, 0.07).sum()
    want += stats.norm.logpdf(np.log(16.53e6), mu_total, 0.10)
    assert float(logp) == pytest.approx(want, rel=1e-9)

    without = sm.build_model(observations, era, sm.load_scenario("no_reconstruction"))
    names = {v.name for v in without.observed_RVs}
    assert not any(n.startswith("reconstructed") for n in names)
    assert {v.name for v in model.observed_RVs} - names == {
        "reconstructed_birth_rate",
        "reconstructed_births_1941_1945",
        "reconstructed_death_rate",
    }
    # the death rate alone left out (its rate then a held-out check)
    kept = sm.build_model(observations, era, sm.load_scenario("deaths_1946_held_out"))
    kept_names = {v.name for v in kept.observed_RVs}
    assert {v.name for v in model.observed_RVs} - kept_names == {"reconstructed_death_rate"}


def test_death_rate_likelihood_is_the_stated_lognormal(observations, era, era_inputs):
    """ADH's 1946 death rate: the log-normal of every death of 1946 (the numpy account's, at
    the model's initial point) over its person-years, error 10%."""
    from scipy import stats

    from stalin_mortality.model import components

    model = sm.build_model(observations, era, sm.load_scenario("default"))
    names = components.account_parameters(era)
    point = model.initial_point()
    values = model.replace_rvs_by_values([model[n] for n in names])
    fn = model.compile_fn(
        [model.logp(vars=[model["reconstructed_death_rate"]], sum=True), *values],
        inputs=model.value_vars,
        on_unused_input="ignore",
    )
    logp, *values = fn(point)
    params = {n: np.asarray(v)[None, ...] for n, v in zip(names, values, strict=True)}
    out = sm.simulate(params, era_inputs, era)
    pop = out["population"].sum(axis=(-2, -1))
    mu = np.log(reconstruction.expected_rates(out["deaths"], pop, [1946], era))[0]
    want = stats.norm.logpdf(np.log([0.0158]), mu, 0.10).sum()
    assert float(logp) == pytest.approx(want, rel=1e-6)


def test_the_war_deviation_is_one_level_times_the_conceived_share(era):
    """fertility_war: one free level, times the share of each year's births conceived in
    wartime (none of 1941's, 0.78 of 1942's, all of 1943-45's, half of 1946's)."""
    from stalin_mortality.model.components import fertility, prior_specs

    d = next(d for d in era.deviations if d.name == "fertility_war")
    assert d.structure == "weighted" and d.years == (1942, 1946)
    assert d.weights == (0.78, 1.0, 1.0, 1.0, 0.5)
    assert prior_specs(era)["fertility_war"].size is None  # a scalar
    level = np.array([-0.5, 0.2])
    dev = fertility.deviation({"fertility_war": level}, d, np)
    assert dev.shape == (2, 5)
    np.testing.assert_allclose(dev[0], [-0.39, -0.5, -0.5, -0.5, -0.25])
    # placed in the window's years: nothing in 1941 or from 1947
    from stalin_mortality.model.components.placement import place

    full = place(dev, d.years, era, np)
    assert np.all(full[:, era.index(1941)] == 0) and np.all(full[:, era.index(1947) :] == 0)
