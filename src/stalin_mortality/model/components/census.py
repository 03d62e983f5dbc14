"""The observed censuses, by sex and age group (the window's groups).

``log observed ~ Normal(log(true * coverage_<year> [* (1 + padding_<year>)]),
census_age_noise)``; a census with padding carries a one-sided inflation ``padding >= 0``
(the 1939 census: 2.8-2.9 M, 1.7%, by Zhiromskaya 1994 and Volkov 1990; weak by default).
The army counted separately is added to men of the census's army ages in the inputs.

Not yet done (issue 10, point 6; measured in docs/sampling.md): observing the total apart
from the composition.  With the total tied to the count by the coverage prior (coverage
integrated out, or free with a 0.2% total error) and the shares logistic-normal, or with a
child coverage at ages 0-4, the sampler slowed ten-fold (step size 0.02 against 0.14,
hundreds of leapfrog steps a draw) and diverged; the independent log-normal error by group
stays until a parametrisation that samples is found.
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from ...priors import PriorSpec
from ...window import Window

NAME = "census"


def priors(window: Window) -> list[PriorSpec]:
    specs = [
        PriorSpec(
            "census_age_noise",
            "LogNormal",
            {"mu": -3.0, "sigma": 0.5},
            "Relative error of a census count by sex and 5-year age group (age misreporting "
            "across group boundaries, heaping carried from 1926): median 5%, 90% within "
            "2-11%. Not a half-normal: counts by age group are never within 1% of the truth, "
            "and at such noise the posterior is too narrow a ridge for NUTS "
            "(docs/sampling.md).",
            support="positive",
            units="log persons",
            component=NAME,
        )
    ]
    for c in window.observed_censuses:
        specs.append(
            PriorSpec(
                f"coverage_{c.year}",
                "Beta",
                {"alpha": 398.0, "beta": 2.0},
                f"Share of the true population the {c.year} census counted"
                + (" before padding" if c.padding else "")
                + ": mean 0.995, sd 0.0035 (Kraval estimated 300-400 thousand in transit "
                "uncounted in 1937); a Beta, whose density vanishes at 1: no boundary for the "
                "sampler.",
                support="probability",
                units="share",
                component=NAME,
            )
        )
    for c in window.observed_censuses:
        if c.padding:
            specs.append(
                PriorSpec(
                    f"padding_{c.year}",
                    "HalfNormal",
                    {"sigma": 0.03},
                    f"One-sided inflation of the {c.year} count (share of the counted "
                    "population added); weak: the censuses and the arithmetic decide.",
                    support="positive",
                    units="share",
                    component=NAME,
                )
            )
    return specs


def priors_names(window: Window) -> list[str]:
    return [s.name for s in priors(window)]


def expected(params: dict, window: Window, census, grouped, xp=np):
    """The census's expected count ``[..., sex, age group]`` of the true population
    ``grouped``: times the coverage, and the padding where the census has one."""
    factor = params[f"coverage_{census.year}"]
    if census.padding:
        factor = factor * (1.0 + params[f"padding_{census.year}"])
    if xp is np:
        return grouped * np.asarray(factor)[..., None, None]
    return grouped * factor


def add(ctx) -> None:
    """Census likelihoods and the padding in persons."""
    window, params, out = ctx.window, ctx.params, ctx.out
    for name in priors_names(window):
        ctx.create(name)
    noise = params["census_age_noise"]
    for c in window.observed_censuses:
        # a census the scenario leaves out has no likelihood: coverage and padding keep
        # their priors (and the padding in persons is still reported)
        if f"census_{c.year}" not in ctx.exclude:
            true = window.group_ages(out["population"][window.index(c.year)], xp=pt)
            pm.Normal(
                f"census_{c.year}",
                mu=pt.log(expected(params, window, c, true, pt)),
                sigma=noise,
                observed=np.log(ctx.inputs.census_observed[c.year]),
                dims=("sex", "age_group"),
            )
        if c.padding:
            total = out["population"][window.index(c.year)].sum()
            pm.Deterministic(
                f"padding_{c.year}_persons",
                total * params[f"coverage_{c.year}"] * params[f"padding_{c.year}"],
            )
