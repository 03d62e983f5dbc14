"""Baseline ("normal") mortality: Brass relational logit on a standard table.

``logit l[t, s, x] = alpha[t] + beta * logit l_std[s, x]``, ``alpha[t] = mortality_level +
mortality_trend * (t - first_year)``, piecewise linear when the window states trend breaks
(``[baseline] trend_breaks``: from each break year ``b`` the level moves by
``mortality_trend_<b>`` a year instead).  ``beta`` is ``mortality_slope``, and from each year
``b`` of ``[baseline] slope_breaks`` it moves by ``mortality_slope_trend_<b>`` a year (the
1958-59 table's age pattern is steeper than the 1926-27 standard's: Brass beta 1.3, as
child mortality fell faster than adult).  From each year ``b`` of ``[baseline]
level_breaks`` the level steps by ``mortality_level_step_<b>`` (the post-war baseline need
not continue the pre-war level: ADH's crude death rate fell from 21.7 in 1940 to 15.8 in
1946).  With ``[baseline] level_anchor = y`` the last segment's slope is not a parameter: the
level runs straight from its first year's (step included) to ``mortality_level_<y>`` in
year ``y`` (the 1958-59 table anchors the post-war years' end, whatever the step); with
``[baseline] slope_anchor = y`` the Brass slope likewise runs from its last break's to
``mortality_slope_<y>`` (the same table's beta).  The
standard is the window's official life table (1926-27 for the 1927-1939 window).
``alpha = 0`` reproduces the table: a baseline crude death rate of 21.2 per 1000 on the 1927
population, near TsSU's registered 20.3 (TsSU 1929); 0.14 gives 25.4, the reconstruction of
ADH 1993 (25.5).
"""

from __future__ import annotations

import numpy as np

from ...priors import PriorSpec
from ...window import Window
from .. import cohort

NAME = "baseline"


def priors(window: Window) -> list[PriorSpec]:
    y0 = window.first_year
    return (
        [
            PriorSpec(
                "mortality_level",
                "Normal",
                {"mu": 0.04, "sigma": 0.08},
                f"Brass logit level alpha of baseline mortality in {y0} against the standard "
                "table: 0 reproduces the official 1926-27 table (crude death rate 21.2 per 1000 "
                "on the 1927 population, near TsSU's registered 20.3); 0.14 gives 25.4, ADH's "
                "reconstruction. Centred between the two views, admitting both.",
                units="logit",
                component=NAME,
            ),
            PriorSpec(
                "mortality_slope",
                "Normal",
                {"mu": 1.0, "sigma": 0.05},
                "Brass logit slope beta (1 = the standard table's age pattern). A modelling "
                "choice, not a source: the baseline keeps the 1926-27 standard's age pattern, "
                "within about 0.1 at 2 sd.",
                units="ratio",
                component=NAME,
                basis="assumption",
            ),
            PriorSpec(
                "mortality_trend",
                "Normal",
                {"mu": -0.015, "sigma": 0.01},
                "Yearly change of the Brass level without crises (the counterfactual improvement; "
                "-0.015 a year adds about 0.55 years of life expectancy at birth a year).",
                units="logit per year",
                component=NAME,
            ),
        ]
        + _per_year(
            trend_name,
            free_trend_breaks(window),
            -0.015,
            0.01,
            "Yearly change of the Brass level without crises from {} on (a later segment of "
            "the piecewise-linear trend).",
            "logit per year",
        )
        + [
            PriorSpec(
                anchor_name(y),
                "Normal",
                {"mu": 0.0, "sigma": 0.5},
                f"Brass logit level alpha of baseline mortality in {y} for men and women, the "
                "end of the last trend segment (its slope runs from the segment's first year, "
                "the same for both sexes, to this level).",
                units="logit",
                component=NAME,
                basis="assumption",
                dim="sex",
                size=2,
            )
            for y in (
                [] if window.mortality_level_anchor is None else [window.mortality_level_anchor]
            )
        ]
        + _per_year(
            level_step_name,
            window.mortality_level_breaks,
            0.0,
            0.3,
            "Step of the Brass level of baseline mortality from {} on (0: the trend "
            "continues; -0.3 cuts baseline deaths at most ages by about a quarter).",
            "logit",
            basis="assumption",
        )
        + _per_year(
            slope_trend_name,
            free_slope_breaks(window),
            0.0,
            0.01,
            "Yearly change of the Brass slope beta of baseline mortality from {} on.",
            "per year",
        )
        + _per_year(
            slope_anchor_name,
            [] if window.mortality_slope_anchor is None else [window.mortality_slope_anchor],
            1.0,
            0.5,
            "Brass logit slope beta of baseline mortality in {}, the end of the last slope "
            "segment (its yearly change runs from the segment's first year to this slope).",
            "ratio",
            basis="assumption",
        )
    )


