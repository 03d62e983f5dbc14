"""The starting population: the initial census corrected for its undercount.

``P[first] = census / (1 - undercount)``, the undercount a share
``undercount_<census>_ages_0_2`` at ages 0-2 and ``undercount_<census>_other_ages`` at 3+
(ADH 1993 correct the 1926 census by about 1.5 M, about 1 M of it infants and young
children).  The census is carried from its date to 1 January of the first year
(:func:`~stalin_mortality.model.account.initial_carry`: the 15 days' births at age 0, their
deaths by age; the undercount is not applied to those births, born after the census).

With ``cohort_error = true`` on the initial census, its count of each cohort above the
young ages is off by a factor ``exp(census_<year>_cohort_error[g])`` common to both sexes
(age misreporting and omission that follow a cohort: the cohorts born 1919-23 were short
in both sexes in the 1939 and 1959 censuses alike); the cohorts are those of the last
observed census's age groups, so each factor is seen again in every later census.  The
young ages (which have the undercount) and the cohorts of that census's open age group
(the oldest, whose later counts carry old-age exaggeration: a free factor there turned
it into famine deaths of the old) are the reference, and so are the ages above
``cohort_error_last_age`` where the window states one (1927-1939: 37, the whole era's
oldest cohort with an error, as older ones reach the 1937-39 censuses' heaping at 60).
The errors sum to zero (a ``ZeroSumNormal``) and the count of the ages with one is kept
(they are rescaled together), so misreporting moves people between those cohorts only: the
reference ages are untouched and the total stays with the undercount.

With ``old_cohort_error_last_age`` (the 1927-1939 window: 57; the whole era has none), the
older cohorts above ``cohort_error_last_age`` up to it (aged 38-57 in 1927, born 1869-88)
have a log error each, ``census_<year>_old_cohort_error``, grouped by the age groups of the
latest census in which they are below its open group (1939's 50-54 to 65-69), common to
both sexes (one per sex, each sex's count kept on its own, with
``old_cohort_error_by_sex``).  Their count is kept together with the older ages' (38+ in
all): they trade people with the ages 58+, which are rescaled with them, not with the
young.  After heaping was smoothed out of the 1937 and 1939 counts, these cohorts were still
short at 45-59 and over at 60-69 in both censuses.  Held at none by default (a Normal with
sd 0.001), which is a third reading, not a neutral one: both counts right and the
repeated pattern left to independent census noise.  It may be the
later censuses overstating these ages (old-age overstatement runs through Russian and
Soviet census and mortality data from 1897 to 1970, Garson 1991, an abstract read; it
concerns chiefly claims of centenarians and does not say which census misstated these
cohorts), which changes no death, or a misstatement of the 1926 count, which changes who
was alive to die; the age groups cannot tell them apart.  The scenario ``old_cohort_error``
frees them (sd 0.05 each, with a free mean, where the younger cohorts' errors are
zero-sum), so the famine's dependence on that reading is measured.
"""

from __future__ import annotations

import numpy as np

from ...constants import SEXES
from ...priors import PriorSpec
from ...window import N_AGES, Window
from ..cohort import _xp

NAME = "initial"
AGES = np.arange(N_AGES)
#: The older cohorts' error is held at none by default (``old_cohort_error`` frees it).
OLD_COHORT_SD_OFF = 0.001


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
        *_cohort_prior(window),
    ]


def _cohort_prior(window: Window) -> list[PriorSpec]:
    groups = cohort_groups(window)
    if groups is None:
        return []
    c = window.initial_census
    return [
        PriorSpec(
            cohort_name(window),
            "ZeroSumNormal",
            {"sigma": 0.05},
            f"Log error of the {c.year} census's count of each cohort aged "
            f"{c.undercount_young_ages + 1}+ (the cohorts of the last census's age groups "
            "short of its open group, and at most the window's cohort_error_last_age), "
            "common to both sexes: age misreporting that follows a cohort through every "
            "later census. Zero-sum, sigma 0.05 (each error's sd 0.05 * sqrt((n-1)/n)), the "
            "order of the later censuses' own age noise (median 5%). The count of those "
            "ages is kept (they are rescaled together), so people move between them only: "
            "the young ages and the older cohorts are not rescaled by it (the older ones "
            "have an error of their own where the window says so). A modelling choice, not "
            "a source.",
            units="log persons",
            dim=f"census_{c.year}_cohort",
            size=len(groups[1]),
            component=NAME,
            basis="assumption",
            held_sigma=OLD_COHORT_SD_OFF,  # no_cohort_error: 0.001
        ),
        *_old_cohort_prior(window),
    ]


