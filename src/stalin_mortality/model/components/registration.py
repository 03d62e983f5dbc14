"""Registered births and deaths, each series with its own completeness.

- ``rates``: registered crude rates of the year before the window (TsSU 1926), compared with
  the first projection year: ``Normal(completeness * true rate, 3% of the observed)``;
- ``events``: registered counts by year (TsUNKhU 1931-33, rounded to 0.1 M):
  ``log registered ~ Normal(log(expected), 0.03)``.

An ``events`` series' completeness is hierarchical over its years: a level for the series
(``<event>_registration_completeness<suffix>_level``) and a deviation of each year from it on
the logit scale (``..._year``, sd :data:`YEAR_SD`), so a year's completeness borrows from the
others'.  The famine's deaths dip below it: they are registered at ``r`` times the rate of
the year's other deaths (``famine_death_registration<suffix>``, uniform on 0-1; the checks of
1934-35 found deaths under-registered where the famine struck hardest, Meslé and Vallin 2012,
ch. 2, but not by how much), so

    expected registered deaths[t] = completeness[t] * (civil deaths[t] - (1 - r) famine[t])

with ``famine`` the excess deaths of the causes tagged ``famine``: not a fall of the year's
completeness but famine deaths registered less than others, so the dip is larger the larger
the famine's share of the year's deaths.  Three rounded counts cannot separate ``r`` from the
famine's size: with ``r`` free, registration bounds the famine's deaths from below only, and
its size rests on the censuses and the priors (docs/engine.md).  One ``r`` serves 1931-33: it
mixes the Kazakh famine of 1931-32, among nomads the registry barely reached, with the
under-registration of 1933 in Ukraine, the Kuban and the Volga.  Births have the level and
yearly deviations but no famine term: a dip in their registration cannot be told from a fall
in fertility with these data (infants born and dead in the famine were missed by both
registers).  ``<event>_registration_completeness<suffix>``
(the yearly completeness of all births, or of non-famine deaths) is kept in the posterior.

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
        "Level of the series' birth registration (TsUNKhU), each year deviating from it: "
        "mean 0.87, sd 0.07. A modelling choice, not a source: no reconstruction of 1931-33 "
        "births is in data/.",
    ),
    ("events", "death"): (
        12.0,
        4.0,
        "Level of the series' registration of deaths other than the famine's (TsUNKhU), each "
        "year deviating from it: mean 0.75, sd 0.11, the earlier per-year prior kept as the "
        "level. A modelling choice, not a source: the 1926 rates' completeness (registered "
        "rate of the registration area over the whole USSR's) does not carry over, as the "
        "territory the TsUNKhU counts cover is not documented in data/.",
    ),
}
#: Sd of a year's completeness about its series' level, on the logit scale (0.25: about
#: +-0.04 at 0.8). A modelling choice: no source measures the year-to-year variation.
YEAR_SD = 0.25
#: The relative registration of famine deaths: uniform on (0, 1), sign sourced, size not.
FAMINE_PRIOR = (1.0, 1.0)
FAMINE_WHY = (
    "Registered share of the famine's excess deaths relative to the year's other deaths "
    "(1: registered alike; 0: none). Only its direction is sourced, and for Ukraine only: the "
    "checks of ZAGS in 1934-35 found deaths under-registered in the regions the famine hit "
    "hardest (Mesle and Vallin 2012, ch. 2); uniform on 0-1, a modelling choice. The "
    "registered counts fix r times the famine's size, not each, so this prior weighs the "
    "famine's size above the registration's bound (by about 1/F); scenario "
    "registration_as_before is its check."
)
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


def level_name(event: str, series) -> str:
    return f"{completeness_name(event, series)}_level"


def year_name(event: str, series) -> str:
    return f"{completeness_name(event, series)}_year"


def famine_name(series) -> str:
    return f"famine_death_registration{series.completeness_suffix}"


def famine_causes(window: Window, series) -> list[int]:
    """Indices of the causes tagged ``famine`` active in ``series``' years."""
    y0, y1 = series.year_list[0], series.year_list[-1]
    return [
        i
        for i, c in enumerate(window.causes)
        if c.has("famine") and c.year_list[0] <= y1 and c.year_list[-1] >= y0
    ]


