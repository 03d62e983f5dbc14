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
``mortality_slope_<y>`` (the same table's beta).  With ``[baseline] level_bend = k`` the
anchored level segment bends at ``k``: by then the level has gone ``mortality_level_bend_<k>``
of the way from the segment's first year's level to the anchor's, and it runs straight on
from there (a share of 4/12 from 1946 to 1958 at 1950 is one straight line; the timing of the
post-war fall between its two anchors is otherwise unobserved).  The
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
        + [
            PriorSpec(
                bend_name(k),
                "Beta",
                {"alpha": 2.0, "beta": 3.0},
                f"Share of the anchored segment's change of the Brass level achieved by {k} "
                "(both sexes). Beta(2, 3): mean 0.4, mode 1/3, 90% within 0.10-0.75, away "
                "from the ends (no change after the bend, or none before it). In the 1927-1959 "
                "window the mode is the straight line from 1946 to 1958 at 1950, and the ends "
                "are what the official post-war death rates contradict (a secondary quote, "
                "not observed); a uniform share pulled the 1950 death rate below the official "
                "rate, a lower bound (docs/windows.md).",
                support="probability",
                units="share",
                component=NAME,
                basis="assumption",
            )
            for k in ([] if window.mortality_level_bend is None else [window.mortality_level_bend])
        ]
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


def bend_name(year: int) -> str:
    """The parameter of the anchored level segment's bend at ``year``."""
    return f"mortality_level_bend_{year}"


def anchored_path(params: dict, window: Window):
    """How far along the anchored level segment each projection year is (``[..., year]``,
    numpy or PyTensor as ``params``): 0 at the segment's first year, 1 at the anchor, linear
    between (or between the bend's share and each end), and carried on linearly after the
    anchor."""
    b, anchor = window.mortality_trend_breaks[-1], window.mortality_level_anchor
    assert anchor is not None  # only an anchored segment has a path
    t = window.years.astype(float)
    k = window.mortality_level_bend
    if k is None:
        return np.maximum(t - b, 0.0) / float(anchor - b)
    share = params[bend_name(k)][..., None]
    before = np.clip(t - b, 0.0, k - b) / float(k - b)  # 0 .. 1 over b .. k
    after = np.maximum(t - k, 0.0) / float(anchor - k)  # 0 .. 1 over k .. anchor
    return share * before + (1.0 - share) * after


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
        segs = segs[:-1]
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
        change = params[anchor_name(anchor)] - start  # [..., sex]
        alpha = alpha + change[..., None, :] * anchored_path(params, window)[..., None]
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
