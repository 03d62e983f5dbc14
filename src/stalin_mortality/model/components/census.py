"""The observed censuses, by sex and age group (the window's groups).

The total and the composition are observed apart:

- total: ``log sum(observed) ~ Normal(log(sum(expected)), total_error(window))``, so the latent
  population is tied to the count through the coverage prior (who was missed), not through
  the age noise;
- composition: ``clr(observed) ~ ZeroSumNormal(clr(expected), census_age_noise)`` by sex and
  age group, ``clr(x) = log x - mean(log x)`` (age misreporting moves people between groups,
  it does not change the count); a Normal on the clr values plus ``log(noise)`` for the one
  lost degree of freedom, so the observed values stay a named likelihood term.

``expected = misreported(true) * coverage_<year> [* (1 + padding_<year>)]``, and at ages 0-4
also times ``child_coverage`` (one for the observed censuses); a census with padding carries
a one-sided inflation ``padding >= 0`` (the 1939 census: 2.8-2.9 M, 1.7%, by Zhiromskaya 1994
and Volkov 1990; weak by default).  The army counted separately is added to men of the
census's army ages in the inputs.

Age misreporting.  Digit heaping is taken out of the observed counts (a census's
``smooth_ages``: its single years smoothed as the initial census's, before grouping; heaping
at ages ending in 0 moves people over a 5-year boundary: those aged 58-59 who say 60 are
counted in 60-64).  Old-age exaggeration (a census with ``misreporting_from``): from that
age group up to the one below the open group, each group of each sex sends a share
``theta[sex] * ramp[g]`` of its true count to the next group up, ``theta`` =
``census_age_exaggeration`` (one per sex, shared by the censuses that have it) and ``ramp``
rising linearly to 1 at the last boundary (:func:`exaggeration_ramp`).  Counts are moved,
not made, so the total is untouched.

Older cohorts' misstatement (the initial census's ``old_cohort_misstatement``): each
observed census counts the older cohorts of the initial census's error
(:func:`~stalin_mortality.model.components.initial.old_cohort_groups`: 1927-1939, born
1869-88) off by a log factor ``census_old_cohort_misstatement[k]``, one per cohort, common
to both sexes (one per sex and cohort with ``old_cohort_error_by_sex``) and to every
observed census in which the cohort is below the open group
(age misstatement that follows a cohort, in the counts rather than in the people).  Each
age group takes the factors of the cohorts in it in proportion to the single years they
hold (uniform within the group), and each sex's count of the first such group and every
group above is kept (they are rescaled together): misstatement moves people between ages,
not between sexes, and makes none.  It is applied to the true counts before the old-age
exaggeration.

Cohort misreporting (observed censuses with ``cohort_misreporting``; off in the shipped
windows, a measured reading: docs/engine.md): each such census counts each birth cohort off
by a log factor ``u[sex, cohort]`` shared by all of them, the cohorts the latest such
census's age groups below its open group whose people were all born before the window
(1939's 15-19 and above: a factor on a cohort born in it could not be told from its births
and child deaths), an
earlier census's groups taking the factors of the single years they hold (1937's 25-29,
born 1907-11, holds three fifths of 1939's 25-29 and two of its 30-34; the blend is the
exponential of the weighted mean of the log factors), each sex's count of the groups with a
factor kept, so no one moves into or out of the young ages or the open group (a referee,
helper-57).  ``u = sd * z``, ``z`` standard normal (``census_cohort_misreporting_z``), ``sd``
(``census_cohort_misreporting_sd``) estimated: a variance component of the composition's
error that follows the cohort, beside the independent ``census_age_noise``.  Two censuses
two years apart see the same cohorts: a misfit repeated in both is then one piece of
evidence, not two, whether it is age misstatement that follows a cohort, an error of the
initial census's count, or deaths the model puts at the wrong ages (the counts cannot tell
these apart).  Its algebra changes no death and no census total; the fit's deaths move
with it (the measured reading in docs/engine.md).
The earlier model (independent log-normal errors on the counts) let the 1937
total float 3 M above the count; docs/sampling.md has the measurements.
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from ...constants import SEXES
from ...priors import PriorSpec
from ...window import Window
from . import initial

NAME = "census"
#: Relative error of a census total beyond its coverage (hand tabulation): the 1939 archive
#: and published totals differ by 0.05% (170,557,093 and 170,467,186); 0.2% is four times
#: that.  The coverage prior carries the uncertainty of who was missed.
TOTAL_ERROR = 0.002


#: The exaggeration prior's scale: HalfNormal(0.05), the share of 65-69 counted in 70+.
EXAGGERATION_SD = 0.05
EXAGGERATION = "census_age_exaggeration"


#: The older cohorts' misstatement in the observed censuses (``old_cohort_misstatement``).
MISSTATEMENT = "census_old_cohort_misstatement"
#: Its prior's scale where the window has it: Normal(0, 0.05), the cohort error's.
MISSTATEMENT_SD = 0.05


#: Cohort misreporting (``cohort_misreporting``): the standardised factors and their sd.
COHORT_MISREPORTING = "census_cohort_misreporting_z"
COHORT_MISREPORTING_SD = "census_cohort_misreporting_sd"
#: Every parameter of the census's age misreporting terms (what the residual table's
#: ``misreporting_median`` reads, :func:`stalin_mortality.checks.census_residuals`).
MISREPORTING_PARAMS = (EXAGGERATION, MISSTATEMENT, COHORT_MISREPORTING, COHORT_MISREPORTING_SD)


def cohort_misreporting_layout(window: Window):
    """``(latest census with cohort misreporting, its age group indices with a factor,
    labels)`` or ``None``: no observed census has ``cohort_misreporting``.  The cohorts are
    that census's groups below its open group whose people were all born before the
    window's first 1 January (1939's 15-19 and above in both shipped windows): a factor on
    a cohort born in the window could not be told from its births and child deaths, and
    the misfit at 5-14 is the child ages' digit preference (a referee, helper-57)."""
    flagged = [c for c in window.observed_censuses if c.cohort_misreporting]
    if not flagged:
        return None
    latest = max(flagged, key=lambda c: c.year)
    edges = list(window.age_group_edges)
    youngest = latest.year - window.first_year  # born before the window at this age or above
    groups = [g for g in range(len(edges) - 1) if edges[g] >= youngest]
    labels = [f"born {latest.year - edges[g + 1]}-{latest.year - 1 - edges[g]}" for g in groups]
    return latest, groups, labels


