"""Births from a demographic reconstruction, for years whose registration is unusable
(``[reconstructed_births]`` of a window; ADH 1993 for the war):

- a crude birth rate of a year: ``log observed ~ Normal(log(births[t] / person-years[t]),
  reconstructed_rate error)``, the person-years the mean of the 1 January totals;
- births over years: ``log observed ~ Normal(log(share * births[first] + births[first+1..last]),
  reconstructed_total error)``, ``share`` the part of the first year the figure covers
  (0.53 for ADH's war years from 22 June 1941).

- a crude death rate of a year (``death_rate_years``): the same, with all deaths of the year
  (every cause: ADH's rates count them all), and its own error (``reconstructed_death_rate``);
  a scenario leaves the death rates alone out with ``exclude = ["reconstructed_deaths"]``.
  Its error is independent of the same year's birth rate's, although both share ADH's
  denominator and their correction for unregistered infants (a simplification).

No completeness: a reconstruction estimates every birth and death (its own error is the observation
error). What it rests on is a source, not a count: ADH's war births come from the age-specific
rates of the 1960 retrospective fertility survey, their 1940 and 1946 rates from registration
corrected against the censuses.  The 1946 rates' denominator is the model's own population,
not ADH's 1 January 1946 population (170.5 M, back-projected from the 1959 census): a rate
observes births or deaths relative to whatever population the model carries.  A scenario
can leave them out (``exclude = ["reconstruction"]``).
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from ...priors import PriorSpec
from ...window import Window
from ..cohort import person_years

NAME = "reconstruction"
#: The death rates alone (a scenario may leave them out and keep the births)
DEATHS = "reconstructed_deaths"
#: Defaults of the observation errors, unless the window states them with their reasons.
RATE_ERROR = 0.07
DEATH_RATE_ERROR = 0.10
TOTAL_ERROR = 0.10


def rate_error(window: Window) -> float:
    return window.observation_error("reconstructed_rate", RATE_ERROR)


def death_rate_error(window: Window) -> float:
    return window.observation_error("reconstructed_death_rate", DEATH_RATE_ERROR)


def total_error(window: Window) -> float:
    return window.observation_error("reconstructed_total", TOTAL_ERROR)


def priors(window: Window) -> list[PriorSpec]:
    return []  # no parameters: the observation errors are fixed, stated in the window


def expected_rates(flow, population, years, window: Window):
    """``[..., k]`` crude rates of ``years``: ``flow[..., year]`` (births or deaths) over the
    year's person-years (:func:`~stalin_mortality.model.cohort.person_years` of the
    1 January totals ``population[..., date]``)."""
    idx = [window.index(y) for y in years]
    return flow[..., idx] / person_years(population)[..., idx]


def expected_total(births, first: int, last: int, share: float, window: Window):
    """Births of ``first``..``last`` with ``share`` of the first year (``births[..., year]``)."""
    i, j = window.index(first), window.index(last)
    return share * births[..., i] + births[..., i + 1 : j + 1].sum(axis=-1)


def add(ctx) -> None:
    window, out, inputs = ctx.window, ctx.out, ctx.inputs
    if NAME in ctx.exclude or window.reconstructed_births is None:
        return
    births = out["births"]
    population = out["population"].sum(axis=(-2, -1))

    def observe_rates(name, flow, rates, years, sigma, dims):
        mu = expected_rates(flow, population, years, window)
        observed = ctx.observed(name, np.log([rates[y] for y in years]))
        pm.Normal(name, mu=pt.log(mu), sigma=sigma, observed=observed, dims=dims)

    if inputs.reconstructed_birth_rates:
        rates = inputs.reconstructed_birth_rates
        observe_rates(
            "reconstructed_birth_rate",
            births,
            rates,
            sorted(rates),
            rate_error(window),
            "reconstructed_rate_year",
        )
    observed_deaths = list(window.reconstructed_births.death_rate_years)
    if observed_deaths and DEATHS not in ctx.exclude:
        observe_rates(
            "reconstructed_death_rate",
            out["deaths"],
            inputs.reconstructed_death_rates,
            observed_deaths,
            death_rate_error(window),
            "reconstructed_death_rate_year",
        )
    for first, last, share, count in inputs.reconstructed_births:
        name = f"reconstructed_births_{first}_{last}"
        pm.Normal(
            name,
            mu=pt.log(expected_total(births, first, last, share, window)),
            sigma=total_error(window),
            observed=ctx.observed(name, np.log(count)),
        )
