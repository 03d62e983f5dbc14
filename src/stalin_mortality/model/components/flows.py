"""Migration flows of the window (net emigration: the Kazakh flight of 1930-33).

An ``emigration`` flow removes its total evenly over its years, from every age and sex in
proportion to population; it is kept in the counterfactual (it is not a death).
"""

from __future__ import annotations

from ...priors import PriorSpec
from ...window import Window
from .placement import declared, place

NAME = "flows"


def priors(window: Window) -> list[PriorSpec]:
    return [declared(f, f.name, NAME, "positive", "persons") for f in window.flows]


def emigration(params: dict, window: Window, xp):
    """Net emigrants by year ``[..., year]``, or ``None`` if the window has no flow."""
    out = None
    for f in window.flows:
        n = len(f.year_list)
        per_year = (params[f.name] / n)[..., None] * xp.ones(n)
        placed = place(per_year, f.years, window, xp)
        out = placed if out is None else out + placed
    return out