def _old_cohort_prior(window: Window) -> list[PriorSpec]:
    groups = old_cohort_groups(window)
    if groups is None:
        return []
    c = window.initial_census
    return [
        PriorSpec(
            old_cohort_name(window),
            "Normal",
            {"mu": 0.0, "sigma": OLD_COHORT_SD_OFF},
            f"Log error of the {c.year} census's count of each older cohort (aged "
            f"{(c.cohort_error_last_age or 0) + 1}-{c.old_cohort_error_last_age} on the "
            "window's first 1 January, grouped by the latest census in which each is below "
            "its open group), common to both sexes (one per sex with the window's "
            "old_cohort_error_by_sex); their count is kept together with the older ages' "
            "(the ages above are rescaled with them). Held at none by default (sigma "
            "0.001), a third reading rather than a neutral one (both counts right, the "
            "repeated pattern left to independent noise): the surplus these cohorts "
            "show at 60-69 in 1937 and 1939 may be the later censuses' age overstatement (old-age "
            "overstatement runs through Russian and Soviet census and mortality data, "
            "garson1991, chiefly in claims of centenarians; it does not say which census "
            "misstated these cohorts), which leaves the deaths alone, or a misstatement of "
            f"the {c.year} count, which changes who was alive to die; the age groups do not "
            "tell them apart. The scenario old_cohort_error frees them (sigma 0.05 each, a "
            "free mean, where the younger cohorts' are zero-sum); by sex, each sex's count "
            "is kept on its own. A modelling choice; the source is context, not a number.",
            units="log persons",
            dim=f"census_{c.year}_old_cohort",
            size=len(old_cohort_labels(window)),
            component=NAME,
            source="garson1991",
            basis="assumption",
            held_sigma=OLD_COHORT_SD_OFF,
        )
    ]


def old_cohort_labels(window: Window) -> list[str]:
    """Labels of the older cohorts' errors: ``born 1884-1888``, ..., or with
    ``old_cohort_error_by_sex`` each sex's, men first (``male born 1884-1888``, ...)."""
    groups = old_cohort_groups(window)
    if groups is None:
        return []
    if window.initial_census.old_cohort_error_by_sex:
        return [f"{sex} {label}" for sex in SEXES for label in groups[1]]
    return groups[1]


def old_cohort_name(window: Window) -> str:
    return f"census_{window.initial_census.year}_old_cohort_error"


def old_cohort_groups(window: Window) -> tuple[np.ndarray, list[str]] | None:
    """``([group, age] indicator, labels)`` of the initial census's older cohorts with an
    error of their own (``old_cohort_error_last_age``): the ages above
    ``cohort_error_last_age`` up to it, each grouped by the age group it reaches in the
    latest observed census in which it is below the open group; ``None`` without one.
    Ages that reach every observed census's open group are left out."""
    c = window.initial_census
    if not c.cohort_error or c.cohort_error_last_age is None or c.old_cohort_error_last_age is None:
        return None
    edges = np.asarray(window.age_group_edges)
    ages = AGES[(AGES > c.cohort_error_last_age) & (AGES <= c.old_cohort_error_last_age)]
    keys: dict[tuple[int, int], list[int]] = {}
    for a in ages:
        for year in sorted((o.year for o in window.observed_censuses), reverse=True):
            reached = int(a) + year - window.first_year
            if reached < edges[-1]:
                g = int(np.searchsorted(edges, reached, side="right") - 1)
                keys.setdefault((year, g), []).append(int(a))
                break
    return _indicator(window, sorted(keys.values())) if keys else None


def _indicator(window: Window, cohorts: list) -> tuple[np.ndarray, list[str]]:
    """``([cohort, age] 0/1 matrix, labels)`` of ``cohorts`` (each a list of ages on the
    window's first 1 January, youngest first), labelled by their birth years."""
    out, labels = [], []
    for members in cohorts:
        row = np.zeros(N_AGES)
        row[list(members)] = 1.0
        out.append(row)
        first, last_born = (window.first_year - 1 - int(a) for a in (members[-1], members[0]))
        labels.append(f"born {first}-{last_born}")
    return np.stack(out), labels


