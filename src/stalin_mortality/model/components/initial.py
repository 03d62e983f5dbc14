"""The starting population: the initial census corrected for its undercount.

``P[first] = census / (1 - undercount)``, the undercount a share
``undercount_<census>_ages_0_2`` at ages 0-2 and ``undercount_<census>_other_ages`` at 3+
(ADH 1993 correct the 1926 census by about 1.5 M, about 1 M of it infants and young
children).  The census's date is taken as 1 January of the first year.
"""

from __future__ import annotations

import numpy as np

from ...priors import PriorSpec
from ...window import N_AGES, Window

NAME = "initial"
AGES = np.arange(N_AGES)


def names(window: Window) -> tuple[str, str]:
    c = window.initial_census
    return (
        f"undercount_{c.year}_ages_0_{c.undercount_young_ages}",
        f"undercount_{c.year}_other_ages",
    )


def priors(window: Window) -> list[PriorSpec]:
    young, other = names(window)
    c = window.initial_census
    return [
        PriorSpec(
            young,
            "Beta",
            {"alpha": 4.0, "beta": 60.0},
            f"Share of children aged 0-{c.undercount_young_ages} the {c.year} census missed "
            "(ADH: about 1 M of the 1.5 M undercount were infants and young children): mean "
            "0.063, sd 0.03 (the sd a modelling choice).",
            support="probability",
            units="share",
            component=NAME,
            source="adh1993",
            basis="anchored",
        ),
        PriorSpec(
            other,
            "Beta",
            {"alpha": 2.0, "beta": 400.0},
            f"Share of persons aged {c.undercount_young_ages + 1}+ the {c.year} census "
            "missed: mean 0.005, sd 0.0035. A modelling choice, not derived: ADH's remaining "
            "0.5 M of the 1.5 M would be about 0.4% of these ages.",
            support="probability",
            units="share",
            component=NAME,
            basis="assumption",
        ),
    ]


def population(params: dict, window: Window, census):
    """``P[..., sex, age]`` on 1 January of the first year."""
    young, other = names(window)
    mask = (AGES <= window.initial_census.undercount_young_ages).astype(float)
    rate = params[young][..., None] * mask + params[other][..., None] * (1.0 - mask)
    return census / (1.0 - rate[..., None, :])
