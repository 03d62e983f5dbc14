"""The 1927-1939 study: a cohort-component account of the USSR in pre-1939 borders.

The latent population by sex and single year of age is projected from 1 Jan 1927 (the
1926 census corrected for its undercount) to 1 Jan 1939 by :mod:`.cohort`, year by year:

- baseline mortality from the Brass relational logit on the official 1926-27 table,
  ``logit l[t, s, x] = alpha[t] + beta * logit l_std[s, x]``, ``alpha[t] = mortality_level +
  mortality_trend * (t - 1927)``;
- fertility ``TFR[t] * schedule[a]`` (the 1925-29 schedule of ADH 1993), ``log TFR[t] =
  log tfr_1927 + tfr_trend * (t - 1927) + fertility_collapse[t]`` (collapse in 1930-35);
- excess deaths by cause, each with a documented age-sex pattern (:data:`PATTERNS`): the
  famine of 1932-34 as a proportional increase of baseline hazards, every other cause as a
  count of deaths per year distributed in proportion to population times the pattern;
- net emigration 1930-33 (the Kazakh flight).

Observations: the 1937 and 1939 censuses by sex and 5-year age group to 70+ (normal errors on
the log scale), the 1937 army added to the age table, a one-sided padding of the 1939 count;
registered births and deaths (1926 rates, TsUNKhU 1931-33 counts) with completeness; archival
death counts with completeness <= 1.  See ``docs/engine.md`` for each choice and its source.

All of the arithmetic is in :func:`simulate`, which runs on PyTensor tensors (the model) and
on numpy arrays with a leading draw dimension (estimands from a saved posterior).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pymc as pm
import pytensor.tensor as pt
import xarray as xr

from ..constants import SEXES
from ..exceptions import ScenarioError
from ..scenarios import Scenario
from . import cohort

FIRST_YEAR, LAST_YEAR = 1927, 1938  # projection years; states 1 Jan 1927 .. 1 Jan 1939
YEARS = np.arange(FIRST_YEAR, LAST_YEAR + 1)
DATES = np.arange(FIRST_YEAR, LAST_YEAR + 2)  # 1 January of each year
CENSUS_YEARS = (1937, 1939)  # censuses observed (1926 initialises)
COLLAPSE_YEARS = np.arange(1930, 1936)
EMIGRATION_YEARS = np.arange(1930, 1934)
AGES = np.arange(cohort.N_AGES)
#: 5-year groups to 65-69 and an open 70+: old-age exaggeration moves people from the 70s
#: into 85+ in both censuses (residuals of -20% and +15-45% when 70-74 .. 85+ were separate).
GROUP_EDGES = np.arange(0, 75, 5)  # 0-4, ..., 65-69, 70+
GROUP_LABELS = [f"{a}-{a + 4}" for a in GROUP_EDGES[:-1]] + [f"{GROUP_EDGES[-1]}+"]

#: Causes of excess death in the window and their years.
CAUSE_YEARS = {
    "famine_1932_33": (1932, 1934),
    "dekulakisation": (1930, 1933),
    "executions": (1930, 1938),
    "gulag": (1930, 1938),
    "deportations": (1930, 1938),
    "unattributed": (FIRST_YEAR, LAST_YEAR),
}
CAUSES = tuple(CAUSE_YEARS)
COUNT_CAUSES = CAUSES[1:]  # every cause but the famine is a count of deaths per year
PRIOR_OF_CAUSE = {
    "famine_1932_33": "famine_intensity",
    **{c: f"excess_{c}" for c in COUNT_CAUSES},
}
REGIME_CAUSES = ("dekulakisation", "executions", "gulag", "deportations")

#: The archival series each cause is observed through (``archival_counts.csv``): yearly
#: death sentences for executions (Popov 1992; the NKVD's 681,692 "shot" in 1937-38 is
#: their sum, so it is not used again), registered deaths otherwise.
ARCHIVAL_MEASURE = {
    "executions": "death_sentences",
    "gulag": "deaths",
    "dekulakisation": "deaths",
}
#: Army and border guards counted separately in 1937, ages 18-24 (ADH 1993 p.27).
ARMY_AGES = (18, 24)
#: Log-scale error of an archival count beyond completeness (rounding, tabulation).
ARCHIVAL_LOG_SD = 0.1
#: Relative error of registered events (TsUNKhU rounded to 0.1 M; 1926 rates).
REGISTERED_ERROR = 0.03

#: The parameters :func:`simulate` takes: scalars, and vectors over years.
SCALAR_PARAMS = (
    "mortality_level",
    "mortality_slope",
    "mortality_trend",
    "tfr_1927",
    "tfr_trend",
    "sex_ratio_at_birth",
    "undercount_1926_ages_0_2",
    "undercount_1926_other_ages",
    "emigration_1930_33",
)
VECTOR_PARAMS = ("fertility_collapse", *PRIOR_OF_CAUSE.values())

PRIORS_USED = (
    *SCALAR_PARAMS,
    *VECTOR_PARAMS,
    "coverage_1937",
    "coverage_1939",
    "padding_1939",
    "census_age_noise",
    "birth_registration_completeness",
    "death_registration_completeness",
    "birth_registration_completeness_1931_33",
    "death_registration_completeness_1931_33",
    "archival_completeness_executions",
    "archival_completeness_gulag",
    "archival_completeness_dekulakisation",
)


def _age_pattern(male: dict, female: dict) -> np.ndarray:
    """[sex, age] relative risks from {(first_age, last_age): weight} per sex (0 elsewhere)."""
    out = np.zeros((2, cohort.N_AGES))
    for i, spec in enumerate((male, female)):
        for (lo, hi), w in spec.items():
            out[i, lo : hi + 1] = w
    return out


#: Age-sex patterns (relative risks) of the count causes; deaths are distributed in
#: proportion to population x pattern. ``unattributed`` follows baseline mortality
#: (its pattern is the baseline death probability, set in :func:`simulate`).
PATTERNS = {
    # deported peasant families: all ages, both sexes, children and old at higher risk
    "dekulakisation": _age_pattern(
        {(0, 4): 2.0, (5, 59): 1.0, (60, 100): 2.0}, {(0, 4): 2.0, (5, 59): 1.0, (60, 100): 2.0}
    ),
    # executions: adult men 18-69, about 95% male at equal numbers
    "executions": _age_pattern({(18, 69): 19.0}, {(18, 69): 1.0}),
    # camp and colony deaths: adults 16-69, about 90% male at equal numbers
    "gulag": _age_pattern({(16, 69): 9.0}, {(16, 69): 1.0}),
    # special settlers and deported nationalities: all ages, both sexes
    "deportations": _age_pattern(
        {(0, 4): 2.0, (5, 59): 1.0, (60, 100): 2.0}, {(0, 4): 2.0, (5, 59): 1.0, (60, 100): 2.0}
    ),
}
#: Famine: hazards rise more for young children and the old; men a little more than women.
FAMINE_WEIGHT = _age_pattern(
    {(0, 9): 1.5, (10, 59): 1.1, (60, 100): 1.5}, {(0, 9): 1.5, (10, 59): 1.0, (60, 100): 1.5}
)


@dataclass
class Inputs:
    """Fixed numbers the engine needs, all derived from the validated observations."""

    census_1926: np.ndarray  # [sex, age]
    y_std: np.ndarray  # [sex, 1..100] Brass logit of the 1926-27 table
    schedule: np.ndarray  # [age] fertility schedule (sums to 1)
    census_grouped: dict  # census year -> [sex, group] observed (1937 incl. army)
    registered_1926: dict  # "birth_rate"/"death_rate" -> rate per person-year
    registered_events: dict  # ("births"|"deaths") -> {year: count}
    archival: list  # (cause, first_year, last_year, count, label)
    patterns: np.ndarray  # [count cause but unattributed, sex, age]


def group_ages(x, xp=np):
    """Sum single ages ``[..., age]`` into 5-year groups 0-4 .. 65-69 and 70+."""
    parts = [x[..., a : a + 5].sum(axis=-1) for a in GROUP_EDGES[:-1]]
    parts.append(x[..., GROUP_EDGES[-1] :].sum(axis=-1))
    return xp.stack(parts, axis=-1)


#: Years whose mean fertility schedule is the baseline age pattern.
SCHEDULE_YEARS = (1925, 1929)


def fertility_schedule(asfr: xr.DataArray, years=SCHEDULE_YEARS) -> np.ndarray:
    """Single-age schedule (summing to 1) from the mean of ADH's 5-year ASFR over ``years``."""
    mean = asfr.sel(fertility_year=slice(*years)).mean("fertility_year")
    sched = np.zeros(cohort.N_AGES)
    for group, rate in zip(mean["fertility_age_group"].values, mean.values, strict=True):
        lo, hi = (int(x) for x in str(group).split("-"))
        sched[lo : hi + 1] = rate
    return sched / sched.sum()