def _per_year(name, years, mu: float, sigma: float, description: str, units: str, **kw):
    """One Normal prior per break year: ``name(year)``, its description formatted with it."""
    return [
        PriorSpec(
            name(b),
            "Normal",
            {"mu": mu, "sigma": sigma},
            description.format(b),
            units=units,
            component=NAME,
            **kw,
        )
        for b in years
    ]


def trend_name(year: int) -> str:
    """The slope parameter of the trend segment starting in ``year``."""
    return f"mortality_trend_{year}"


def free_trend_breaks(window: Window) -> tuple[int, ...]:
    """Trend breaks whose segment has a free slope (all but an anchored last one)."""
    breaks = window.mortality_trend_breaks
    return breaks[:-1] if window.mortality_level_anchor is not None else breaks


def anchor_name(year: int) -> str:
    """The parameter of the anchored level of ``year``."""
    return f"mortality_level_{year}"


def level_step_name(year: int) -> str:
    """The parameter of the level's step at ``year``."""
    return f"mortality_level_step_{year}"


def slope_trend_name(year: int) -> str:
    """The parameter of the Brass slope's yearly change from ``year``."""
    return f"mortality_slope_trend_{year}"


def slope_anchor_name(year: int) -> str:
    """The parameter of the anchored Brass slope of ``year``."""
    return f"mortality_slope_{year}"


def free_slope_breaks(window: Window) -> tuple[int, ...]:
    """Slope breaks whose yearly change is a parameter (an anchor derives the last one's)."""
    breaks = window.mortality_slope_breaks
    return breaks[:-1] if window.mortality_slope_anchor is not None else breaks


def segments(window: Window) -> list[tuple[str, np.ndarray]]:
    """``(slope parameter, years of that segment elapsed by each projection year)``: the
    level of year ``t`` is ``mortality_level + sum(slope * elapsed)``."""
    t = (window.years - window.first_year).astype(float)
    starts = [0.0] + [float(b - window.first_year) for b in window.mortality_trend_breaks]
    ends = [*starts[1:], np.inf]
    names = ["mortality_trend"] + [trend_name(b) for b in window.mortality_trend_breaks]
    return [(n, np.clip(t, a, b) - a) for n, a, b in zip(names, starts, ends, strict=True)]


def level(params: dict, window: Window):
    """Brass level ``alpha[..., year, sex]`` of baseline mortality (``[..., year, 1]`` when
    both sexes share it: without an anchor, whose level is by sex)."""
    alpha = params["mortality_level"][..., None]
    segs = segments(window)
    anchor = window.mortality_level_anchor
    if anchor is not None:
        *segs, (_, last_elapsed) = segs
    for name, elapsed in segs:
        alpha = alpha + params[name][..., None] * elapsed
    for b in window.mortality_level_breaks:
        after = (window.years >= b).astype(float)
        alpha = alpha + params[level_step_name(b)][..., None] * after
    alpha = alpha[..., None]  # [..., year, 1]
    if anchor is not None:
        # the anchored segment runs from its first year's level (step included), the same
        # for both sexes, to each sex's anchor
        b = window.mortality_trend_breaks[-1]
        start = alpha[..., window.index(b), :]  # [..., 1]
        slope = (params[anchor_name(anchor)] - start) / float(anchor - b)  # [..., sex]
        alpha = alpha + slope[..., None, :] * last_elapsed[:, None]
    return alpha


def slope(params: dict, window: Window):
    """Brass slope ``beta[..., year]`` of baseline mortality (``[..., 1]`` when constant)."""
    beta = params["mortality_slope"][..., None]
    t = (window.years - window.first_year).astype(float)
    for b in free_slope_breaks(window):
        elapsed = np.maximum(t - (b - window.first_year), 0.0)
        beta = beta + params[slope_trend_name(b)][..., None] * elapsed
    anchor = window.mortality_slope_anchor
    if anchor is not None:
        # the last segment runs from its first year's slope to the anchor's
        b = window.mortality_slope_breaks[-1]
        start = beta[..., window.index(b)] if free_slope_breaks(window) else beta[..., 0]
        change = (params[slope_anchor_name(anchor)] - start) / float(anchor - b)
        elapsed = np.maximum(t - (b - window.first_year), 0.0)
        beta = beta + change[..., None] * elapsed
    return beta


def survival(params: dict, window: Window, inputs):
    """Baseline survival ``(S[..., year, sex, age], S_birth[..., year, sex])``: the Brass
    table on the standard ``inputs.y_std``, closed with the standard's ``a0`` and ``e100``."""
    alpha = level(params, window)
    beta = slope(params, window)
    return cohort.brass_survival(
        alpha[..., None], beta[..., None, None], inputs.y_std, *inputs.table_ends
    )


def life_expectancy(params: dict, window: Window, inputs):
    """Baseline life expectancy at birth ``[..., year, sex]`` (the Brass table of each
    year, with the same ``L0`` and open-age closure as the projection)."""
    alpha = level(params, window)
    beta = slope(params, window)
    return cohort.brass_e0(
        alpha[..., None], beta[..., None, None], inputs.y_std, *inputs.table_ends
    )