def famine_deaths(excess, window: Window, series):
    """The excess deaths ``[..., year]`` of the famine causes of ``series`` (``None``: none)."""
    idx = famine_causes(window, series)
    return excess[..., idx, :].sum(axis=-2) if idx else None


def yearly_completeness(level, deviation, xp=np):
    """The completeness of each year: ``invlogit(logit(level) + deviation[..., year])``,
    ``level`` a scalar or ``[...]`` (numpy draws or a tensor, ``xp`` its module)."""
    level = xp.asarray(level) if xp is np else level
    logit = xp.log(level) - xp.log1p(-level)
    return 1.0 / (1.0 + xp.exp(-(logit[..., None] + deviation)))


def expected_events(event: str, complete, flow, famine=None, r=None):
    """Expected registered events: ``complete * flow``, less the unregistered part
    ``(1 - r)`` of the famine's deaths ``famine`` (all of the same shape, or broadcasting)."""
    if event == "death" and famine is not None:
        flow = flow - (1.0 - r) * famine
    return complete * flow


def priors(window: Window) -> list[PriorSpec]:
    specs = []
    for series in window.registration:
        for event in ("birth", "death"):
            a, b, why = DEFAULTS[(series.kind, event)]
            vector = series.kind == "events"
            source = SOURCES.get((series.kind, event), "")
            specs.append(
                PriorSpec(
                    level_name(event, series) if vector else completeness_name(event, series),
                    "Beta",
                    {"alpha": a, "beta": b},
                    why,
                    support="probability",
                    units="share",
                    component=NAME,
                    source=source,
                    basis="anchored" if source else "assumption",
                )
            )
            if not vector:
                continue
            specs.append(
                PriorSpec(
                    year_name(event, series),
                    "Normal",
                    {"mu": 0.0, "sigma": YEAR_SD},
                    f"Each year's {event} registration completeness about the series' level, "
                    f"on the logit scale: sd {YEAR_SD} (about +-0.04 at 0.8), a modelling "
                    "choice (no source measures its year-to-year variation).",
                    units="logit",
                    dim=f"registration_year{series.completeness_suffix}",
                    size=len(series.year_list),
                    component=NAME,
                    basis="assumption",
                )
            )
            if event == "death" and famine_causes(window, series):
                specs.append(
                    PriorSpec(
                        famine_name(series),
                        "Beta",
                        {"alpha": FAMINE_PRIOR[0], "beta": FAMINE_PRIOR[1]},
                        FAMINE_WHY,
                        support="probability",
                        units="share",
                        component=NAME,
                        source="mesle_vallin2012",
                        basis="assumption",
                        transform="probit",  # normal tails for the sampler: priors.Probit
                    )
                )
    return specs


def _completeness(ctx, event: str, series):
    """The yearly completeness of an ``events`` series, kept in the posterior."""
    level, dev = ctx.create(level_name(event, series)), ctx.create(year_name(event, series))
    return pm.Deterministic(
        completeness_name(event, series),
        yearly_completeness(level, dev, pt),
        dims=f"registration_year{series.completeness_suffix}",
    )


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
            famine = famine_deaths(out["excess"], window, series)
            for event, flow in (("birth", out["births"]), ("death", civil)):
                reg = inputs.registered_events[f"{event}s"]
                years = sorted(reg)
                idx = [window.index(y) for y in years]
                k = [list(series.year_list).index(y) for y in years]
                complete = _completeness(ctx, event, series)[k]
                dip = event == "death" and famine is not None
                r = ctx.create(famine_name(series)) if dip else None
                expected = expected_events(
                    event, complete, flow[idx], famine[idx] if dip else None, r
                )
                name = f"registered_{event}s{series.completeness_suffix}"
                pm.Normal(
                    name,
                    mu=pt.log(expected),
                    sigma=error(window),
                    observed=ctx.observed(name, np.log([reg[y] for y in years])),
                    dims=f"registration_year{series.completeness_suffix}",
                )
