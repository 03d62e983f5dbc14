"""Helpers of the components: placing a vector over some years into the window's years, and
declaring the priors a window states for its causes, flows and deviations."""

from __future__ import annotations

import numpy as np

from ...priors import PriorSpec
from ...window import Window


def place(values, years: tuple[int, int], window: Window, xp):
    """Place ``values[..., n]`` (one per year of ``years``) into the window's projection
    years, zeros outside; the padding has a static shape, so every backend compiles it."""
    before, after = years[0] - window.first_year, window.last_year - years[1]
    if xp is np:
        batch = values.shape[:-1]
        return np.concatenate(
            [np.zeros((*batch, before)), values, np.zeros((*batch, after))], axis=-1
        )
    return xp.concatenate([xp.zeros((before,)), values, xp.zeros((after,))], axis=-1)


def declared(item, name: str, component: str, support: str = "real", units: str = "", dim=None):
    """The :class:`PriorSpec` of a prior stated in the window file (``item.prior``); a vector
    over ``item``'s years when ``dim`` is given."""
    return PriorSpec(
        name,
        item.prior.distribution,
        item.prior.parameters,
        item.prior.description,
        support=support,
        units=item.prior.units or units,
        dim=dim,
        size=len(item.year_list) if dim else None,
        component=component,
        source=item.prior.source,
        basis=item.prior.basis,
    )