def cohort_misreporting_labels(window: Window) -> list[str]:
    """Labels of ``census_cohort_misreporting_z``: each sex's cohorts, men first."""
    layout = cohort_misreporting_layout(window)
    if layout is None:
        return []
    return [f"{sex} {label}" for sex in SEXES for label in layout[2]]


def cohort_misreporting_weights(window: Window, census) -> np.ndarray | None:
    """``[age group, cohort]``: the share of each of ``census``'s age groups (its single
    years on the census year's 1 January) in each cohort with a factor, or ``None``: the
    census has no cohort misreporting.  The open group and the ages below the youngest
    cohort take none."""
    layout = cohort_misreporting_layout(window)
    if layout is None or not census.cohort_misreporting:
        return None
    latest, groups, _ = layout
    edges = list(window.age_group_edges)
    shift = latest.year - census.year
    out = np.zeros((len(edges), len(groups)))
    for g in range(len(edges) - 1):
        for age in range(edges[g], edges[g + 1]):
            there = age + shift  # the same cohort's age in the latest census
            k = int(np.searchsorted(edges, there, side="right") - 1)
            if k in groups:
                out[g, groups.index(k)] += 1.0 / (edges[g + 1] - edges[g])
    return out


def cohort_misreported(grouped, sd, z, weights: np.ndarray, xp=np):
    """``grouped[..., sex, group]`` with each group that has a weight times ``exp(sum_k
    weights[g, k] * sd * z[..., sex, k])``, each sex's count of those groups kept, the
    others untouched (``z[..., sex x cohort]``, men first)."""
    n = weights.shape[1]
    if xp is np and np.shape(z)[-1] != 2 * n:
        raise ValueError(
            f"{COHORT_MISREPORTING} has {np.shape(z)[-1]} values where this window's layout "
            f"has {2 * n} (two sexes x {n} cohorts): the run was fitted with another form of "
            "the cohort misreporting (before 8 December its cohorts began at 5-9)"
        )
    zz = initial.by_sex_and_cohort(z, n)  # [..., sex, cohort]
    u = (sd[..., None, None] if sd.ndim else sd) * zz
    factor = xp.exp(xp.dot(u, weights.T))  # [..., sex, group]
    kept = (weights.sum(axis=1) > 0).astype(float)
    return initial.count_kept(grouped, factor, kept)