def cohort_name(window: Window) -> str:
    return f"census_{window.initial_census.year}_cohort_error"


def cohort_groups(window: Window) -> tuple[np.ndarray, list[str]] | None:
    """``([group, age] indicator, labels)`` of the initial census's cohorts with an error of
    their own: the ages above the young ones, grouped by the age group each reaches in the
    last observed census, short of that census's open group (labels name the birth years,
    e.g. ``born 1919-1923``); ``None`` without ``cohort_error``.  The young ages (their
    undercount) and the cohorts of the open group are the reference."""
    c = window.initial_census
    if not c.cohort_error:
        return None
    last = max(o.year for o in window.observed_censuses)
    offset = last - window.first_year
    edges = np.asarray(window.age_group_edges)
    ages = AGES[AGES > c.undercount_young_ages]
    if c.cohort_error_last_age is not None:
        ages = ages[ages <= c.cohort_error_last_age]
    group = np.searchsorted(edges, ages + offset, side="right") - 1
    return _indicator(window, [ages[group == g] for g in np.unique(group[group < len(edges) - 1])])


def population(params: dict, window: Window, census, births=None):
    """``P[..., sex, age]`` on 1 January of the first year: ``census`` (carried to that
    date) corrected for its undercount, except ``births[sex]``, born after the census date
    and already in ``census`` at age 0."""
    young, other = names(window)
    mask = (AGES <= window.initial_census.undercount_young_ages).astype(float)
    rate = params[young][..., None] * mask + params[other][..., None] * (1.0 - mask)
    if births is None:
        P = census / (1.0 - rate[..., None, :])
    else:
        born = np.zeros_like(census)
        born[:, 0] = births
        P = (census - born) / (1.0 - rate[..., None, :]) + born
    groups = cohort_groups(window)
    if groups is None:
        return P
    P = _rescaled(P, params[cohort_name(window)], groups[0], groups[0].sum(axis=0))
    old = old_cohort_groups(window)
    if old is None:
        return P
    # the older cohorts' count is kept with the oldest ages' (the reference they trade
    # with: misstatement moves people between neighbouring ages, not from the young)
    kept = (np.cumsum(old[0].sum(axis=0)) > 0).astype(float)  # their first age and above
    error = params[old_cohort_name(window)]
    by_sex = window.initial_census.old_cohort_error_by_sex
    if by_sex:
        error = by_sex_and_cohort(error, old[0].shape[0])
    return _rescaled(P, error, old[0], kept, by_sex)


def by_sex_and_cohort(error, n: int):
    """``error[..., sex x cohort]`` (men first, ``old_cohort_error_by_sex``) as
    ``[..., sex, cohort]``, for ``n`` cohorts."""
    return error.reshape((2, n) if error.ndim == 1 else (*error.shape[:-1], 2, n))


def _rescaled(P, error, groups: np.ndarray, kept: np.ndarray, by_sex: bool = False):
    """``P`` with each cohort of ``groups`` ([group, age]) times ``exp(error[group])``, the
    ages of ``kept`` (a 0/1 mask holding every cohort's ages) rescaled together to keep
    their count; other ages untouched.  With ``by_sex``, ``error`` is ``[..., sex, group]``
    and each sex keeps its own count."""
    xp = _xp(error)
    factor = xp.exp(xp.dot(error, groups))  # [..., sex, age] by sex, else [..., age]
    if not by_sex:
        factor = factor[..., None, :]  # the same for both sexes
    return count_kept(P, factor, kept, per_sex=by_sex)


def count_kept(P, factor, kept: np.ndarray, per_sex: bool = True):
    """``P[..., sex, age]`` times ``factor`` (broadcast to it) where ``kept`` (a 0/1 mask
    over the last axis) is 1, those cells then rescaled together to keep their count, each
    sex's (``per_sex``) or one for both; other cells untouched."""
    inside = P * kept
    count, moved = inside.sum(axis=-1), (inside * factor).sum(axis=-1)  # [..., sex]
    if not per_sex:  # one count for both sexes
        count, moved = count.sum(axis=-1)[..., None], moved.sum(axis=-1)[..., None]
    return P * (1.0 + kept * (factor * (count / moved)[..., None] - 1.0))
