"""Causes of excess death, as the window declares them.

A ``hazard`` cause multiplies baseline hazards ``-log S`` by ``1 + intensity[t] *
pattern[s, a]`` in its years (no draw can kill more people than there are; its deaths are
derived).  Its pattern is fixed, or estimated: one relative weight per sex and age band,
a reference band fixed at 1, the others ``exp`` of free log weights with the window's
prior.  A ``count`` cause is a number of deaths per year, in persons as historians state
them, distributed over sexes and ages in proportion to population times its pattern (or to
baseline deaths).  Each cause's default prior and pattern are in the window file.
"""

from __future__ import annotations

import numpy as np

from ...priors import PriorSpec
from ...window import N_AGES, CauseSpec, Window
from .placement import declared, place

NAME = "causes"


def priors(window: Window) -> list[PriorSpec]:
    specs = [
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
    for c in window.hazard_causes:
        if c.estimated_pattern:
            p = c.pattern_prior
            assert p is not None  # an estimated pattern always has its prior (window.py)
            specs.append(
                PriorSpec(
                    c.pattern_prior_name,
                    p.distribution,
                    p.parameters,
                    p.description,
                    units=p.units or "log relative weight",
                    dim=f"{c.name}_pattern_band",
                    size=len(c.pattern_labels),
                    component=NAME,
                    source=p.source,
                    basis=p.basis,
                )
            )
    return specs


def band_matrix(cause: CauseSpec) -> np.ndarray:
    """``[band, age]`` indicator of each age band of an estimated pattern."""
    out = np.zeros((len(cause.pattern_bands), N_AGES))
    for b, (lo, hi) in enumerate(cause.pattern_bands):
        out[b, lo : hi + 1] = 1.0
    return out


def band_weights(log_weights, cause: CauseSpec, xp):
    """``[..., sex, band]`` relative weights of an estimated pattern from its free log
    weights ``[..., k]`` (the reference band is 1)."""
    nb = len(cause.pattern_bands)
    i = cause.pattern_reference[0] * nb + cause.pattern_reference[1]
    batch = log_weights.shape[:-1] if xp is np else ()
    zero = xp.zeros((*batch, 1))
    full = xp.concatenate([log_weights[..., :i], zero, log_weights[..., i:]], axis=-1)
    return xp.exp(full).reshape((*batch, 2, nb))


def cause_weights(params: dict, cause: CauseSpec, xp):
    """``[..., sex, age]`` hazard weights of one hazard cause."""
    if not cause.estimated_pattern:
        return cause.pattern
    w = band_weights(params[cause.pattern_prior_name], cause, xp)
    return xp.dot(w, band_matrix(cause)) if xp is not np else w @ band_matrix(cause)


def count_order(window: Window) -> tuple[CauseSpec, ...]:
    """Count causes as the year step takes them: patterned first, then proportional."""
    return (*window.patterned_causes, *window.proportional_causes)


def hazard_weights(params: dict, window: Window, xp):
    """``[..., hazard cause, sex, age]`` weights of the hazard causes (``None`` for none)."""
    causes = window.hazard_causes
    if not causes:
        return None
    parts = [cause_weights(params, c, xp) for c in causes]
    if xp is np:
        batch = np.broadcast_shapes(*(p.shape[:-2] for p in parts))
        return np.stack([np.broadcast_to(p, (*batch, *p.shape[-2:])) for p in parts], axis=-3)
    return xp.stack([xp.as_tensor(p) for p in parts], axis=0)


def patterns(window: Window) -> np.ndarray | None:
    causes = window.patterned_causes
    return np.stack([np.asarray(c.pattern) for c in causes]) if causes else None


def by_year(params: dict, window: Window, causes, xp):
    """``[..., year, cause]`` of the given causes' parameters placed in the window's years
    (``None`` for no causes)."""
    if not causes:
        return None
    return xp.stack([place(params[c.prior_name], c.years, window, xp) for c in causes], axis=-1)
