"""Archival death counts, each series with its completeness <= 1.

``log recorded ~ Normal(log(expected), error(window))``, where for a record over years
``y`` of a cause's series::

    expected = sum_y ratio[y] * completeness * deaths[y] + stock[y] * h[y]

- ``deaths[y]``: the cause's excess deaths (its parameter); ``completeness``: the share of
  them the series recorded;
- ``stock[y] * h[y]`` (series with ``stock = true``): a custodial series (Gulag, special
  settlers) records *every* death of the population it covers, and part of them would have
  happened anyway: the average population of the series (``custodial_stocks.csv``, the
  covered population by construction, so no completeness) times the baseline death rate
  ``h[y]`` of people of the stock's age-sex composition (the model's baseline hazard of the
  year, weighted by ``stock_composition``: the cause's pattern times the starting population,
  or the starting population alone).  Without it the series' normal deaths would be
  counted as excess;
- ``ratio[y]`` (the window's ``[[archival.ratios]]``): records per death where the series
  counts something else (death sentences per execution) or covers part of the cause (the
  Gulag's camps without its colonies); 1 where none is declared.

Published estimates are never observations.  :func:`expected` is the one formula: the model
(PyTensor), the posterior predictive checks and the simulated data (numpy) all call it.
"""

from __future__ import annotations

import numpy as np
import pymc as pm

from ...priors import PriorSpec
from ...window import Window
from . import baseline
from .placement import declared

NAME = "archives"
#: Log-scale error of an archival count beyond completeness (rounding, tabulation), unless
#: the window states ``archival`` in its ``[observation_errors]``.
ARCHIVAL_LOG_SD = 0.1


def error(window: Window) -> float:
    """The log-scale error of an archival count in ``window``."""
    return window.observation_error("archival", ARCHIVAL_LOG_SD)


#: Default completeness priors by cause: (alpha, beta, why).
DEFAULTS = {
    "executions": (
        20.0,
        2.0,
        "Recorded / true executions (summary shootings went unrecorded): mean 0.91. A "
        "modelling choice, not a source.",
    ),
    "gulag": (
        8.0,
        2.0,
        "Recorded / true deaths of the Gulag population (deaths soon after release, in "
        "transit, colonies in some years uncounted): mean 0.8, sd 0.12. A modelling choice, "
        "not a source.",
    ),
}
FALLBACK = (
    8.0,
    2.0,
    "Recorded / true deaths of the series: mean 0.8, sd 0.12. A modelling choice, not a source.",
)


def priors(window: Window) -> list[PriorSpec]:
    specs = []
    for a in window.archival:
        for r in a.ratios:
            specs.append(declared(r, r.name, NAME, "positive", "records per death"))
        if not a.completeness:
            continue
        alpha, beta, why = DEFAULTS.get(a.cause, FALLBACK)
        if a.cause == "dekulakisation":
            why = (
                "Recorded / true deaths of kulak special settlers: mean 0.8, sd 0.12. A "
                "modelling choice, not a source."
            )
        specs.append(
            PriorSpec(
                f"archival_completeness_{a.cause}",
                "Beta",
                {"alpha": alpha, "beta": beta},
                why,
                support="probability",
                units="share",
                component=NAME,
                basis="assumption",  # every default completeness above is a choice
            )
        )
    return specs


def parameter_names(window: Window, inputs=None) -> list[str]:
    """The parameters :func:`expected` reads besides the account's (with ``inputs``, only
    those of series that have records)."""
    have = None if inputs is None else {r[0] for r in inputs.archival}
    return [
        n
        for a in window.archival
        if have is None or a.cause in have
        for n in (*_completeness_name(a), *(r.name for r in a.ratios))
    ]


def _completeness_name(series) -> list[str]:
    return [f"archival_completeness_{series.cause}"] if series.completeness else []


def _series(window: Window, cause: str):
    return next(a for a in window.archival if a.cause == cause)


def stock_weights(window: Window, inputs, cause: str) -> np.ndarray:
    """``[sex, age]`` weights (summing to 1) of a custodial stock's composition: the series'
    ``stock_composition``, ``"pattern"`` (the cause's pattern times the starting population,
    e.g. men and women 18-59, 9 to 1, for the Gulag) or ``"population"`` (the starting
    population's, e.g. deported families)."""
    series = _series(window, cause)
    pattern = window.cause(cause).pattern
    if series.stock_composition == "population" or pattern is None:
        pattern = np.ones_like(inputs.initial)
    w = pattern * inputs.initial
    return w / w.sum()


def _baseline_hazard(params: dict, window: Window, inputs, xp):
    """``-log S[..., year, sex, age]``: the baseline hazard of the account."""
    S, _ = baseline.survival(params, window, inputs)
    return -xp.log(S)


def stock_hazard(params: dict, window: Window, inputs, cause: str, xp, hazard=None):
    """``[..., year]`` baseline death rate of a custodial population: the baseline hazard
    of each year (``hazard``, or computed from ``params``) weighted by
    :func:`stock_weights`."""
    if hazard is None:
        hazard = _baseline_hazard(params, window, inputs, xp)
    return (hazard * stock_weights(window, inputs, cause)).sum(axis=(-2, -1))


def expected(params: dict, inputs, window: Window, xp=np):
    """``[..., record]`` expected recorded count of each archival record of ``inputs``
    (completeness included); ``params`` as the account takes them plus
    :func:`parameter_names` (one draw, or numpy arrays with leading draw dims)."""
    hazard = None  # the baseline hazard, computed once for every stock
    stock_rate = {}
    out = []
    for cause, first, last, _, _ in inputs.archival:
        series = _series(window, cause)
        spec = window.cause(cause)
        deaths = params[spec.prior_name]
        complete = params[f"archival_completeness_{cause}"] if series.completeness else 1.0
        total = 0.0
        for y in range(first, last + 1):
            d = complete * deaths[..., y - spec.years[0]]
            ratio = series.ratio_of_year(y)
            if ratio is not None:
                d = params[ratio.name] * d
            if series.stock:
                if cause not in stock_rate:
                    if hazard is None:
                        hazard = _baseline_hazard(params, window, inputs, xp)
                    stock_rate[cause] = stock_hazard(params, window, inputs, cause, xp, hazard)
                d = d + inputs.custodial_stock[cause][y] * stock_rate[cause][..., window.index(y)]
            total = total + d
        out.append(total)
    return xp.stack(out, axis=-1)


def add(ctx) -> None:
    window, inputs = ctx.window, ctx.inputs
    if "archival" in ctx.exclude or not inputs.archival:
        return
    import pytensor.tensor as pt

    params = dict(ctx.params)
    for name in parameter_names(window, inputs):
        params[name] = ctx.create(name)
    mu = pt.log(expected(params, inputs, window, pt))
    for a in window.archival:
        idx = [i for i, r in enumerate(inputs.archival) if r[0] == a.cause]
        if idx:
            pm.Normal(
                f"archival_{a.cause}",
                mu=mu[idx],
                sigma=error(window),
                observed=ctx.observed(
                    f"archival_{a.cause}", np.log([inputs.archival[i][3] for i in idx])
                ),
            )
