"""Archival death counts, each series with its completeness <= 1.

``log recorded ~ Normal(log(completeness_<cause> * sum of the cause's deaths over the
record's years), ARCHIVAL_LOG_SD)``.  Published estimates are never observations.
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from ...priors import PriorSpec
from ...window import Window

NAME = "archives"
#: Log-scale error of an archival count beyond completeness (rounding, tabulation).
ARCHIVAL_LOG_SD = 0.1
#: Default completeness priors by cause: (alpha, beta, why).
DEFAULTS = {
    "executions": (
        20.0,
        2.0,
        "Recorded / true executions (summary shootings went unrecorded): mean 0.91.",
    ),
    "gulag": (
        8.0,
        2.0,
        "Recorded / true Gulag deaths (deaths soon after release, in transit, colonies in "
        "some years uncounted): mean 0.8, sd 0.12.",
    ),
}
FALLBACK = (8.0, 2.0, "Recorded / true deaths of the series: mean 0.8, sd 0.12.")


def priors(window: Window) -> list[PriorSpec]:
    specs = []
    for a in window.archival:
        alpha, beta, why = DEFAULTS.get(a.cause, FALLBACK)
        if a.cause == "dekulakisation":
            why = "Recorded / true deaths of kulak special settlers: mean 0.8, sd 0.12."
        specs.append(
            PriorSpec(
                f"archival_completeness_{a.cause}",
                "Beta",
                {"alpha": alpha, "beta": beta},
                why,
                support="probability",
                units="share",
                component=NAME,
            )
        )
    return specs


def add(ctx) -> None:
    window, params, inputs = ctx.window, ctx.params, ctx.inputs
    if "archival" in ctx.exclude:
        return
    for a in window.archival:
        records = [r for r in inputs.archival if r[0] == a.cause]
        if not records:
            continue
        complete = ctx.create(f"archival_completeness_{a.cause}")
        cause = window.cause(a.cause)
        lo = cause.years[0]
        excess = params[cause.prior_name]
        expected = pt.stack([excess[r[1] - lo : r[2] - lo + 1].sum() for r in records])
        pm.Normal(
            f"archival_{a.cause}",
            mu=pt.log(complete * expected),
            sigma=ARCHIVAL_LOG_SD,
            observed=np.log([r[3] for r in records]),
        )
