"""Registered births and deaths, each series with its own completeness.

- ``rates``: registered crude rates of the year before the window (TsSU 1926), compared with
  the first projection year: ``Normal(completeness * true rate, 3% of the observed)``;
- ``events``: registered counts by year (TsUNKhU 1931-33, rounded to 0.1 M):
  ``log registered ~ Normal(log(completeness[t] * true), 0.03)``, one completeness a year.

Registered deaths are civil (ZAGS) registrations: executions and the excess deaths of
custodial populations (causes tagged ``executions`` or ``custodial``: the Gulag, deported
kulak families, special settlers) were recorded, if at all, by the NKVD, so ``true`` deaths
exclude them (:func:`civil_deaths`).  The baseline deaths of those populations stay in,
within the completeness: at the prior centre 3-23 thousand a year in 1931-33 (the stocks of
``custodial_stocks.csv`` at their baseline hazards), under 0.5% of the year's deaths.
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from ...priors import PriorSpec
from ...window import Window
from ..cohort import person_years

NAME = "registration"
#: Relative error of registered events, unless the window states ``registered`` in its
#: ``[observation_errors]`` (the 1927-1939 window does, with its reason).
REGISTERED_ERROR = 0.03


def error(window: Window) -> float:
    """The relative error of registered events in ``window``."""
    return window.observation_error("registered", REGISTERED_ERROR)


#: Default completeness priors: (kind, event) -> (alpha, beta, why).
DEFAULTS = {
    ("rates", "birth"): (
        60.0,
        3.0,
        "Registered / true births of the rate year. TsSU registered 44.0 per 1000 in 1926, "
        "ADH reconstruct 45.6 (completeness 0.96); prior mean 0.95, sd 0.03 (the sd a "
        "modelling choice).",
    ),
    ("rates", "death"): (
        17.0,
        3.0,
        "Registered / true deaths of the rate year. TsSU 20.3 per 1000 in 1926 vs ADH 25.5 "
        "(about 20% missed); weakly informative: mean 0.85, sd 0.08, admitting both views "
        "(centre and sd a modelling choice between them).",
    ),
    ("events", "birth"): (
        20.0,
        3.0,
        "Registered / true births in each year of the series (TsUNKhU): mean 0.87, sd 0.07. "
        "A modelling choice, not a source: no reconstruction of 1931-33 births is in data/.",
    ),
    ("events", "death"): (
        12.0,
        4.0,
        "Registered / true deaths in each year of the series (TsUNKhU); lower than 1926 "
        "because famine deaths went unregistered: mean 0.75, sd 0.11. A modelling choice, "
        "not a source: no reconstruction of 1931-33 deaths is in data/.",
    ),
}
#: Sources of the default completeness priors derived from data/ (the rest are modelling
#: choices, ``basis = "assumption"``): the 1926 registered rates against ADH's.
SOURCES = {("rates", "birth"): "tsu1929 adh1993", ("rates", "death"): "tsu1929 adh1993"}


#: Tags of the causes whose deaths the civil registry did not record.
NOT_REGISTERED = ("executions", "custodial")


def civil_deaths(deaths, excess, window: Window):
    """``deaths[..., year]`` minus the excess deaths of the causes tagged
    :data:`NOT_REGISTERED` (``excess[..., cause, year]`` in the window's cause order)."""
    idx = [i for i, c in enumerate(window.causes) if any(c.has(t) for t in NOT_REGISTERED)]
    if not idx:
        return deaths
    return deaths - excess[..., idx, :].sum(axis=-2)


def completeness_name(event: str, series) -> str:
    return f"{event}_registration_completeness{series.completeness_suffix}"


def priors(window: Window) -> list[PriorSpec]:
    specs = []
    for series in window.registration:
        for event in ("birth", "death"):
            a, b, why = DEFAULTS[(series.kind, event)]
            vector = series.kind == "events"
            specs.append(
                PriorSpec(
                    completeness_name(event, series),
                    "Beta",
                    {"alpha": a, "beta": b},
                    why,
                    support="probability",
                    units="share",
                    dim=f"registration_year{series.completeness_suffix}" if vector else None,
                    size=len(series.year_list) if vector else None,
                    component=NAME,
                    source=SOURCES.get((series.kind, event), ""),
                    basis="anchored" if (series.kind, event) in SOURCES else "assumption",
                )
            )
    return specs


def add(ctx) -> None:
    window, out, inputs = ctx.window, ctx.out, ctx.inputs
    if "registration" in ctx.exclude:
        return
    for series in window.registration:
        if series.kind == "rates":
            first_year_pop = person_years(out["population"].sum(axis=(-2, -1)))[0]
            for event, flow in (("birth", out["births"][0]), ("death", out["deaths"][0])):
                complete = ctx.create(completeness_name(event, series))
                name = f"registered_{event}_rate_{series.years[0]}"
                observed = ctx.observed(name, inputs.registered_rates[event])
                pm.Normal(
                    name,
                    mu=complete * flow / first_year_pop,
                    sigma=error(window) * observed,
                    observed=observed,
                )
        else:
            civil = civil_deaths(out["deaths"], out["excess"], window)
            for event, flow in (("birth", out["births"]), ("death", civil)):
                complete = ctx.create(completeness_name(event, series))
                reg = inputs.registered_events[f"{event}s"]
                years = sorted(reg)
                idx = [window.index(y) for y in years]
                name = f"registered_{event}s{series.completeness_suffix}"
                pm.Normal(
                    name,
                    mu=pt.log(complete * flow[idx]),
                    sigma=error(window),
                    observed=ctx.observed(name, np.log([reg[y] for y in years])),
                    dims=f"registration_year{series.completeness_suffix}",
                )
