"""Causes of excess death, as the window declares them.

A ``hazard`` cause multiplies baseline hazards ``-log S`` by ``1 + intensity[t] *
pattern[s, a]`` in its years (no draw can kill more people than there are; its deaths are
derived).  A ``count`` cause is a number of deaths per year, in persons as historians state
them, distributed over sexes and ages in proportion to population times its pattern (or to
baseline deaths).  Each cause's default prior and pattern are in the window file.
"""

from __future__ import annotations

import numpy as np

from ...priors import PriorSpec
from ...window import CauseSpec, Window
from .placement import declared, place

NAME = "causes"


def priors(window: Window) -> list[PriorSpec]:
    return [
        declared(
            c,
            c.prior_name,
            NAME,
            "positive",
            "multiple of baseline hazard" if c.kind == "hazard" else "persons per year",
            dim=f"{c.name}_year",
        )
        for c in window.causes
    ]


def count_order(window: Window) -> tuple[CauseSpec, ...]:
    """Count causes as the year step takes them: patterned first, then proportional."""
    return (*window.patterned_causes, *window.proportional_causes)


def hazard_weights(window: Window) -> np.ndarray | None:
    causes = window.hazard_causes
    return np.stack([c.pattern for c in causes]) if causes else None


def patterns(window: Window) -> np.ndarray | None:
    causes = window.patterned_causes
    return np.stack([c.pattern for c in causes]) if causes else None


def by_year(params: dict, window: Window, causes, xp):
    """``[..., year, cause]`` of the given causes' parameters placed in the window's years
    (``None`` for no causes)."""
    if not causes:
        return None
    return xp.stack([place(params[c.prior_name], c.years, window, xp) for c in causes], axis=-1)
