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
from ..priors import PriorSpec
from ..scenarios import Scenario
from .demography import life_table_death_rate_ratio, male_share_at_birth, project

#: The study compares these two censuses (its definition, not a window's).
INITIAL_CENSUS, SHORTFALL_CENSUS = 1926, 1937
YEARS = np.arange(INITIAL_CENSUS + 1, SHORTFALL_CENSUS)  # projection years to 1 Jan 1937
#: The life table whose age pattern splits the crude death rate by sex.
STANDARD = "1926-1927"
#: Relative error of the registered 1926 crude rates as a measure of the true 1926 level:
#: rounding, and registration that covered only part of the territory (TsSU 1929).
REGISTERED_RATE_ERROR = 0.03

#: Default priors of the shortfall model: name -> (distribution, parameters, why).
#: Rates are per person-year; fractions are fractions (0.01 = 1%).
_DEFAULTS: dict[str, tuple[str, dict, str]] = {
    "undercount_1926": (
        "TruncatedNormal",
        {"mu": 0.01, "sigma": 0.01, "lower": 0.0, "upper": 0.1},
        "Share of the true 1 Jan 1927 population the 1926 census missed, by sex. ADH 1993 "
        "correct by about 1.5 M (1.0%), concentrated in ages 0-2 and Central Asian women.",
    ),
    "birth_registration_completeness": (
        "Beta",
        {"alpha": 60.0, "beta": 3.0},
        "Registered 1926 births / true births. TsSU registered 44.0 per 1000, ADH reconstruct "
        "45.6 (completeness 0.96); prior mean 0.95, sd 0.03.",
    ),
    "death_registration_completeness": (
        "Beta",
        {"alpha": 17.0, "beta": 3.0},
        "Registered 1926 deaths / true deaths. TsSU 20.3 per 1000 vs ADH 25.5 (about 20% "
        "missed); weakly informative: mean 0.85, sd 0.08, admitting both views.",
    ),
    "birth_rate_1926": (
        "LogNormal",
        {"mu": -3.1, "sigma": 0.25},
        "True crude birth rate of 1926 (per person-year); wide: median 45 per 1000.",
    ),
    "death_rate_1926": (
        "LogNormal",
        {"mu": -3.7, "sigma": 0.3},
        "True crude death rate of 1926 (per person-year); wide: median 25 per 1000.",
    ),
    "birth_rate_trend": (
        "Normal",
        {"mu": -0.01, "sigma": 0.01},
        "Yearly change of log baseline birth rate 1927-36 without the crises (slow decline "
        "with urbanisation).",
    ),
    "death_rate_trend": (
        "Normal",
        {"mu": -0.015, "sigma": 0.01},
        "Yearly change of log baseline death rate 1927-36 without the crises (the "
        "counterfactual improvement).",
    ),
    "sex_ratio_at_birth": (
        "Normal",
        {"mu": 1.05, "sigma": 0.01},
        "Male births per female birth.",
    ),
    "coverage_1937": (
        "Beta",
        {"alpha": 398.0, "beta": 2.0},
        "Share of the true population the 1937 census counted (high quality; Kraval estimated "
        "300-400 thousand in transit uncounted): mean 0.995, sd 0.0035, a Beta whose density "
        "vanishes at 1 (a truncated normal piled mass at the bound and cost divergences).",
    ),
    "census_noise": (
        "HalfNormal",
        {"sigma": 0.005},
        "Relative error of a census total beyond coverage (tabulation, date shift).",
    ),
}
#: What each prior can be (declared, not guessed from its name).
_SUPPORT = {
    "undercount_1926": "probability",
    "birth_registration_completeness": "probability",
    "death_registration_completeness": "probability",
    "birth_rate_1926": "positive",
    "death_rate_1926": "positive",
    "birth_rate_trend": "real",
    "death_rate_trend": "real",
    "sex_ratio_at_birth": "real",
    "coverage_1937": "probability",
    "census_noise": "positive",
}


def prior_specs() -> dict[str, PriorSpec]:
    """The shortfall model's priors (a scenario is validated against these)."""
    return {
        name: PriorSpec(
            name,
            dist,
            params,
            why,
            support=_SUPPORT[name],
            dim="sex" if name == "undercount_1926" else None,
            size=2 if name == "undercount_1926" else None,
            component="shortfall",
        )
        for name, (dist, params, why) in _DEFAULTS.items()
    }


PRIORS_USED = tuple(_DEFAULTS)


def sex_death_rate_ratio(observations: xr.Dataset) -> np.ndarray:
    """Male and female crude death rate relative to both sexes (1926-27 table, 1926 census)."""
    lt = {c: observations[f"life_table_{c}"].sel(life_table=STANDARD) for c in ("qx", "lx", "Lx")}
    lt_qx, lt_lx, lt_Lx = lt["qx"], lt["lx"], lt["Lx"]
    mx = (lt_qx * lt_lx / lt_Lx).values  # dx / Lx: central death rates by sex and age
    pop = observations["census_count"].sel(census=INITIAL_CENSUS).values
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
    c1926 = census.sel(census=INITIAL_CENSUS).values
    c1937 = census.sel(census=SHORTFALL_CENSUS).values
    ratio = sex_death_rate_ratio(observations)
    coords = {"sex": list(SEXES), "year": YEARS}
    with pm.Model(coords=coords) as model:
        priors = scenario.resolve(prior_specs())
        p = priors.__getitem__
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
            ("birth_rate", cbr, b_complete),
            ("death_rate", cdr, d_complete),
        ):
            rates = observations["registered_rate"]
            observed = float(rates.sel(rate_year=INITIAL_CENSUS, measure=name))
            name = f"registered_{name}_{INITIAL_CENSUS}"
            pm.Normal(
                name, mu=complete * rate, sigma=REGISTERED_RATE_ERROR * observed, observed=observed
            )

        t = YEARS - INITIAL_CENSUS
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