def misstatement_weights(window: Window, census) -> np.ndarray | None:
    """``[age group, cohort]``: the share of each of ``census``'s age groups (its single
    years, on the census year's 1 January) in each older cohort of the initial census's
    error, or ``None``: the window has no misstatement, or no such cohort is below this
    census's open group."""
    if not window.initial_census.old_cohort_misstatement:
        return None
    groups = initial.old_cohort_groups(window)
    if groups is None:
        return None
    indicator = groups[0]  # [cohort, age on the first 1 January]
    shift = census.year - window.first_year
    edges = list(window.age_group_edges)
    out = np.zeros((len(edges), indicator.shape[0]))
    for g in range(len(edges) - 1):  # never the open group
        lo, hi = edges[g] - shift, edges[g + 1] - shift
        if hi > 0:
            out[g] = indicator[:, max(lo, 0) : hi].sum(axis=1) / (edges[g + 1] - edges[g])
    return out if out.any() else None


def misstated(grouped, error, weights: np.ndarray, by_sex: bool = False, xp=np):
    """``grouped[..., sex, group]`` with each group times ``1 + sum_k weights[g, k] *
    (exp(error[..., k]) - 1)``, each sex's count of the first group with a weight and
    every group above kept.  ``error[..., cohort]`` is common to both sexes, or with
    ``by_sex`` one per sex and cohort, men first (``old_cohort_error_by_sex``)."""
    if by_sex:
        error = initial.by_sex_and_cohort(error, weights.shape[1])
    factor = 1.0 + xp.dot(xp.exp(error) - 1.0, weights.T)  # [..., sex, group] by sex
    if not by_sex:
        factor = factor[..., None, :]  # [..., 1, group]: the same for both sexes
    first = int(np.flatnonzero(weights.sum(axis=1))[0])
    kept = (np.arange(weights.shape[0]) >= first).astype(float)
    return initial.count_kept(grouped, factor, kept)


def misreporting_layout(window: Window) -> dict[int, tuple[int, int]]:
    """``{census year: (first group, boundaries)}`` of the observed censuses with old-age
    exaggeration (``misreporting_from``)."""
    out = {}
    edges = list(window.age_group_edges)
    for c in window.observed_censuses:
        if c.misreporting_from is None:
            continue
        g0 = edges.index(c.misreporting_from)
        out[c.year] = (g0, len(edges) - 1 - g0)
    return out


def exaggeration_ramp(n: int) -> np.ndarray:
    """The share each of the ``n`` boundaries moves, per unit of exaggeration: rising
    linearly to 1 at the last (with two, from 60-64: a half, then 1)."""
    return np.arange(1, n + 1) / n


def misreported(grouped, shares, first: int, xp=np):
    """``grouped[..., sex, group]`` with a share ``shares[..., sex, b]`` of group
    ``first + b`` moved to group ``first + b + 1``."""
    moved = shares * grouped[..., first:-1]
    zeros = grouped[..., :1] * 0.0
    parts_out = [grouped[..., :first] * 0.0, moved, zeros]
    parts_in = [grouped[..., : first + 1] * 0.0, moved]
    return grouped - xp.concatenate(parts_out, axis=-1) + xp.concatenate(parts_in, axis=-1)


def misreporting_shares(params: dict, window: Window, census, xp=np):
    """The census's shares ``[..., sex, boundary]`` (``census_age_exaggeration[sex]`` times
    :func:`exaggeration_ramp`) and its first group, or ``(None, 0)``: no exaggeration in
    the census, or ``params`` lacks it (the expected count without it,
    :func:`stalin_mortality.checks.census_residuals`)."""
    layout = misreporting_layout(window)
    if census.year not in layout or EXAGGERATION not in params:
        return None, 0
    g0, n = layout[census.year]
    ramp = exaggeration_ramp(n)
    theta = params[EXAGGERATION]
    if xp is np:
        theta = np.asarray(theta)
    return theta[..., :, None] * ramp, g0