def make_inputs(observations: xr.Dataset) -> Inputs:
    """Turn the observations Dataset into the engine's fixed inputs."""
    counts = observations["census_count"]
    c1926 = counts.sel(census=1926).transpose("sex", "age").values.astype(float)
    lx = observations["life_table_lx_1926"].transpose("sex", "age").values / 1e5
    grouped = {}
    for year in CENSUS_YEARS:
        c = counts.sel(census=year).transpose("sex", "age").values.astype(float).copy()
        if year == 1937:
            army = float(observations["army_1937"])
            lo, hi = ARMY_AGES
            c[0, lo : hi + 1] += army * c[0, lo : hi + 1] / c[0, lo : hi + 1].sum()
        grouped[year] = group_ages(c)
    events = {}
    ev = observations["registered_events"]
    for event in ev["event"].values:
        row = ev.sel(event=event)
        events[str(event)] = {
            int(y): float(v) for y, v in zip(row["year_registered"].values, row.values, strict=True)
        }
    archival = []
    rec = observations["archival_records"]
    for i in range(rec.sizes["record"]):
        r = {k: rec[f"record_{k}"].values[i] for k in ("cause", "year_start", "year_end")}
        r |= {k: str(rec[f"record_{k}"].values[i]) for k in ("measure", "label")}
        cause = str(r["cause"])
        if cause not in ARCHIVAL_MEASURE or r["measure"] != ARCHIVAL_MEASURE[cause]:
            continue
        lo, hi = CAUSE_YEARS[cause]
        if r["year_start"] < lo or r["year_end"] > hi:
            continue  # outside the window or the cause's years: not comparable here
        archival.append(
            (cause, int(r["year_start"]), int(r["year_end"]), float(rec.values[i]), r["label"])
        )
    patterns = np.stack([PATTERNS[c] for c in COUNT_CAUSES[:-1]], axis=0)
    return Inputs(
        census_1926=c1926,
        y_std=cohort.brass_logit_standard(lx),
        schedule=fertility_schedule(observations["asfr"]),
        census_grouped=grouped,
        registered_1926={
            "birth_rate": float(observations["registered_birth_rate_1926"]),
            "death_rate": float(observations["registered_death_rate_1926"]),
        },
        registered_events=events,
        archival=archival,
        patterns=patterns,
    )


