"""Fertility: ``ASFR[t, a] = TFR[t] * schedule[a]``, ``log TFR[t] = log tfr_<first> +
tfr_trend * (t - first) + sum of the window's crisis deviations[t]``.

The schedule is the mean of ADH 1993's 5-year rates over the window's schedule years,
spread over single ages (``fertility_1920_1929.csv``).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ...priors import PriorSpec
from ...window import N_AGES, Window
from .placement import declared, place

NAME = "fertility"
#: The sex ratio at birth's prior mean (male births per female birth).
SEX_RATIO_AT_BIRTH = 1.05


def tfr_name(window: Window) -> str:
    return f"tfr_{window.first_year}"


def priors(window: Window) -> list[PriorSpec]:
    specs = [
        PriorSpec(
            tfr_name(window),
            "LogNormal",
            {"mu": 1.84, "sigma": 0.1},
            f"Baseline total fertility rate of {window.first_year} (median 6.3 = ADH's "
            "1925-29 mean).",
            support="positive",
            units="births per woman",
            component=NAME,
        ),
        PriorSpec(
            "tfr_trend",
            "Normal",
            {"mu": -0.01, "sigma": 0.01},
            "Yearly change of log baseline TFR without crises (ADH: 6.6 in 1925 to 5.9 in 1929).",
            units="log TFR per year",
            component=NAME,
        ),
        PriorSpec(
            "sex_ratio_at_birth",
            "Normal",
            {"mu": SEX_RATIO_AT_BIRTH, "sigma": 0.01},
            "Male births per female birth (a Normal: its mass lies 100 sd from zero). A "
            "modelling choice, not a source: the usual human ratio; no Soviet births by sex "
            "are transcribed in data/.",
            units="ratio",
            component=NAME,
            basis="assumption",
        ),
    ]
    return specs


def deviation_priors(window: Window) -> list[PriorSpec]:
    """The crisis deviations (created after the flows: see components.__init__)."""
    return [
        declared(d, d.name, NAME, units="log TFR", dim=None if d.weights else f"{d.name}_year")
        for d in window.deviations
    ]


def tfr(params: dict, window: Window, xp, crisis: bool = True):
    """``TFR[..., year]`` (baseline only when ``crisis`` is False)."""
    t = (window.years - window.first_year).astype(float)
    log_tfr = xp.log(params[tfr_name(window)])[..., None] + params["tfr_trend"][..., None] * t
    if crisis:
        for d in window.deviations:
            log_tfr = log_tfr + place(deviation(params, d, xp), d.years, window, xp)
    return xp.exp(log_tfr)


def deviation(params: dict, d, xp):
    """``[..., year]`` deviation of log TFR over ``d``'s years (a random walk is the running
    sum of its innovations; a weighted deviation its one level times each year's weight)."""
    values = params[d.name]
    if d.structure == "random_walk":
        return xp.cumsum(values, axis=-1)
    if d.structure == "weighted":
        return values[..., None] * np.asarray(d.weights)
    return values


def schedule(asfr: xr.DataArray, years: tuple[int, int]) -> np.ndarray:
    """Single-age schedule (summing to 1) from the mean of ADH's 5-year ASFR over ``years``."""
    mean = asfr.sel(fertility_year=slice(*years)).mean("fertility_year")
    sched = np.zeros(N_AGES)
    for group, rate in zip(mean["fertility_age_group"].values, mean.values, strict=True):
        lo, hi = (int(x) for x in str(group).split("-"))
        sched[lo : hi + 1] = rate
    return sched / sched.sum()


class Deviations:
    """The crisis deviations as a component of their own: their parameters are created
    after the flows (the order of the sampler's parameter vector)."""

    NAME = NAME
    priors = staticmethod(deviation_priors)