def dated_births(inputs, out):
    """The projection's births by year for :meth:`Window.census_population` (the days'
    births at age 0), or ``None`` for inputs saved before 8 December (``initial_births``
    absent), whose censuses were grown at every age alike: a saved result is re-read as it
    was fitted."""
    return None if inputs.initial_births is None else out["births"]


def total_error(window: Window) -> float:
    """The log-scale error of a census total in ``window`` (its ``[observation_errors]``
    ``census_total``, else :data:`TOTAL_ERROR`)."""
    return window.observation_error("census_total", TOTAL_ERROR)


def priors(window: Window) -> list[PriorSpec]:
    bands = noise_bands(window)
    specs = [
        PriorSpec(
            "census_age_noise",
            "LogNormal",
            {"mu": -3.0, "sigma": 0.5},
            "Relative error of a census count by sex and 5-year age group (what remains "
            "beyond the heaping smoothed out of the counts, the old-age exaggeration term "
            "and the 1926 count's cohort error): median 5%, 90% within "
            "2-11%. Not a half-normal: counts by age group are never within 1% of the truth, "
            "and at such noise the posterior is too narrow a ridge for NUTS "
            "(docs/sampling.md). A modelling choice, not a source. With the window's "
            "census_noise_bands, one such value per age band, each with this prior.",
            support="positive",
            units="log persons",
            dim="census_noise_band" if bands is not None else None,
            size=len(bands[1]) if bands is not None else None,
            component=NAME,
            basis="assumption",
        )
    ]
    if any(misstatement_weights(window, o) is not None for o in window.observed_censuses):
        c = window.initial_census
        specs.append(
            PriorSpec(
                MISSTATEMENT,
                "Normal",
                {"mu": 0.0, "sigma": MISSTATEMENT_SD},
                "Log factor by which the observed censuses count each older cohort of the "
                f"{c.year} census's error (the ages above cohort_error_last_age up to "
                "old_cohort_error_last_age on the window's first 1 January, grouped as "
                f"census_{c.year}_old_cohort_error), common to both sexes (one per sex with "
                "old_cohort_error_by_sex) and to every "
                "observed census in which it is below the open group; each sex's count of "
                "those ages and above is kept. The later censuses' reading of the older "
                "cohorts' surplus at 60-69 and shortfall at 45-59 (age misstatement in the "
                "counts, which changes no death; old-age overstatement runs through Soviet "
                "census data, garson1991, without saying which census): the other reading, "
                f"an error of the {c.year} count, is census_{c.year}_old_cohort_error. "
                "Normal(0, 0.05), a free mean, the order of the cohort error's scale; "
                "sigma 0.001 or less holds it at none. Each sex's count is kept, where the "
                f"{c.year} side keeps one count for both sexes unless by sex. A modelling "
                "choice; the source is context, not a number.",
                units="log persons",
                dim=f"census_{c.year}_old_cohort",
                size=len(initial.old_cohort_labels(window)),
                component=NAME,
                source="garson1991",
                basis="assumption",
                held_sigma=initial.OLD_COHORT_SD_OFF,
            )
        )
    cohort_layout = cohort_misreporting_layout(window)
    if cohort_layout is not None:
        years = " and ".join(str(c.year) for c in window.observed_censuses if c.cohort_misreporting)
        specs.append(
            PriorSpec(
                COHORT_MISREPORTING_SD,
                "LogNormal",
                {"mu": float(np.log(0.02)), "sigma": 0.5},
                f"Sd of the log factor by which the {years} censuses misreport each birth "
                "cohort's count, by sex, shared by the censuses (age misstatement that "
                "follows a cohort, an error of the initial count that follows it, or deaths "
                "put at the wrong ages: the counts cannot tell them apart; it changes no "
                "death in the algebra, though the fit's deaths move with it). Median 2%, 90% "
                "within 0.9-4.6%: two fifths of the census_age_noise prior's median (5%), "
                "the cohort part of a census's age error. Not a half-normal, for "
                "the reason census_age_noise is not: near none the factors' funnel stops "
                "the sampler. A modelling choice, not a source.",
                support="positive",
                units="log persons",
                component=NAME,
                basis="assumption",
            )
        )
        specs.append(
            PriorSpec(
                COHORT_MISREPORTING,
                "Normal",
                {"mu": 0.0, "sigma": 1.0},
                "Standardised log factors of the cohort misreporting (times "
                f"{COHORT_MISREPORTING_SD}), one per sex and cohort of the {years} "
                "censuses' age groups born before the window, up to the one below the "
                "open group, men first "
                "(non-centred). A modelling choice, not a source.",
                units="standard deviations",
                dim="census_misreporting_cohort",
                size=len(cohort_misreporting_labels(window)),
                component=NAME,
                basis="assumption",
            )
        )
    layout = misreporting_layout(window)
    if layout:
        years = " and ".join(str(y) for y in layout)
        specs.append(
            PriorSpec(
                EXAGGERATION,
                "HalfNormal",
                {"sigma": EXAGGERATION_SD},
                f"Old-age exaggeration in the {years} censuses, by sex, one value for "
                "both: the share of the 65-69 group counted in 70+, and of each younger group "
                "from the census's misreporting_from in the next in proportion to its place "
                "(from 60: half of it at 60-64 > 65-69). Non-negative: people overstate their "
                "age at old ages (a first form from 45, where no overstatement is documented, "
                "was dropped after a referee). Digit heaping is taken "
                "out of the counts before (the single years smoothed as the 1926 census's: "
                "smooth_ages), so this is what overstatement beyond heaping moves. "
                "HalfNormal(0.05): median 3.4%, 95% below 10%. A modelling choice, not a "
                "source; the no_exaggeration scenario holds it near none.",
                support="positive",
                units="share",
                dim="sex",
                size=2,
                component=NAME,
                basis="assumption",
                held_sigma=initial.OLD_COHORT_SD_OFF,  # no_exaggeration: 0.001
            )
        )
    for c in window.observed_censuses:
        specs.append(
            PriorSpec(
                f"coverage_{c.year}",
                "Beta",
                {"alpha": 398.0, "beta": 2.0},
                f"Share of the true population aged 5 and over the {c.year} census counted "
                "(ages 0-4 also times child_coverage)"
                + (" before padding" if c.padding else "")
                + ": mean 0.995, sd 0.0035, a modelling choice (Kraval's estimate of 300-400 "
                "thousand in transit uncounted in 1937, as quoted, is a partial omission, not "
                "a coverage estimate; not yet in data/sources.csv); a Beta, whose "
                "density vanishes at 1: no boundary for the sampler. With the total tied to "
                "the count, this prior sets the latent population on the census date.",
                support="probability",
                units="share",
                component=NAME,
                basis="assumption",
            )
        )
    if window.observed_censuses:
        specs.append(
            PriorSpec(
                "child_coverage",
                "Beta",
                {"alpha": 58.2, "beta": 1.8},
                "Share of children 0-4 the observed censuses counted, relative to their "
                "coverage of all ages, one share for both: mean 0.97, sd 0.022 (90% within "
                "0.93-0.995). A modelling choice: censuses miss young children more than "
                "adults (ADH correct the 1926 census chiefly at ages 0-2), but no estimate for "
                "1937 or 1939 was found. Ages 0-4 in 1937 are the births of 1932-36, so this "
                "prior trades against the famine's child deaths and the birth deficit.",
                support="probability",
                units="share",
                component=NAME,
                basis="assumption",
            )
        )
    for c in window.observed_censuses:
        if c.padding:
            specs.append(
                PriorSpec(
                    f"padding_{c.year}",
                    "Gamma",
                    {"alpha": 2.0, "beta": 118.0},
                    f"One-sided inflation of the {c.year} count (share of the counted "
                    "population added): mean 1.7%, the only sourced figure (Zhiromskaya 1994, as "
                    "cited: 2.8-2.9 M; informed_1939 holds it to sd 0.2%), but wide: sd 1.2%, 90% "
                    "within 0.3-4.0%, a third of the mass below 1%. The census archives show "
                    "that padding happened, so the density vanishes at none. (A half-normal, "
                    "with its mode at none, mixed slowly against the 1939 total: r_hat 1.018 "
                    "and 3 divergences at target_accept 0.95, 3 divergences at 0.98; "
                    "docs/sampling.md.)",
                    support="positive",
                    units="share",
                    component=NAME,
                    source="zhiromskaya1994",
                )
            )
    return specs


