"""Recovery of known truth by the 1927-1939 engine (real sampling; ``make test-slow``).

A draw of every parameter from the default scenario's prior is the truth: known excess
deaths by cause and year, a known fertility collapse, a known 1939 padding.  The model's own
generative code (:func:`stalin_mortality.model.engine.simulate`) turns it into a population,
and the model's own observation errors into censuses by age group, registered births and
deaths, and archival counts.  The model is fitted to these and its intervals are checked
against the truth.
"""

import dataclasses

import numpy as np
import pymc as pm
import pytest

from stalin_mortality import estimands
from stalin_mortality.data import load_observations
from stalin_mortality.inference import SamplerConfig, diagnose, fit
from stalin_mortality.model import engine
from stalin_mortality.scenarios import load_scenario

pytestmark = pytest.mark.slow

SEEDS = (101, 202)
#: Headline estimands checked (name, function of the estimands Dataset -> draws).
HEADLINE = {
    "famine 1932-34": lambda ds: ds["excess_deaths"].sel(cause="famine_1932_33").sum("year"),
    "executions": lambda ds: ds["excess_deaths"].sel(cause="executions").sum("year"),
    "all regime excess deaths (rung 4)": lambda ds: ds["ladder"].sel(rung="4"),
    "lost births": lambda ds: ds["lost_births"].sum("year"),
    "1939 padding (persons)": lambda ds: ds["padding_1939_persons"],
}


def _plausible(truth) -> bool:
    """Prior draws whose crisis is of the order the censuses allow (the truth must leave a
    population to observe)."""
    total = sum(float(np.sum(truth[f"excess_{c}"])) for c in engine.COUNT_CAUSES)
    return total < 6e6 and float(np.max(truth["famine_intensity"])) < 3.0


def simulate(observations, scenario, seed):
    model = engine.build_engine_model(observations, scenario)
    names = [v.name for v in model.free_RVs]
    rng = np.random.default_rng(seed)
    for attempt in range(50):
        values = pm.draw([model[n] for n in names], random_seed=seed + 1000 * attempt)
        truth = {n: np.asarray(v, dtype=float) for n, v in zip(names, values, strict=True)}
        if _plausible(truth):
            break
    inputs = model.engine_inputs
    params = {k: truth[k][None] for k in (*estimands.SCALARS, *estimands.VECTORS)}
    out = engine.simulate(params, inputs)
    noise = truth["census_age_noise"]
    census = {}
    for year in engine.CENSUS_YEARS:
        true = engine.group_ages(out["population"][0, year - engine.FIRST_YEAR])
        factor = truth[f"coverage_{year}"] * (1 + (truth["padding_1939"] if year == 1939 else 0))
        census[year] = true * factor * np.exp(noise * rng.normal(size=true.shape))
    mean_pop = 0.5 * out["population"][0, :2].sum(axis=(-2, -1)).sum()
    registered_1926 = {
        f"{k}_rate": float(truth[f"{k}_registration_completeness"] * flow / mean_pop)
        * (1 + engine.REGISTERED_ERROR * rng.normal())
        for k, flow in (("birth", out["births"][0, 0]), ("death", out["deaths"][0, 0]))
    }
    events = {}
    for kind, series in (("births", out["births"][0]), ("deaths", out["deaths"][0])):
        complete = truth[f"{kind[:-1]}_registration_completeness_1931_33"]
        events[kind] = {
            y: float(complete[i] * series[y - engine.FIRST_YEAR])
            * float(np.exp(engine.REGISTERED_ERROR * rng.normal()))
            for i, y in enumerate((1931, 1932, 1933))
        }
    archival = []
    for cause, y0, y1, _, label in inputs.archival:
        lo = engine.CAUSE_YEARS[cause][0]
        true_count = truth[engine.PRIOR_OF_CAUSE[cause]][y0 - lo : y1 - lo + 1].sum()
        recorded = truth[f"archival_completeness_{cause}"] * true_count
        archival.append((cause, y0, y1, float(recorded * np.exp(0.1 * rng.normal())), label))
    sim = dataclasses.replace(
        inputs,
        census_grouped=census,
        registered_1926=registered_1926,
        registered_events=events,
        archival=archival,
    )
    truth_ds = estimands.compute_from_params(
        {
            **params,
            "padding_1939": truth["padding_1939"][None],
            "coverage_1939": truth["coverage_1939"][None],
        },
        inputs,
    )
    return sim, truth_ds


@pytest.fixture(scope="module")
def fits():
    observations = load_observations()
    scenario = load_scenario("default")
    results = []
    for seed in SEEDS:
        sim, truth = simulate(observations, scenario, seed)
        model = engine.build_engine_model(observations, scenario, inputs=sim)
        tree = fit(
            model,
            SamplerConfig(prior_draws=1000),
            seed=seed,
            prior_var_names=[v.name for v in model.free_RVs],
        )
        diag = diagnose(tree, var_names=[v.name for v in model.free_RVs])
        post = estimands.compute(tree, sim)
        prior = estimands.compute(tree, sim, group="prior")
        results.append((truth, post, prior, diag))
    return results


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
            t = float(f(truth).values[0])
            d = f(post).values
            lo, hi = np.quantile(d, [0.05, 0.95])
            wide_lo, wide_hi = np.quantile(d, [0.0025, 0.9975])
            covered += lo <= t <= hi
            checks.append((name, t, lo, hi))
            assert wide_lo <= t <= wide_hi, (name, t, wide_lo, wide_hi)
    assert covered >= 8, checks


def test_posterior_narrower_than_prior_where_data_inform(fits):
    for _, post, prior, _ in fits:
        for name in ("famine 1932-34", "executions", "all regime excess deaths (rung 4)"):
            f = HEADLINE[name]
            assert np.std(f(post).values) < 0.5 * np.std(f(prior).values), name