def _place(values, first: int, last: int, xp):
    """Place a [..., last-first+1] vector of years into the window ``YEARS`` (zeros outside);
    the padding has a static shape, so every backend compiles it."""
    before, after = first - FIRST_YEAR, LAST_YEAR - last
    if xp is np:
        batch = values.shape[:-1]
        return np.concatenate(
            [np.zeros((*batch, before)), values, np.zeros((*batch, after))], axis=-1
        )
    return xp.concatenate([xp.zeros((before,)), values, xp.zeros((after,))], axis=-1)


def simulate(
    params: dict, inputs: Inputs, counterfactual: bool = False, detail: bool = False
) -> dict:
    """Run the account for one parameter set (PyTensor) or a batch of draws (numpy).

    ``params`` maps names to arrays with optional leading batch dims (numpy only): scalars
    ``mortality_level``, ``mortality_slope``, ``mortality_trend``, ``tfr_1927``,
    ``tfr_trend``, ``sex_ratio_at_birth``, ``undercount_1926_ages_0_2``,
    ``undercount_1926_other_ages``, ``emigration_1930_33``; vectors ``fertility_collapse``
    [1930..1935], ``famine_intensity`` [1932..1934] and ``excess_<cause>`` over each cause's
    years.  ``counterfactual=True`` removes every excess death and the fertility collapse
    (migration kept): the population without the crises.

    Returns a dict of ``population`` [..., date, sex, age], ``births`` [..., year],
    ``baseline_births`` [..., year] (the same women at baseline fertility), ``deaths``
    [..., year], ``excess`` [..., cause, year], ``initial`` [..., sex, age] and ``flows``
    (one :class:`cohort.YearFlows` per year); with ``detail`` (numpy only) also
    ``deaths_by_sex`` [..., year, sex] and ``excess_by_age`` [..., cause, year, sex, age]
    (the famine's deaths of the year's births at age 0).
    """
    xp = cohort._xp(*params.values())
    t = (YEARS - FIRST_YEAR).astype(float)
    alpha = params["mortality_level"][..., None] + params["mortality_trend"][..., None] * t
    S, S_birth = cohort.brass_survival(
        alpha[..., None, None], params["mortality_slope"][..., None, None, None], inputs.y_std
    )  # [..., year, sex, age], [..., year, sex]
    log_tfr = xp.log(params["tfr_1927"])[..., None] + params["tfr_trend"][..., None] * t
    tfr_base = xp.exp(log_tfr)
    collapse = _place(params["fertility_collapse"], COLLAPSE_YEARS[0], COLLAPSE_YEARS[-1], xp)
    tfr = tfr_base if counterfactual else xp.exp(log_tfr + collapse)
    P0 = inputs.census_1926 / (1.0 - _undercount_rate(params))
    male_share = params["sex_ratio_at_birth"] / (1.0 + params["sex_ratio_at_birth"])

    famine_years = np.arange(CAUSE_YEARS["famine_1932_33"][0], CAUSE_YEARS["famine_1932_33"][1] + 1)
    famine = counts = None
    if not counterfactual:
        i0, i1 = famine_years[0] - FIRST_YEAR, famine_years[-1] - FIRST_YEAR + 1
        famine = cohort.famine_survival(
            S[..., i0:i1, :, :], S_birth[..., i0:i1, :], params["famine_intensity"], FAMINE_WEIGHT
        )
        counts = xp.stack(
            [_place(params[PRIOR_OF_CAUSE[c]], *CAUSE_YEARS[c], xp) for c in COUNT_CAUSES],
            axis=-1,
        )  # [..., year, cause]; the last cause (unattributed) follows baseline deaths
    emigration = params["emigration_1930_33"] / len(EMIGRATION_YEARS)
    if xp is not np and not counterfactual and not detail:
        return _simulate_scan(
            params, inputs, P0, S, S_birth, tfr, tfr_base, counts, male_share, emigration
        )

    P = P0
    populations, flows = [P0], []
    for i, year in enumerate(YEARS):
        migration = None
        if EMIGRATION_YEARS[0] <= year <= EMIGRATION_YEARS[-1]:
            total = P.sum(axis=-1).sum(axis=-1)[..., None, None]
            migration = -emigration[..., None, None] * P / total
        j = year - famine_years[0]
        in_famine = famine is not None and 0 <= j < len(famine_years)
        f = cohort.project_year(
            P,
            S[..., i, :, :],
            S_birth[..., i, :],
            tfr[..., i],
            inputs.schedule,
            male_share,
            famine_survival=famine[0][..., j, :, :] if in_famine else None,
            famine_survival_birth=famine[1][..., j, :] if in_famine else None,
            counts=None if counts is None else counts[..., i, :-1],
            patterns=inputs.patterns,
            proportional=None if counts is None else counts[..., i, -1],
            migration=migration,
            detail=detail,
        )
        flows.append(f)
        P = f.end
        populations.append(P)
    out = {
        "population": xp.stack(populations, axis=-3),
        "births": xp.stack([f.births for f in flows], axis=-1),
        "deaths": xp.stack([cohort.total_deaths(f) for f in flows], axis=-1),
        "initial": P0,
        "flows": flows,
    }
    women = [
        0.5 * (populations[i][..., 1, 1:] + flows[i].end[..., 1, 1:]) for i in range(len(YEARS))
    ]
    out["baseline_births"] = xp.stack(
        [tfr_base[..., i] * (w * inputs.schedule[1:]).sum(axis=-1) for i, w in enumerate(women)],
        axis=-1,
    )
    if not counterfactual:
        famine_total = [
            (f.famine_deaths.sum(axis=-1).sum(axis=-1) + f.famine_infant_deaths.sum(axis=-1))
            if f.famine_deaths is not None
            else None
            for f in flows
        ]
        famine_total = xp.stack(
            [x if x is not None else tfr[..., 0] * 0.0 for x in famine_total], axis=-1
        )  # [..., year]
        cause_year = xp.moveaxis(counts, -1, -2) if xp is np else counts.T
        out["excess"] = xp.concatenate([famine_total[..., None, :], cause_year], axis=-2)
        if detail:
            out["deaths_by_sex"] = np.stack([cohort.deaths_by_sex(f) for f in flows], axis=-2)
            rows = []
            for f in flows:
                famine_age = np.zeros(f.start.shape)
                if f.famine_deaths is not None:
                    famine_age = f.famine_deaths.copy()
                    famine_age[..., 0] += f.famine_infant_deaths
                rows.append(np.concatenate([famine_age[..., None, :, :], f.cause_deaths], axis=-3))
            out["excess_by_age"] = np.stack(rows, axis=-3)  # [..., cause, year, sex, age]
    return out