def priors_names(window: Window) -> list[str]:
    return [s.name for s in priors(window)]


def expected_names(window: Window, census) -> list[str]:
    """The parameters :func:`expected` reads for ``census``."""
    names = [f"coverage_{census.year}"]
    if census.padding:
        names.append(f"padding_{census.year}")
    names.append("child_coverage")  # every window has an observed census
    if census.year in misreporting_layout(window):
        names.append(EXAGGERATION)
    if misstatement_weights(window, census) is not None:
        names.append(MISSTATEMENT)
    if cohort_misreporting_weights(window, census) is not None:
        names += [COHORT_MISREPORTING_SD, COHORT_MISREPORTING]
    return names


def expected(params: dict, window: Window, census, grouped, xp=np):
    """The census's expected count ``[..., sex, age group]`` of the true population
    ``grouped``: the cohorts misreported, the older cohorts misstated and old ages
    exaggerated (where the census has them and ``params`` has their values), times the
    coverage, and the padding where the census has one."""
    cohort_weights = cohort_misreporting_weights(window, census)
    if cohort_weights is not None and COHORT_MISREPORTING in params:
        sd, z = params[COHORT_MISREPORTING_SD], params[COHORT_MISREPORTING]
        if xp is np:
            sd, z = np.asarray(sd), np.asarray(z)
        grouped = cohort_misreported(grouped, sd, z, cohort_weights, xp)
    weights = misstatement_weights(window, census)
    if weights is not None and MISSTATEMENT in params:
        error = params[MISSTATEMENT]
        by_sex = window.initial_census.old_cohort_error_by_sex
        grouped = misstated(grouped, np.asarray(error) if xp is np else error, weights, by_sex, xp)
    shares, first = misreporting_shares(params, window, census, xp)
    if shares is not None:
        grouped = misreported(grouped, shares, first, xp)
    factor = params[f"coverage_{census.year}"]
    if census.padding:
        factor = factor * (1.0 + params[f"padding_{census.year}"])
    if xp is np:
        out = grouped * np.asarray(factor)[..., None, None]
    else:
        out = grouped * factor
    name = "child_coverage"
    if name in params:
        child = np.ones(len(window.age_group_labels))
        child[0] = 0.0
        if xp is np:
            k = np.asarray(params[name])[..., None, None]
            return out * (child + (1 - child) * k)
        return out * (child + (1 - child) * params[name])
    return out


