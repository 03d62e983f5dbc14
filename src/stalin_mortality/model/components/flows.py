"""Migration flows of the window: net emigration (the Kazakh flight of 1930-33) and inflows
of population (territories annexed in 1939-40 and 1944-45), the post-war emigration and the
exchange with Poland.

An ``emigration`` flow removes its total evenly over its years, from every age and sex in
proportion to the year's survivors (the migrants leave at the year's end, so no age is
emptied below zero by a year of high mortality); an ``inflow`` adds its total the same
way (the people of an annexed territory are given the age-sex composition of the
population they join: no census of the annexed territories in the Soviet age groups is in
``data/``; a stated approximation, docs/windows.md).  Both are kept in the
counterfactual: they are not deaths, and a territory annexed is annexed with or without
the crises.
"""

from __future__ import annotations

from ...priors import PriorSpec
from ...window import Window
from .placement import declared, place

NAME = "flows"
#: Sign of each flow kind in the net emigration (an inflow is negative emigration).
SIGN = {"emigration": 1.0, "inflow": -1.0}


def priors(window: Window) -> list[PriorSpec]:
    return [declared(f, f.name, NAME, "positive", "persons") for f in window.flows]


def net_emigration(params: dict, window: Window, xp):
    """Net emigrants by year ``[..., year]`` (inflows negative), or ``None`` if the window
    has no flow."""
    out = None
    for f in window.flows:
        n = len(f.year_list)
        per_year = (SIGN[f.kind] * params[f.name] / n)[..., None] * xp.ones(n)
        placed = place(per_year, f.years, window, xp)
        out = placed if out is None else out + placed
    return out
