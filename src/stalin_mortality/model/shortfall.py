"""The 1937 census shortfall: the first study.

The question the regime faced in 1937: the 1926 census plus natural growth led it to expect
170-181 M people in January 1937; the census found 162 M and was suppressed.  This model
puts that arithmetic in a Bayesian frame on total population by sex:

- ``population_1927[sex]`` (1 Jan 1927, latent) is observed by the 1926 census with the
  undercount ``undercount_1926[sex]``: census = population * (1 - undercount) * noise;
- baseline crude rates for 1927-36 follow a log-linear trend from their 1926 level,
  ``rate[t] = rate_1926 * exp(trend * (t - 1926))``; the 1926 levels are observed through
  the registered 1926 rates (TsSU) with registration completeness < 1;
- the crude death rate is split by sex with the 1926-27 official life table applied to the
  1926 census age structure (a fixed ratio, computed from data);
- ``expected_population_1937[sex]`` projects ``population_1927`` with these baseline rates
  (:mod:`.demography`), the counterfactual of no crisis;
- ``population_1937[sex]`` (latent) is observed by the 1937 census (army included, as males)
  with coverage ``coverage_1937``;
- a census total is ``population * coverage`` times log-normal noise ``census_noise``. With a
  flat prior on log population, the posterior of the population given the census is exactly
  ``census / coverage * exp(census_noise * z)``, ``z ~ N(0, 1)``, which is how it is written
  (non-centred, so the sampler never meets a funnel): the census totals enter through this
  change of variables, not through a likelihood term;
- ``shortfall_1937 = expected_population_1937 - population_1937``: excess deaths, lost
  births and the deaths the lost births would have suffered, together.

The 17 Dec 1926 and 6 Jan 1937 censuses are taken as observing 1 Jan 1927 and 1 Jan 1937
(a documented approximation, about 0.1% of growth at each end).
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytensor.tensor as pt
import xarray as xr

from ..constants import SEXES
from ..scenarios import Scenario
from .demography import life_table_death_rate_ratio, male_share_at_birth, project

YEARS = np.arange(1927, 1937)  # projection years: 1 Jan 1927 -> 1 Jan 1937
#: Relative error of the registered 1926 crude rates as a measure of the true 1926 level:
#: rounding, and registration that covered only part of the territory (TsSU 1929).
REGISTERED_RATE_ERROR = 0.03

PRIORS_USED = (
    "undercount_1926",
    "birth_registration_completeness",
    "death_registration_completeness",
    "birth_rate_1926",
    "death_rate_1926",
    "birth_rate_trend",
    "death_rate_trend",
    "sex_ratio_at_birth",
    "coverage_1937",
    "census_noise",
)


def sex_death_rate_ratio(observations: xr.Dataset) -> np.ndarray:
    """Male and female crude death rate relative to both sexes (1926-27 table, 1926 census)."""
    lt_qx = observations["life_table_qx_1926"]
    lt_lx = observations["life_table_lx_1926"]
    lt_Lx = observations["life_table_Lx_1926"]
    mx = (lt_qx * lt_lx / lt_Lx).values  # dx / Lx: central death rates by sex and age
    pop = observations["census_count"].sel(census=1926).values
    return np.array(life_table_death_rate_ratio(mx[0], mx[1], pop[0], pop[1]))


def build_shortfall_model(observations: xr.Dataset, scenario: Scenario) -> pm.Model:
    """Build the 1937 shortfall model.

    Parameters
    ----------
    observations : xarray.Dataset
        From :func:`stalin_mortality.data.load_observations`.
    scenario : Scenario
        Priors, from :func:`stalin_mortality.scenarios.load_scenario`.
    """
    census = observations["census_total"]
    c1926 = census.sel(census=1926).values
    c1937 = census.sel(census=1937).values
    ratio = sex_death_rate_ratio(observations)
    coords = {"sex": list(SEXES), "year": YEARS}
    with pm.Model(coords=coords) as model:
        p = scenario.prior
        noise = p("census_noise").create_variable("census_noise")
        undercount = _with_dims(p("undercount_1926"), "undercount_1926", "sex")
        # Latent 1 Jan 1927 population: census / (1 - undercount) with log-normal census noise
        # (non-centred; see the module docstring for the flat prior on log population).
        z1927 = pm.Normal("population_1927_z", 0.0, 1.0, dims="sex")
        population_1927 = pm.Deterministic(
            "population_1927", c1926 / (1.0 - undercount) * pt.exp(noise * z1927), dims="sex"
        )

        cbr = p("birth_rate_1926").create_variable("birth_rate_1926")
        cdr = p("death_rate_1926").create_variable("death_rate_1926")
        b_trend = p("birth_rate_trend").create_variable("birth_rate_trend")
        d_trend = p("death_rate_trend").create_variable("death_rate_trend")
        srb = p("sex_ratio_at_birth").create_variable("sex_ratio_at_birth")
        b_complete = p("birth_registration_completeness").create_variable(
            "birth_registration_completeness"
        )
        d_complete = p("death_registration_completeness").create_variable(
            "death_registration_completeness"
        )
        for name, rate, complete in (
            ("registered_birth_rate_1926", cbr, b_complete),
            ("registered_death_rate_1926", cdr, d_complete),
        ):
            observed = float(observations[name])
            pm.Normal(
                name, mu=complete * rate, sigma=REGISTERED_RATE_ERROR * observed, observed=observed
            )

        t = YEARS - 1926
        birth_rate = pm.Deterministic("baseline_birth_rate", cbr * pt.exp(b_trend * t), dims="year")
        death_rate = cdr * pt.exp(d_trend * t)
        pm.Deterministic("baseline_death_rate", death_rate, dims="year")
        male, female, births, deaths_m, deaths_f = project(
            population_1927[0],
            population_1927[1],
            [birth_rate[i] for i in range(len(YEARS))],
            [death_rate[i] * ratio[0] for i in range(len(YEARS))],
            [death_rate[i] * ratio[1] for i in range(len(YEARS))],
            male_share_at_birth(srb),
        )
        expected = pm.Deterministic(
            "expected_population_1937", pt.stack([male, female]), dims="sex"
        )
        pm.Deterministic("expected_births", pt.stack(births), dims="year")
        pm.Deterministic(
            "expected_deaths",
            pt.stack([pt.stack(deaths_m), pt.stack(deaths_f)]).T,
            dims=("year", "sex"),
        )

        coverage = p("coverage_1937").create_variable("coverage_1937")
        z1937 = pm.Normal("population_1937_z", 0.0, 1.0, dims="sex")
        population_1937 = pm.Deterministic(
            "population_1937", c1937 / coverage * pt.exp(noise * z1937), dims="sex"
        )
        shortfall = pm.Deterministic("shortfall_1937", expected - population_1937, dims="sex")
        pm.Deterministic("shortfall_1937_total", shortfall.sum())
        pm.Deterministic("expected_population_1937_total", expected.sum())
        pm.Deterministic("population_1937_total", population_1937.sum())
    # nutpie cannot start at z = 0 (an exactly zero gradient): let the sampler jitter
    model.same_start = False
    return model


def _with_dims(prior, name, dims):
    return prior.__class__(prior.distribution, dims=dims, **prior.parameters).create_variable(name)