def clr(counts, xp=np):
    """Centred log ratio over the last two axes (sex, age group): ``log x - mean log x``."""
    logs = xp.log(counts)
    return logs - logs.mean(axis=(-2, -1), keepdims=True)


def shares_from_clr(values) -> np.ndarray:
    """The composition (shares summing to 1 over sex and age group) of clr ``values``."""
    e = np.exp(values - values.max(axis=(-2, -1), keepdims=True))
    return e / e.sum(axis=(-2, -1), keepdims=True)


def noise_bands(window: Window) -> tuple[np.ndarray, list[str]] | None:
    """``(band of each age group, band labels)`` of a window with ``census_noise_bands``,
    else ``None`` (one noise for every age group)."""
    if not window.census_noise_bands:
        return None
    edges = list(window.age_group_edges)
    starts = [0, *window.census_noise_bands]
    band = np.searchsorted(starts, edges, side="right") - 1
    labels = [
        f"{lo}-{hi - 1}" if hi is not None else f"{lo}+"
        for lo, hi in zip(starts, [*starts[1:], None], strict=True)
    ]
    return band, labels


def cell_noise(noise, window: Window, xp=np):
    """The composition error's sd by age group, ``[..., age group]``, from
    ``census_age_noise`` (one value, or one per band of ``census_noise_bands``)."""
    bands = noise_bands(window)
    n = len(window.age_group_labels)
    if bands is None:
        noise = np.asarray(noise) if xp is np else noise
        return noise[..., None] * np.ones(n)
    return (np.asarray(noise) if xp is np else noise)[..., bands[0]]


