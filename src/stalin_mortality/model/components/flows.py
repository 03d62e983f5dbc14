"""Migration flows of the window: net emigration (the Kazakh flight of 1930-33) and inflows
of population (territories annexed in 1939-40 and 1944-45), the post-war emigration and the
exchange with Poland.

An ``emigration`` flow removes its total evenly over its years, from every age and sex in
proportion to the year's survivors (the migrants leave at the year's end, so no age is
emptied below zero by a year of high mortality); an ``inflow`` adds its total the same
way (the people of an annexed territory are given the age-sex composition of the
population they join: no census of the annexed territories in the Soviet age groups is in
``data/``; a stated approximation, docs/windows.md).  A flow with ``ages`` moves only those
ages, both sexes in proportion to the year's survivors there (the wartime non-returnees,
adults).  Both kinds are kept in the
counterfactual: they are not deaths, and a territory annexed is annexed with or without
the crises.
"""

from __future__ import annotations

import numpy as np

from ...constants import MAX_AGE
from ...priors import PriorSpec
from ...window import Window
from .placement import declared, place

NAME = "flows"
#: Sign of each flow kind in the net emigration (an inflow is negative emigration).
SIGN = {"emigration": 1.0, "inflow": -1.0}


def priors(window: Window) -> list[PriorSpec]:
    return [declared(f, f.name, NAME, "positive", "persons") for f in window.flows]


def age_groups(window: Window) -> list[tuple[int, int] | None]:
    """The distinct age bands of the window's flows, in order of first appearance (``None``:
    every age)."""
    out: list[tuple[int, int] | None] = []
    for f in window.flows:
        if f.ages not in out:
            out.append(f.ages)
    return out


def age_masks(window: Window) -> np.ndarray | None:
    """``[group, sex, age]``: 1 on the ages each group of flows moves (:func:`age_groups`),
    0 elsewhere; ``None`` if the window has no flow."""
    groups = age_groups(window)
    if not groups:
        return None
    out = np.zeros((len(groups), 2, MAX_AGE + 1))
    for g, ages in enumerate(groups):
        lo, hi = (0, MAX_AGE) if ages is None else ages
        out[g, :, lo : hi + 1] = 1.0
    return out


def net_emigration(params: dict, window: Window, xp):
    """Net emigrants by year and age group ``[..., year, group]`` (inflows negative; the
    groups of :func:`age_groups`), or ``None`` if the window has no flow."""
    groups = age_groups(window)
    if not groups:
        return None
    parts: list = [None] * len(groups)
    for f in window.flows:
        n = len(f.year_list)
        per_year = (SIGN[f.kind] * params[f.name] / n)[..., None] * xp.ones(n)
        placed = place(per_year, f.years, window, xp)
        g = groups.index(f.ages)
        parts[g] = placed if parts[g] is None else parts[g] + placed
    return xp.stack(parts, axis=-1)
