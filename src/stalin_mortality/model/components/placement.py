"""Placing a vector over some years into the window's years (zeros elsewhere)."""

from __future__ import annotations

import numpy as np

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