def _simulate_scan(params, inputs, P0, S, S_birth, tfr, tfr_base, counts, male_share, emigration):
    """The model's path through :func:`simulate`: the year loop as one ``pytensor.scan``
    (one compiled step instead of twelve unrolled copies: much faster to compile)."""
    import pytensor

    intensity = _place(params["famine_intensity"], *CAUSE_YEARS["famine_1932_33"], pt)
    in_emigration = ((YEARS >= EMIGRATION_YEARS[0]) & (YEARS <= EMIGRATION_YEARS[-1])).astype(float)
    schedule = pt.as_tensor(inputs.schedule)
    patterns = pt.as_tensor(inputs.patterns)
    weight = pt.as_tensor(FAMINE_WEIGHT)

    def step(S_t, Sb_t, tfr_t, tfr_base_t, k_t, counts_t, emig_t, P, male_share, emigration):
        fs, fsb = cohort.famine_survival(S_t, Sb_t, k_t, weight)
        migration = -(emig_t * emigration) * P / P.sum()
        f = cohort.project_year(
            P,
            S_t,
            Sb_t,
            tfr_t,
            schedule,
            male_share,
            famine_survival=fs,
            famine_survival_birth=fsb,
            counts=counts_t[:-1],
            patterns=patterns,
            proportional=counts_t[-1],
            migration=migration,
        )
        women = 0.5 * (P[1, 1:] + f.end[1, 1:])
        baseline_births = tfr_base_t * (women * schedule[1:]).sum()
        famine_total = f.famine_deaths.sum() + f.famine_infant_deaths.sum()
        return f.end, f.births, cohort.total_deaths(f), famine_total, baseline_births

    (pops, births, deaths, famine_total, baseline_births) = pytensor.scan(
        step,
        sequences=[S, S_birth, tfr, tfr_base, intensity, counts, pt.as_tensor(in_emigration)],
        outputs_info=[P0, None, None, None, None],
        non_sequences=[male_share, emigration],
        return_updates=False,
    )
    return {
        "population": pt.concatenate([P0[None], pops], axis=0),
        "births": births,
        "deaths": deaths,
        "baseline_births": baseline_births,
        "excess": pt.concatenate([famine_total[None, :], counts.T], axis=0),
        "initial": P0,
        "flows": None,
    }