def zero_sum_noise(noise, shape, rng, window: Window | None = None) -> np.ndarray:
    """Draws of the composition's error ``shape`` = ``[..., sex, age group]``: normal with
    sd ``noise`` (``[...]``, or with ``window`` and its noise bands ``[..., band]``),
    centred over the last two axes (what the centred log ratio leaves of an error on the
    log counts, as the likelihood has it)."""
    if window is None or noise_bands(window) is None:
        z = np.asarray(noise)[..., None, None] * rng.normal(size=shape)
    else:
        z = cell_noise(noise, window)[..., None, :] * rng.normal(size=shape)
    return z - z.mean(axis=(-2, -1), keepdims=True)


def simulate(params: dict, window: Window, census, grouped, rng) -> np.ndarray:
    """A census count ``[sex, age group]`` drawn from the observation model: a total with
    :func:`total_error` around the expected total, shared out by a composition whose clr is
    the expected one plus a zero-sum normal error with sd ``census_age_noise``."""
    exp_ = expected(params, window, census, grouped)
    z = zero_sum_noise(params["census_age_noise"], exp_.shape, rng, window)
    total = exp_.sum() * np.exp(total_error(window) * rng.normal())
    return total * shares_from_clr(clr(exp_) + z)


def add(ctx) -> None:
    """Census likelihoods and the padding in persons."""
    window, params, out = ctx.window, ctx.params, ctx.out
    for name in priors_names(window):
        ctx.create(name)
    noise = params["census_age_noise"]
    banded = noise_bands(window) is not None
    sigma = cell_noise(noise, window, pt) if banded else noise  # banded: [age group]
    weight = 1.0 / sigma**2 if banded else None

    births = dated_births(ctx.inputs, out)
    for c in window.observed_censuses:
        # the latent population on the census date, once for the likelihood and the padding
        on_date = window.census_population(out["population"], c, births)
        # a census the scenario leaves out has no likelihood: coverage and padding keep
        # their priors (and the padding in persons is still reported)
        if f"census_{c.year}" not in ctx.exclude:
            true = window.group_ages(on_date, xp=pt)
            exp_ = expected(params, window, c, true, pt)
            observed = ctx.inputs.census_observed[c.year]
            # the total (coverage, padding) apart from the composition: centred log ratios
            # (clr) by sex and age group carry the age noise and leave the total to the count
            y = ctx.observed(f"census_{c.year}", clr(observed))
            mu = clr(exp_, pt)
            if banded:  # the residuals' precision-weighted mean, over both sexes
                mu = mu + pt.sum(weight * (y - mu)) / (2.0 * pt.sum(weight))
            pm.Normal(
                f"census_{c.year}",
                mu=mu,
                sigma=sigma,
                observed=y,
                dims=("sex", "age_group"),
            )
            # the clr residuals sum to zero: n - 1 free values, so the Normal's n factors of
            # 1 / noise are one too many (with this, the density is the zero-sum normal's).
            # With noise by band: the density of the centred error is the log counts'
            # error with its level integrated out (a flat level): the Normal at the
            # residuals less their precision-weighted mean, times sqrt(2 pi / sum of the
            # cells' precisions); with one noise, the same as above up to a constant
            correction = -0.5 * pt.log(2.0 * pt.sum(weight)) if banded else pt.log(noise)
            pm.Potential(f"census_{c.year}_zero_sum", correction)
            pm.Normal(
                f"census_{c.year}_total",
                mu=pt.log(exp_.sum()),
                sigma=total_error(window),
                observed=ctx.observed(f"census_{c.year}_total", np.log(observed.sum())),
            )
        if c.padding:
            total = on_date.sum()
            pm.Deterministic(
                f"padding_{c.year}_persons",
                total * params[f"coverage_{c.year}"] * params[f"padding_{c.year}"],
            )
