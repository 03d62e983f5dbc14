"""Recovery of known truth on simulated data (real sampling; `make test-slow`).

The simulator is the model's own generative code: a draw from the prior is taken as the
truth, census totals and registered rates are generated from it with the model's own
observation errors, and the model is fitted to those simulated observations.
"""

import numpy as np
import pymc as pm
import pytest

from stalin_mortality.data import load_observations
from stalin_mortality.inference import SamplerConfig, diagnose, fit
from stalin_mortality.model import build_shortfall_model
from stalin_mortality.model.shortfall import REGISTERED_RATE_ERROR
from stalin_mortality.report import draws
from stalin_mortality.scenarios import load_scenario

pytestmark = pytest.mark.slow


def simulate(observations, scenario, seed):
    model = build_shortfall_model(observations, scenario)
    with model:
        truth = pm.sample_prior_predictive(draws=1, random_seed=seed)["prior"].isel(chain=0, draw=0)
    rng = np.random.default_rng(seed)
    noise = float(truth["census_noise"])
    sim = observations.copy(deep=True)
    c1926 = truth["population_1927"].values * (1 - truth["undercount_1926"].values)
    c1937 = truth["population_1937"].values * float(truth["coverage_1937"])
    sim["census_total"].loc[{"census": 1926}] = c1926 * np.exp(noise * rng.normal(size=2))
    sim["census_total"].loc[{"census": 1937}] = c1937 * np.exp(noise * rng.normal(size=2))
    for measure, rate, complete in (
        ("birth_rate", "birth_rate_1926", "birth_registration_completeness"),
        ("death_rate", "death_rate_1926", "death_registration_completeness"),
    ):
        mean = float(truth[rate]) * float(truth[complete])
        where = {"rate_year": 1926, "measure": measure}
        sim["registered_rate"].loc[where] = mean * (1 + REGISTERED_RATE_ERROR * rng.normal())
    return sim, truth


HEADLINE = ("shortfall_1937_total", "expected_population_1937_total", "death_rate_1926")


def test_shortfall_recovered():
    """Calibration over 3 simulated data sets x 3 estimands.

    With calibrated 90% intervals the number of truths covered out of 9 is (roughly)
    Binomial(9, 0.9); fewer than 7 covered has probability below 6%, fewer than 6 below 1%.
    We require at least 7, and every truth inside the central 99% of its posterior.
    """
    observations, scenario = load_observations(), load_scenario("default")
    covered, positions = 0, []
    for seed in (11, 12, 13):
        sim, truth = simulate(observations, scenario, seed)
        model = build_shortfall_model(sim, scenario)
        tree = fit(model, SamplerConfig(), seed=seed)  # the study's own settings
        assert diagnose(tree, var_names=list(HEADLINE)).passed
        for name in HEADLINE:
            post = draws(tree, name).values
            q = float(np.mean(post < float(truth[name])))
            positions.append((seed, name, round(q, 3)))
            covered += 0.05 <= q <= 0.95
        # the data inform the 1926 death rate: the posterior is narrower than the prior
        prior_sd = draws(tree, "death_rate_1926", "prior").std()
        assert draws(tree, "death_rate_1926").std() < 0.8 * prior_sd
    assert covered >= 7, positions
    assert all(0.005 <= q <= 0.995 for *_, q in positions), positions