def _undercount_rate(params):
    """[..., 1, age] share of each age the 1926 census missed."""
    young = params["undercount_1926_ages_0_2"][..., None]
    other = params["undercount_1926_other_ages"][..., None]
    mask = (AGES <= 2).astype(float)
    return (young * mask + other * (1.0 - mask))[..., None, :]


def _vector_prior(scenario: Scenario, name: str, dim: str, size: int):
    """A prior with one value per element of ``dim``; scalar parameters are broadcast and a
    list must have ``size`` values."""
    prior = scenario.prior(name)
    params = {}
    for key, value in prior.parameters.items():
        arr = np.asarray(value, dtype=float)
        if arr.ndim == 1 and arr.size != size:
            raise ScenarioError(
                f"scenario '{scenario.name}': prior '{name}' parameter '{key}' has {arr.size} "
                f"values; it needs one per {dim} ({size}) or a single number"
            )
        params[key] = arr if arr.ndim else float(arr)
    return getattr(pm, prior.distribution)(name, **params, dims=dim, shape=(size,))


def _scalar_prior(scenario: Scenario, name: str):
    prior = scenario.prior(name)
    for key, value in prior.parameters.items():
        if np.ndim(value):
            raise ScenarioError(
                f"scenario '{scenario.name}': prior '{name}' takes a single number for "
                f"'{key}', not a list"
            )
    return prior.create_variable(name)


def coords() -> dict:
    return {
        "sex": list(SEXES),
        "age": AGES,
        "age_group": GROUP_LABELS,
        "year": YEARS,
        "date": DATES,
        "cause": list(CAUSES),
        "collapse_year": COLLAPSE_YEARS,
        "registration_year": np.arange(1931, 1934),
        **{f"{c}_year": np.arange(CAUSE_YEARS[c][0], CAUSE_YEARS[c][1] + 1) for c in CAUSES},
    }


