"""Cohort-component projection by single year of age and sex, for numpy and PyTensor alike.

State: the population on 1 January, ``P[..., sex, age]`` with sexes (male, female) and ages
0..99 plus the open group 100+ (101 ages).  Leading dimensions (``...``) are batch dimensions:
posterior draws in numpy, nothing in the PyTensor model.  Every function here works on numpy
arrays and on PyTensor tensors (the array namespace is picked from the inputs), so the model
graph and the estimands computed draw by draw from a saved posterior use the same arithmetic.

One year ``t`` -> ``t+1`` (a Lexis parallelogram for each cohort)::

    survivors[s, a]  = P[s, a] * S[s, a] * hazard_survival[s, a]        a = 0..100
    P'[s, a+1]       = survivors[s, a] - sum_c counts_c[s, a] + migration[s, a]
    P'[s, 100]       = survivors and flows of ages 99 and 100+ together (open group)
    births           = TFR * sum_a schedule[a] * (P[f, a] + P'[f, a]) / 2
    P'[s, 0]         = births * share[s] * S_birth[s] * hazard_survival_birth[s]

``S`` are the life-table survival ratios ``L[a+1] / L[a]`` of the baseline (Brass) table and
``S_birth = L[0] / l[0]``; each hazard cause ``h`` (a famine) multiplies baseline hazards
(``-log S``) by ``1 + intensity_h * weight_h[s, a]``; every count cause removes a count of
deaths distributed over ages and sexes in proportion to ``P * pattern`` (or to baseline
deaths).  :func:`year_step` is the one year step that both the model's ``pytensor.scan`` and
the numpy loop of the estimands call.  Deaths are whatever leaves the
population other than by migration, so the identity

    sum(P') = sum(P) + births - deaths + migration

holds exactly (to floating point) by construction; :func:`project_year` returns every flow so
tests and estimands can check it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

N_AGES = 101  # 0..99 and 100+


def person_years(population):
    """``[..., year]`` person-years lived in each year: the mean of the 1 January totals at
    its two ends (``population[..., date]``; the trapezoid rule). numpy or PyTensor."""
    return 0.5 * (population[..., :-1] + population[..., 1:])


def _xp(*arrays):
    """numpy, or ``pytensor.tensor`` if any input is a PyTensor variable."""
    for a in arrays:
        if type(a).__module__.startswith("pytensor"):
            import pytensor.tensor as pt

            return pt
    return np


def _static_len(x, axis: int = 0) -> int:
    """Length of an axis, known before any computation (a numpy array, or a PyTensor
    variable's static shape): a symbolic ``x.shape[0] == 1`` would silently be False."""
    n = x.shape[axis] if isinstance(x, np.ndarray) else x.type.shape[axis]
    if n is None:
        raise ValueError("the number of hazard causes must be known when the graph is built")
    return int(n)


def brass_logit_standard(lx: np.ndarray) -> np.ndarray:
    """Brass logit ``Y[x] = 0.5 * log((1 - l[x]) / l[x])`` of a standard ``l`` (radix 1),
    for ages 1..100 (``l[0] = 1`` has no logit).  ``lx[..., sex, age]``."""
    lx = np.asarray(lx, dtype=float)
    l1 = lx[..., 1:]
    return 0.5 * np.log((1.0 - l1) / l1)


#: Share of the first year of life lived by infants who die in it (``L0 = l1 + A0 * (1 - l1)``)
#: and remaining life expectancy at 100+ (``L[100+] = l[100] * E100``): round values kept only
#: for results saved before both were read from the window's standard table (the official
#: 1926-27 table gives a0 0.304 boys / 0.319 girls and e100 2.43 / 2.59; :func:`table_ends`).
A0 = 0.3
E100 = 2.5


def table_ends(lx, Lx, Tx) -> tuple[np.ndarray, np.ndarray]:
    """``(a0[sex], e100[sex])`` of a life table (``lx``, ``Lx``, ``Tx`` by sex and age
    0..100): ``a0 = (L0 - l1) / (l0 - l1)``, ``e100 = T[100] / l[100]``."""
    lx, Lx, Tx = (np.asarray(v, dtype=float) for v in (lx, Lx, Tx))
    a0 = (Lx[..., 0] - lx[..., 1]) / (lx[..., 0] - lx[..., 1])
    return a0, Tx[..., -1] / lx[..., -1]


def brass_person_years(alpha, beta, y_std, a0=A0, e100=E100):
    """``(L, T100)`` of the Brass table ``logit l = alpha + beta * Y_std`` (radix 1):
    ``L[..., sex, 0..99]`` with ``L0 = l1 + a0 (1 - l1)`` and ``L[x] = (l[x] + l[x+1]) / 2``,
    and the open group's ``T100 = l100 * e100`` (``a0``, ``e100``: scalars or ``[sex]``)."""
    xp = _xp(alpha, beta)
    a0 = np.asarray(a0, dtype=float)[..., None]
    e100 = np.asarray(e100, dtype=float)[..., None]
    lx = 1.0 / (1.0 + xp.exp(2.0 * (alpha + beta * y_std)))  # ages 1..100
    l1 = lx[..., 0:1]
    L0 = l1 + (1.0 - l1) * a0  # the tensor first: numpy defers to it
    Lmid = 0.5 * (lx[..., :-1] + lx[..., 1:])  # L1..L99
    return xp.concatenate([L0, Lmid], axis=-1), lx[..., -1:] * e100


def brass_survival(alpha, beta, y_std, a0=A0, e100=E100):
    """Baseline survival ratios from the Brass relational logit model.

    ``logit l[x] = alpha + beta * Y_std[x]`` (``alpha`` and ``beta`` broadcast against
    ``y_std[..., sex, 1..100]``); returns ``(S, S_birth)``: ``S[..., sex, a]`` for ages
    0..100 (age 99 and 100+ share the open-group ratio ``T100 / T99``) and ``S_birth[..., sex]``
    ``= L0`` (per birth).
    """
    xp = _xp(alpha, beta)
    L, T100 = brass_person_years(alpha, beta, y_std, a0, e100)  # L0..L99
    S_young = L[..., 1:] / L[..., :-1]  # ages 0..98 -> 1..99
    S_open = T100 / (L[..., -1:] + T100)  # ages 99 and 100+ -> 100+
    S = xp.concatenate([S_young, S_open, S_open], axis=-1)
    return S, L[..., 0]


def brass_e0(alpha, beta, y_std, a0=A0, e100=E100):
    """Life expectancy at birth of the Brass table (``[..., sex]``): the person-years of
    :func:`brass_person_years`, the same table the projection uses."""
    L, T100 = brass_person_years(alpha, beta, y_std, a0, e100)
    return L.sum(axis=-1) + T100[..., 0]


@dataclass
class YearFlows:
    """Everything that happens in one projection year (arrays ``[..., sex, age]`` unless
    said otherwise; ``None`` where a component is absent)."""

    start: Any  # population on 1 Jan t
    end: Any  # population on 1 Jan t+1
    births: Any  # [...], both sexes
    births_by_sex: Any  # [..., sex]
    baseline_deaths: Any  # deaths at baseline hazards, by age at the start of the year
    baseline_infant_deaths: Any  # [..., sex], deaths of the year's births at baseline
    hazard_deaths: Any  # all hazard causes, by age at the start of the year
    hazard_infant_deaths: Any  # [..., sex]
    cause_deaths: Any  # [..., cause, sex, age] (only with ``detail``)
    cause_total: Any  # [...] deaths of the count and proportional causes together
    migration: Any  # [..., sex, age], net, by age at the year's start, from its survivors


def project_year(
    P,
    S,
    S_birth,
    tfr,
    schedule,
    male_share,
    hazard_survival=None,
    hazard_survival_birth=None,
    counts=None,
    patterns=None,
    proportional=None,
    emigration=None,
    migration_masks=None,
    detail=False,
) -> YearFlows:
    """Project one year (see the module docstring).

    Parameters
    ----------
    P : [..., sex, age] population on 1 January.
    S, S_birth : baseline survival ratios ``[..., sex, age]`` and ``[..., sex]``.
    tfr : [...] total fertility rate of the year.
    schedule : [age] fertility schedule by single year of age summing to 1 (zero at age 0
        and outside the reproductive ages).
    male_share : [...] share of births that are male.
    hazard_survival, hazard_survival_birth : [..., sex, age] and [..., sex] survival from
        the extra hazard of the hazard causes (:func:`hazard_survival`); ``None`` for none.
    counts : [..., cause] deaths of each count cause in the year.
    patterns : [cause, sex, age] fixed relative risks of each count cause; deaths are
        distributed in proportion to ``P * pattern``.
    proportional : [..., cause] deaths of more causes, each distributed in proportion to the
        baseline deaths of the year.
    emigration : [...] net emigrants of the year (inflows negative), taken from the year's
        survivors in proportion to their number at every age and sex (they live the year in
        the account and leave at its end, so no age can be emptied below zero); with
        ``migration_masks``, ``[..., group]``: each group's emigrants from its ages only.
    migration_masks : [group, sex, age] 1 on the ages each group of flows moves, 0 elsewhere
        (``None``: one group, every age).
    detail : also return deaths by cause, sex and age (``cause_deaths``: the count causes
        followed by the proportional ones); the model needs only their total.
    """
    xp = _xp(P, S, tfr, hazard_survival, counts, emigration)
    tfr, male_share, counts, proportional = (
        np.asarray(x, dtype=float) if isinstance(x, int | float | list) else x
        for x in (tfr, male_share, counts, proportional)
    )
    baseline_deaths = P * (1.0 - S)
    if hazard_survival is None:
        survivors = P * S
        hazard_deaths = None
    else:
        survivors = P * S * hazard_survival
        hazard_deaths = P * S - survivors
    cause_deaths = cause_total = None
    if counts is not None:
        cause_total = counts[..., : patterns.shape[0]].sum(axis=-1)
        # Deaths of cause c at (s, a) = counts[c] * P[s, a] * pattern[c, s, a] / norm[c], with
        # norm[c] = sum(P * pattern[c]); written as two small matrix products so the model's
        # gradient stays cheap.  ``patterns`` is a fixed [cause, sex, age] array.
        n_causes = patterns.shape[0]
        flat = patterns.reshape((n_causes, -1))  # [cause, sex*age]
        Pf = P.reshape((*P.shape[:-2], -1)) if xp is np else P.reshape((-1,))
        norm = xp.dot(Pf, flat.T)  # [..., cause]
        rate = xp.dot(counts[..., :n_causes] / norm, flat).reshape(P.shape)  # per person
        survivors = survivors - P * rate
        if detail:
            cause_deaths = (counts[..., :n_causes] / norm)[..., None, None] * P[..., None, :, :]
            cause_deaths = cause_deaths * patterns
    if proportional is not None:
        # counts distributed in proportion to baseline deaths (e.g. the "unattributed" excess)
        share = baseline_deaths / baseline_deaths.sum(axis=-1).sum(axis=-1)[..., None, None]
        extra_total = proportional.sum(axis=-1)
        # every proportional cause has the same age-sex share: their sum is taken at once
        survivors = survivors - extra_total[..., None, None] * share
        cause_total = extra_total if cause_total is None else cause_total + extra_total
        if detail:
            extra = proportional[..., :, None, None] * share[..., None, :, :]  # [..., c, s, a]
            cause_deaths = (
                extra if cause_deaths is None else xp.concatenate([cause_deaths, extra], axis=-3)
            )
    migration = None
    if emigration is not None:
        if migration_masks is None:
            total = survivors.sum(axis=-1).sum(axis=-1)[..., None, None]
            migration = -emigration[..., None, None] * survivors / total
        else:
            # group g moves emigration[g] from its ages in proportion to their survivors:
            # migration = -survivors * sum_g mask_g * emigration_g / total_g (contractions,
            # so no [..., group, sex, age] product is formed)
            total = xp.einsum("...sa,gsa->...g", survivors, migration_masks)  # [..., group]
            migration = -survivors * xp.einsum(
                "...g,gsa->...sa", emigration / total, migration_masks
            )
        survivors = survivors + migration

    # Births: exposure of women at age a is the mean of the start and end populations; the
    # end population at a >= 1 is the survivors of a - 1, which do not depend on births.
    women = 0.5 * (P[..., 1, 1:] + survivors[..., 1, :-1])
    births = tfr * (women * schedule[1:]).sum(axis=-1)
    share = xp.stack([male_share, 1.0 - male_share], axis=-1)
    births_by_sex = births[..., None] * share
    infants = births_by_sex * S_birth
    hazard_infant_deaths = None
    if hazard_survival_birth is not None:
        hazard_infant_deaths = infants * (1.0 - hazard_survival_birth)
        infants = infants * hazard_survival_birth
    end = xp.concatenate(
        [infants[..., None], survivors[..., :-2], survivors[..., -2:-1] + survivors[..., -1:]],
        axis=-1,
    )
    return YearFlows(
        start=P,
        end=end,
        births=births,
        births_by_sex=births_by_sex,
        baseline_deaths=baseline_deaths,
        baseline_infant_deaths=births_by_sex * (1.0 - S_birth),
        hazard_deaths=hazard_deaths,
        hazard_infant_deaths=hazard_infant_deaths,
        cause_deaths=cause_deaths,
        cause_total=cause_total,
        migration=migration,
    )


def famine_survival(S, S_birth, intensity, weight):
    """Survival from one hazard cause (a famine) that multiplies baseline hazards ``-log S``
    by ``1 + intensity * weight[sex, age]``: returns ``(survival, survival_birth)`` with the
    shapes of ``S`` and ``S_birth`` (``intensity[...]`` broadcasts against their batch
    dims)."""
    xp = _xp(S, intensity, weight)
    k = intensity[..., None, None]
    surv = xp.exp(k * weight * xp.log(S))
    surv_birth = xp.exp(k[..., 0] * weight[..., :, 0] * xp.log(S_birth))
    return surv, surv_birth


def hazard_survival(S, S_birth, intensities, weights, n: int | None = None):
    """:func:`famine_survival` for several hazard causes at once: ``intensities[..., h]``,
    ``weights[..., h, sex, age]`` (fixed, or estimated draw by draw); the extra hazards add,
    ``K = sum_h intensity_h * weight_h``.  One cause gives exactly :func:`famine_survival`.
    ``n`` is the number of hazard causes (read from ``weights``' static shape if not
    given)."""
    n = _static_len(weights, -3) if n is None else n
    if n == 1:
        return famine_survival(S, S_birth, intensities[..., 0], weights[..., 0, :, :])
    xp = _xp(S, intensities, weights)
    K = combined_hazard(intensities, weights)  # [..., sex, age]
    return xp.exp(K * xp.log(S)), xp.exp(K[..., 0] * xp.log(S_birth))


def combined_hazard(intensities, weights):
    """``K[..., sex, age] = sum_h intensities[..., h] * weights[..., h, sex, age]``, as one
    contraction (``einsum``): the product ``[..., h, sex, age]`` is never formed, so the
    model's gradient stays a matrix product (docs/sampling.md)."""
    xp = _xp(intensities, weights)
    return xp.einsum("...h,...hsa->...sa", intensities, weights)


def hazard_totals(intensities, weights, deaths, infant_deaths):
    """``[..., h]`` deaths of each hazard cause: the year's hazard deaths (``deaths[..., sex,
    age]`` at the start of the year, ``infant_deaths[..., sex]`` of its births) split by
    :func:`hazard_shares`, summed over sex and age.  Written as two contractions with
    ``deaths / K``, equal to summing ``deaths * hazard_shares(...)`` without forming the
    ``[..., h, sex, age]`` shares (where ``K`` is 0 no cause is active and no one died of
    one)."""
    xp = _xp(intensities, weights, deaths)
    K = combined_hazard(intensities, weights)
    per = deaths / xp.where(K > 0, K, 1.0)
    K0 = K[..., 0]
    per0 = infant_deaths / xp.where(K0 > 0, K0, 1.0)
    return intensities * (
        xp.einsum("...hsa,...sa->...h", weights, per)
        + xp.einsum("...hs,...s->...h", weights[..., 0], per0)
    )


def hazard_shares(intensities, weights):
    """``[..., h, sex, age]`` share of the extra hazard that each hazard cause carries (zero
    where no cause is active); splits hazard deaths by cause.

    An allocation rule: the deaths of the combined extra hazard are shared in proportion to
    each cause's extra hazard (the competing-risks split for hazards constant over the
    year).  They add up to the combined excess, unlike the deaths each cause alone would
    cause, which do not.  Weights multiply the baseline hazard, so a cause that falls on
    ages of low baseline mortality (a war on young men) needs large weights there."""
    xp = _xp(intensities, weights)
    kw = intensities[..., :, None, None] * weights
    K = kw.sum(axis=-3)[..., None, :, :]
    return kw / xp.where(K > 0, K, 1.0)


@dataclass(frozen=True)
class StepConstants:
    """What every year of the projection shares (fixed inputs and year-invariant
    parameters)."""

    schedule: object  # [age] fertility schedule
    male_share: object  # [...] share of births that are male
    hazard_weights: object | None  # [..., hazard cause, sex, age] (may be estimated)
    patterns: object | None  # [patterned count cause, sex, age]
    n_proportional: int  # count causes distributed in proportion to baseline deaths
    n_hazard: int | None = None  # hazard causes (None: from hazard_weights' static shape)
    migration_masks: object | None = None  # [flow group, sex, age] (None: every age)


@dataclass
class StepResult:
    """One year: the flows, the year's births at baseline fertility, the hazard deaths of
    each hazard cause ``[..., h]`` (and, with ``detail``, by sex and age)."""

    flows: YearFlows
    baseline_births: object
    hazard_totals: object | None
    hazard_by_age: object | None = None  # [..., h, sex, age], the year's births at age 0


def year_step(P, S, S_birth, tfr, tfr_base, intensities, counts, emigration, c, detail=False):
    """The one year step of the account, for numpy draws and the PyTensor ``scan`` alike.

    ``P[..., sex, age]`` on 1 January; ``S``, ``S_birth`` the year's baseline survival;
    ``tfr`` and ``tfr_base`` the year's actual and baseline TFR; ``intensities[..., h]`` of
    the hazard causes (or ``None``); ``counts[..., c]`` deaths of the count causes, the
    patterned ones first (or ``None``); ``emigration[...]`` net emigrants of the year,
    taken from the year's survivors in proportion at every age (or ``None``; ``[..., group]``
    with ``c.migration_masks``, each group from its ages); ``c`` the
    :class:`StepConstants`.
    """
    hs = hsb = None
    n_hazard = 0
    if c.hazard_weights is not None:
        n_hazard = c.n_hazard or _static_len(c.hazard_weights, -3)
        hs, hsb = hazard_survival(S, S_birth, intensities, c.hazard_weights, n_hazard)
    n_pat = 0 if c.patterns is None else c.patterns.shape[0]
    f = project_year(
        P,
        S,
        S_birth,
        tfr,
        c.schedule,
        c.male_share,
        hazard_survival=hs,
        hazard_survival_birth=hsb,
        counts=None if counts is None or n_pat == 0 else counts[..., :n_pat],
        patterns=c.patterns,
        proportional=None if counts is None or c.n_proportional == 0 else counts[..., n_pat:],
        emigration=emigration,
        migration_masks=c.migration_masks,
        detail=detail,
    )
    women = 0.5 * (P[..., 1, 1:] + f.end[..., 1, 1:])
    baseline_births = tfr_base * (women * c.schedule[1:]).sum(axis=-1)
    totals = by_age = None
    if hs is not None:
        deaths = f.hazard_deaths.sum(axis=-1).sum(axis=-1) + f.hazard_infant_deaths.sum(axis=-1)
        if n_hazard == 1:
            totals = deaths[..., None]
            if detail:
                by_age = f.hazard_deaths.copy()
                by_age[..., 0] += f.hazard_infant_deaths
                by_age = by_age[..., None, :, :]
        else:
            totals = hazard_totals(
                intensities, c.hazard_weights, f.hazard_deaths, f.hazard_infant_deaths
            )
            if detail:
                share = hazard_shares(intensities, c.hazard_weights)
                by_age = f.hazard_deaths[..., None, :, :] * share
                by_age[..., 0] += f.hazard_infant_deaths[..., None, :] * share[..., 0]
    return StepResult(f, baseline_births, totals, by_age)


def total_deaths(f: YearFlows):
    """All deaths of the year, both sexes ``[...]``, summed from their components (baseline,
    famine, count causes); the accounting identity is a check on this sum, not its
    definition."""
    out = f.baseline_deaths.sum(axis=-1).sum(axis=-1) + f.baseline_infant_deaths.sum(axis=-1)
    if f.hazard_deaths is not None:
        out = out + f.hazard_deaths.sum(axis=-1).sum(axis=-1) + f.hazard_infant_deaths.sum(-1)
    if f.cause_total is not None:
        out = out + f.cause_total
    return out


def deaths_by_sex(f: YearFlows):
    """All deaths of the year by sex ``[..., sex]`` (needs ``detail=True``)."""
    out = f.baseline_deaths.sum(axis=-1) + f.baseline_infant_deaths
    if f.hazard_deaths is not None:
        out = out + f.hazard_deaths.sum(axis=-1) + f.hazard_infant_deaths
    if f.cause_deaths is not None:
        out = out + f.cause_deaths.sum(axis=-1).sum(axis=-2)
    return out