def build_engine_model(
    observations: xr.Dataset, scenario: Scenario, inputs: Inputs | None = None
) -> pm.Model:
    """Build the 1927-1939 cohort-component model.

    Parameters
    ----------
    observations : xarray.Dataset
        From :func:`stalin_mortality.data.load_observations`.
    scenario : Scenario
        Priors, from :func:`stalin_mortality.scenarios.load_scenario`.
    inputs : Inputs, optional
        Use these instead of ``make_inputs(observations)`` (e.g. simulated observations in
        the recovery test).
    """
    inputs = inputs or make_inputs(observations)
    with pm.Model(coords=coords()) as model:
        params = {}
        for name in SCALAR_PARAMS:
            params[name] = _scalar_prior(scenario, name)
        params["fertility_collapse"] = _vector_prior(
            scenario, "fertility_collapse", "collapse_year", len(COLLAPSE_YEARS)
        )
        for cause in CAUSES:
            lo, hi = CAUSE_YEARS[cause]
            params[PRIOR_OF_CAUSE[cause]] = _vector_prior(
                scenario, PRIOR_OF_CAUSE[cause], f"{cause}_year", hi - lo + 1
            )
        out = simulate(params, inputs)

        # ---- quantities kept in the trace (everything else is computed draw by draw
        # from these parameters by stalin_mortality.estimands) ----
        pm.Deterministic("excess_deaths", out["excess"], dims=("cause", "year"))
        pm.Deterministic("births", out["births"], dims="year")
        pm.Deterministic("lost_births", out["baseline_births"] - out["births"], dims="year")
        pm.Deterministic("population_total", out["population"].sum(axis=(-2, -1)), dims="date")
        pm.Deterministic("undercount_1926", (out["initial"] - inputs.census_1926).sum())

        # ---- censuses by sex and 5-year age group ----
        noise = _scalar_prior(scenario, "census_age_noise")
        coverage = {y: _scalar_prior(scenario, f"coverage_{y}") for y in CENSUS_YEARS}
        padding = _scalar_prior(scenario, "padding_1939")
        for year in CENSUS_YEARS:
            true = group_ages(out["population"][year - FIRST_YEAR], xp=pt)
            factor = coverage[year] * (1.0 + padding) if year == 1939 else coverage[year]
            pm.Normal(
                f"census_{year}",
                mu=pt.log(true * factor),
                sigma=noise,
                observed=np.log(inputs.census_grouped[year]),
                dims=("sex", "age_group"),
            )
        true_1939 = out["population"][1939 - FIRST_YEAR].sum()
        pm.Deterministic("padding_1939_persons", true_1939 * coverage[1939] * padding)

        # ---- registered births and deaths ----
        first_year_pop = 0.5 * (out["population"][0].sum() + out["population"][1].sum())
        deaths_total = out["deaths"]  # [year]
        for kind, flow in (("birth", out["births"][0]), ("death", deaths_total[0])):
            complete = _scalar_prior(scenario, f"{kind}_registration_completeness")
            observed = inputs.registered_1926[f"{kind}_rate"]
            pm.Normal(
                f"registered_{kind}_rate_1926",
                mu=complete * flow / first_year_pop,
                sigma=REGISTERED_ERROR * observed,
                observed=observed,
            )
        for kind, series in (("birth", out["births"]), ("death", deaths_total)):
            complete = _vector_prior(
                scenario, f"{kind}_registration_completeness_1931_33", "registration_year", 3
            )
            reg = inputs.registered_events[f"{kind}s"]
            years = sorted(reg)
            idx = [y - FIRST_YEAR for y in years]
            pm.Normal(
                f"registered_{kind}s_1931_33",
                mu=pt.log(complete * series[idx]),
                sigma=REGISTERED_ERROR,
                observed=np.log([reg[y] for y in years]),
                dims="registration_year",
            )

        # ---- archival counts ----
        for cause in ("executions", "gulag", "dekulakisation"):
            records = [r for r in inputs.archival if r[0] == cause]
            if not records:
                continue
            complete = _scalar_prior(scenario, f"archival_completeness_{cause}")
            lo = CAUSE_YEARS[cause][0]
            excess = params[PRIOR_OF_CAUSE[cause]]
            expected = pt.stack([excess[r[1] - lo : r[2] - lo + 1].sum() for r in records])
            pm.Normal(
                f"archival_{cause}",
                mu=pt.log(complete * expected),
                sigma=ARCHIVAL_LOG_SD,
                observed=np.log([r[3] for r in records]),
            )
    model.engine_inputs = inputs  # for estimands and tests
    return model
