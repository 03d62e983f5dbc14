"""The demographic account of a window: parameters -> population, births, deaths, excess.

:func:`simulate` runs on PyTensor tensors (the model: the year loop is one
``pytensor.scan``) and on numpy arrays with leading draw dimensions (estimands from a saved
posterior: a Python loop).  Both call the same :func:`cohort.year_step`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from ..exceptions import DataValidationError
from ..window import Window
from . import cohort
from .components import baseline, causes, fertility, flows, initial


@dataclass
class Inputs:
    """Fixed numbers the account and its observation models need: derived from the
    observations (:func:`make_inputs`) or simulated (the recovery and calibration tests),
    and saved with every result (:meth:`to_dataset`)."""

    initial: np.ndarray  # [sex, age] the initial census
    y_std: np.ndarray  # [sex, 1..100] Brass logit of the standard table
    schedule: np.ndarray  # [age] fertility schedule (sums to 1)
    #: census year -> [sex, age group] observed (army included; single years smoothed first
    #: where the census has ``smooth_ages``)
    census_observed: dict
    registered_rates: dict  # ("birth"|"death") -> crude rate per person-year
    registered_events: dict  # ("births"|"deaths") -> {year: count}
    archival: list  # (cause, first_year, last_year, count, label)
    #: cause -> {year: average population} of the series with ``stock`` (custodial_stocks.csv)
    custodial_stock: dict = field(default_factory=dict)
    #: [sex] the standard table's a0 (L0 = l1 + a0 (1 - l1)) and e100 (the open group's
    #: person-years per survivor to 100); None: the round values 0.3 and 2.5 that results
    #: saved before they were read from the table used
    a0: np.ndarray | None = None
    e100: np.ndarray | None = None
    #: {year: crude birth rate per person-year} of a reconstruction (ADH)
    reconstructed_birth_rates: dict = field(default_factory=dict)
    #: (first year, last year, share of the first year covered, births) of a reconstruction
    reconstructed_births: list = field(default_factory=list)
    #: {year: crude death rate per person-year} of the same reconstruction in its rate years:
    #: observed in the window's ``death_rate_years``, the others held out (checked against
    #: the posterior by ``checks.series_checks``, never observed)
    reconstructed_death_rates: dict = field(default_factory=dict)
    #: [sex] births at age 0 that :func:`initial_carry` added to ``initial`` (born after the
    #: census date, so the census's undercount does not apply to them); None: results saved
    #: before 8 December, whose ``initial`` was grown at every age alike
    initial_births: np.ndarray | None = None

    @property
    def table_ends(self) -> tuple:
        """``(a0, e100)`` for :func:`cohort.brass_person_years`."""
        a0 = cohort.A0 if self.a0 is None else self.a0
        return a0, cohort.E100 if self.e100 is None else self.e100

    def to_dataset(self) -> xr.Dataset:
        ds = xr.Dataset(
            {
                "initial": (("sex", "age"), self.initial),
                "y_std": (("sex", "age_from_1"), self.y_std),
                "schedule": (("age",), self.schedule),
            }
        )
        for year, arr in self.census_observed.items():
            ds[f"census_observed_{year}"] = (("sex", "age_group"), arr)
        for kind, rate in self.registered_rates.items():
            ds[f"registered_{kind}_rate"] = rate
        for event, series in self.registered_events.items():
            ds = _with_series(ds, f"registered_{event}", series)
        ds = _with_records(ds, self.archival, *ARCHIVAL_RECORD)
        for cause, by_year in self.custodial_stock.items():
            ds = _with_series(ds, f"custodial_stock_{cause}", by_year)
        if self.reconstructed_birth_rates:
            ds = _with_series(ds, "reconstructed_birth_rate", self.reconstructed_birth_rates)
        if self.reconstructed_death_rates:
            ds = _with_series(ds, "reconstructed_death_rate", self.reconstructed_death_rates)
        ds = _with_records(ds, self.reconstructed_births, *BIRTHS_RECORD)
        if self.a0 is not None:
            ds["life_table_a0"] = (("sex",), np.asarray(self.a0, dtype=float))
        if self.e100 is not None:
            ds["life_table_e100"] = (("sex",), np.asarray(self.e100, dtype=float))
        if self.initial_births is not None:
            ds["initial_births"] = (("sex",), np.asarray(self.initial_births, dtype=float))
        return ds

    @classmethod
    def from_dataset(cls, ds: xr.Dataset) -> Inputs:
        names = [str(k) for k in ds.data_vars]
        census = {
            int(k.rsplit("_", 1)[1]): ds[k].values
            for k in names
            if k.startswith("census_observed_")
        }
        rates = {
            k[len("registered_") : -len("_rate")]: float(ds[k])
            for k in names
            if k.startswith("registered_") and k.endswith("_rate")
        }
        events = {
            k[len("registered_") :]: _series_of(ds[k])
            for k in names
            if k.startswith("registered_") and not k.endswith("_rate")
        }
        stock = {
            k[len("custodial_stock_") :]: _series_of(ds[k])
            for k in names
            if k.startswith("custodial_stock_")
        }
        return cls(
            initial=ds["initial"].values,
            y_std=ds["y_std"].values,
            schedule=ds["schedule"].values,
            census_observed=census,
            registered_rates=rates,
            registered_events=events,
            archival=_records_of(ds, *ARCHIVAL_RECORD),
            custodial_stock=stock,
            a0=ds["life_table_a0"].values if "life_table_a0" in ds else None,
            e100=ds["life_table_e100"].values if "life_table_e100" in ds else None,
            reconstructed_birth_rates=(
                _series_of(ds["reconstructed_birth_rate"])
                if "reconstructed_birth_rate" in ds
                else {}
            ),
            reconstructed_death_rates=(
                _series_of(ds["reconstructed_death_rate"])
                if "reconstructed_death_rate" in ds
                else {}
            ),
            reconstructed_births=_records_of(ds, *BIRTHS_RECORD),
            initial_births=ds["initial_births"].values if "initial_births" in ds else None,
        )


#: How a list of tuples of :class:`Inputs` is saved: its dimension, the saved name and type
#: of each field in the tuple's order, and the field saved as the variable (the others are
#: its coordinates).
ARCHIVAL_RECORD = (
    "archival_record",
    (
        ("archival_cause", str),
        ("archival_first", int),
        ("archival_last", int),
        ("archival_count", float),
        ("archival_label", str),
    ),
    "archival_count",
)
BIRTHS_RECORD = (
    "births_period",
    (
        ("births_first_year", int),
        ("births_last_year", int),
        ("births_first_year_share", float),
        ("reconstructed_births", float),
    ),
    "reconstructed_births",
)


def _with_records(ds: xr.Dataset, rows: list, dim: str, fields, value: str) -> xr.Dataset:
    """``ds`` with ``rows`` (tuples) along ``dim``: the field ``value`` as a variable, the
    others as its coordinates (:data:`ARCHIVAL_RECORD`); unchanged when there are none."""
    if not rows:
        return ds
    columns = zip(*rows, strict=True)
    arrays = {
        name: (dim, np.asarray(col, dtype=kind))
        for (name, kind), col in zip(fields, columns, strict=True)
    }
    ds[value] = arrays.pop(value)
    return ds.assign_coords(arrays)


def _records_of(ds: xr.Dataset, dim: str, fields, value: str) -> list:
    """The tuples :func:`_with_records` wrote (none if ``value`` is not in ``ds``)."""
    if value not in ds:
        return []
    columns = [ds[name].values for name, _ in fields]
    return [
        tuple(kind(col[i]) for (_, kind), col in zip(fields, columns, strict=True))
        for i in range(ds.sizes[dim])
    ]


def _with_series(ds: xr.Dataset, name: str, by_year: dict) -> xr.Dataset:
    """``ds`` with ``{year: value}`` as the variable ``name`` along ``<name>_year``."""
    years = sorted(by_year)
    ds[name] = ((f"{name}_year",), np.array([by_year[y] for y in years], dtype=float))
    return ds.assign_coords({f"{name}_year": years})


def _series_of(da: xr.DataArray) -> dict:
    """``{year: value}`` of a one-dimensional variable written by :func:`_with_series`."""
    return {int(y): float(v) for y, v in zip(da[da.dims[0]].values, da.values, strict=True)}


#: The share of boys among the births carried into the initial population (the fertility
#: component's prior mean of the sex ratio at birth).
MALE_BIRTH_SHARE = fertility.SEX_RATIO_AT_BIRTH / (1.0 + fertility.SEX_RATIO_AT_BIRTH)


def initial_rates(observations: xr.Dataset, window: Window) -> tuple[float, float]:
    """The reconstructed crude birth and death rates of the initial census's year (ADH
    1993, 1926: 45.6 and 25.5 per 1000), which carry it to the window's first 1 January."""
    c = window.initial_census
    rates = observations["reconstructed_rate"]
    years = [int(y) for y in rates["reconstructed_rate_year"].values]
    row = rates.sel(reconstructed_rate_year=c.year) if c.year in years else None
    if row is None or not np.isfinite(row.sel(measure=["birth_rate", "death_rate"])).all():
        raise DataValidationError(
            "vital_rates.csv",
            f"the window {window.name} dates its initial census {c.date}: it needs the "
            f"reconstructed birth and death rates of {c.year} to carry it to 1 Jan "
            f"{window.first_year}",
        )
    return float(row.sel(measure="birth_rate")), float(row.sel(measure="death_rate"))


def initial_carry(
    counts: np.ndarray, observations: xr.Dataset, window: Window
) -> tuple[np.ndarray, np.ndarray]:
    """The initial census ``counts[sex, age]`` carried from its date to the window's first
    1 January (17 Dec 1926 to 1 Jan 1927: 15 days) at its year's reconstructed crude rates:
    the period's births (``birth rate * days * total``, boys :data:`MALE_BIRTH_SHARE`) join
    age 0, and its deaths (``death rate * days * total``) leave every age in proportion to
    its count times the standard life table's hazard at that age.  (Until 8 December every
    age was grown alike at the natural increase, which put most of the births at ages
    above 0.)  The 15 days' ageing is left out: the census's ages stand for ages on 1
    January.  Returns the carried counts and the births ``[sex]`` (added at age 0; the
    census's undercount is not applied to them, :func:`initial.population`); ``counts`` and
    no births when the census has no date."""
    c = window.initial_census
    if not c.offset_days:
        return counts, np.zeros(counts.shape[0])
    birth_rate, death_rate = initial_rates(observations, window)
    span = -c.offset  # years from the census date to 1 January
    total = counts.sum()
    lx = (
        observations["life_table_lx"]
        .sel(life_table=window.standard_life_table)
        .transpose("sex", "age")
        .values
    )
    hazard = -np.log(lx[:, 1:] / lx[:, :-1])
    hazard = np.concatenate([hazard, hazard[:, -1:]], axis=1)[:, : counts.shape[1]]
    deaths = counts * hazard
    deaths *= death_rate * span * total / deaths.sum()
    out = counts - deaths
    births = birth_rate * span * total * np.array([MALE_BIRTH_SHARE, 1.0 - MALE_BIRTH_SHARE])
    out[:, 0] += births
    return out, births


def make_inputs(observations: xr.Dataset, window: Window) -> Inputs:
    """The account's fixed inputs for ``window`` from the observations Dataset."""
    counts = observations["census_count"]
    initial_pop = counts.sel(census=window.initial_census.year).transpose("sex", "age").values
    initial_pop = smooth_heaping(initial_pop.astype(float), window.initial_census.smooth_ages)
    initial_pop, initial_births = initial_carry(initial_pop, observations, window)
    lt = observations["life_table_lx"].sel(life_table=window.standard_life_table)
    lx = lt.transpose("sex", "age").values / 1e5
    a0, e100 = cohort.table_ends(
        *(
            observations[f"life_table_{c}"]
            .sel(life_table=window.standard_life_table)
            .transpose("sex", "age")
            .values
            for c in ("lx", "Lx", "Tx")
        )
    )
    census = {}
    for spec in window.observed_censuses:
        c = counts.sel(census=spec.year).transpose("sex", "age").values.astype(float).copy()
        c = smooth_heaping(c, spec.smooth_ages)
        if spec.army_ages is not None:
            army = float(observations["army"].sel(census=spec.year))
            lo, hi = spec.army_ages
            c[0, lo : hi + 1] += army * c[0, lo : hi + 1] / c[0, lo : hi + 1].sum()
        census[spec.year] = window.group_ages(c)
    rates, events = {}, {}
    for series in window.registration:
        if series.kind == "rates":
            year = series.years[0]
            for kind in ("birth", "death"):
                rates[kind] = float(
                    observations["registered_rate"].sel(rate_year=year, measure=f"{kind}_rate")
                )
        else:
            ev = observations["registered_events"]
            for event in ev["event"].values:
                row = ev.sel(event=event)
                events[str(event)] = {
                    int(y): float(v)
                    for y, v in zip(row["year_registered"].values, row.values, strict=True)
                    if series.years[0] <= int(y) <= series.years[1] and np.isfinite(v)
                }
                missing = sorted(set(series.year_list.tolist()) - set(events[str(event)]))
                if missing:
                    raise DataValidationError(
                        "vital_events.csv",
                        f"the window {window.name} observes registered {event} in "
                        f"{series.years[0]}-{series.years[1]}; no count for {missing}",
                    )
    archival = archival_records(observations, window)
    rec_rates, rec_births, rec_deaths = reconstructed(observations, window)
    return Inputs(
        initial=initial_pop,
        y_std=cohort.brass_logit_standard(lx),
        schedule=fertility.schedule(observations["asfr"], window.fertility_schedule_years),
        census_observed=census,
        registered_rates=rates,
        registered_events=events,
        archival=archival,
        custodial_stock=custodial_stocks(observations, window, archival),
        a0=a0,
        e100=e100,
        reconstructed_birth_rates=rec_rates,
        reconstructed_births=rec_births,
        reconstructed_death_rates=rec_deaths,
        initial_births=initial_births,
    )


def reconstructed(observations: xr.Dataset, window: Window) -> tuple[dict, list, dict]:
    """The reconstructed births ``window`` observes (``[reconstructed_births]``): the crude
    birth rates by year, the totals over years, and the same reconstruction's crude death
    rates of the rate years where it has them (observed in ``death_rate_years``, the others
    held out; see :class:`Inputs`)."""
    spec = window.reconstructed_births
    if spec is None:
        return {}, [], {}
    if "reconstructed_rate" not in observations:
        raise DataValidationError(
            "vital_rates.csv",
            f"the window {window.name} observes reconstructed births; these observations "
            "(saved before the library read them) carry none",
        )
    rate = observations["reconstructed_rate"]

    def rates_of(measure: str, needed) -> dict:
        """The reconstructed rates of ``measure`` by year; an error naming the years of
        ``needed`` that have none."""
        have = _series_of(rate.sel(measure=measure).dropna(rate.dims[0]))
        missing = [y for y in needed if y not in have]
        if missing:
            raise DataValidationError(
                "vital_rates.csv",
                f"the window {window.name} observes the reconstructed "
                f"{measure.replace('_', ' ')} of {missing}; no row of kind 'reconstructed' "
                "for it",
            )
        return have

    have = rates_of("birth_rate", spec.rate_years)
    totals = []
    births = observations["births_reconstructed"]
    for lo, hi in spec.total_years:
        hit = (births["births_first_year"] == lo) & (births["births_last_year"] == hi)
        if not bool(hit.any()):
            raise DataValidationError(
                "births_reconstructed.csv",
                f"the window {window.name} observes the births of {lo}-{hi}; no row for them",
            )
        row = births.where(hit, drop=True)
        share = float(row["births_first_year_share"].values[0])
        totals.append((lo, hi, share, float(row.values[0])))
    # the same reconstruction's death rates of those years: observed in death_rate_years,
    # held out in the others
    dead = rates_of("death_rate", spec.death_rate_years)
    deaths = {y: v for y, v in dead.items() if y in spec.rate_years}
    return {y: have[y] for y in spec.rate_years}, totals, deaths


def custodial_stocks(observations: xr.Dataset, window: Window, archival: list) -> dict:
    """``{cause: {year: stock}}`` for every year of every record of a series with ``stock``
    (``custodial_stocks.csv``); a record year without a stock is an error."""
    out = {}
    da = observations.get("custodial_stock")
    for spec in window.archival:
        if not spec.stock:
            continue
        years = sorted({y for r in archival if r[0] == spec.cause for y in range(r[1], r[2] + 1)})
        have = {}
        if da is not None and spec.cause in da["stock_cause"].values:
            row = da.sel(stock_cause=spec.cause)
            have = {
                int(y): float(v)
                for y, v in zip(row["stock_year"].values, row.values, strict=True)
                if np.isfinite(v)
            }
        missing = [y for y in years if y not in have]
        if missing:
            raise DataValidationError(
                "custodial_stocks.csv",
                f"the window {window.name} adds the baseline deaths of the {spec.cause} "
                f"stock to its archival records; no stock for {missing}",
            )
        out[spec.cause] = {y: have[y] for y in years}
    return out


def smooth_heaping(counts: np.ndarray, ages: tuple[int, int] | None) -> np.ndarray:
    """``counts[sex, age]`` with ages ``ages[0]..ages[1]`` replaced by their centred 5-year
    moving average, rescaled so that those ages keep their count: every window of five
    single years holds one age ending in 0 or 5, so digit heaping is averaged out."""
    if ages is None:
        return counts
    lo, hi = ages
    out = counts.copy()
    kernel = np.ones(5) / 5.0
    for s in range(counts.shape[0]):
        smooth = np.convolve(counts[s], kernel, mode="same")[lo : hi + 1]
        out[s, lo : hi + 1] = smooth * counts[s, lo : hi + 1].sum() / smooth.sum()
    return out


def archival_records(observations: xr.Dataset, window: Window) -> list:
    """The archival rows each of the window's series observes: the series' measure, years
    inside the cause's years (rows spanning other years are not comparable)."""
    rec = observations["archival_records"]
    wanted = {(a.cause, a.measure): a.coverage for a in window.archival}
    out = []
    for i in range(rec.sizes["record"]):
        cause = str(rec["record_cause"].values[i])
        measure = str(rec["record_measure"].values[i])
        first, last = int(rec["record_year_start"].values[i]), int(rec["record_year_end"].values[i])
        if (cause, measure) not in wanted:
            continue
        coverage = wanted[(cause, measure)]
        if coverage is not None and str(rec["record_label"].values[i]) not in coverage:
            continue
        lo, hi = window.cause(cause).years
        if first < lo or last > hi:
            continue
        label = str(rec["record_label"].values[i])
        out.append((cause, first, last, float(rec.values[i]), label))
    return _sum_parts(out, window)


def _sum_parts(records: list, window: Window) -> list:
    """A series that picks several rows by ``coverage`` observes their sum, one record per
    span of years (the rows are parts of one population: each alone is not the cause's)."""
    out: list = []
    parts: dict = {}
    several = {a.cause for a in window.archival if a.coverage is not None and len(a.coverage) > 1}
    for r in records:
        if r[0] in several:
            parts.setdefault((r[0], r[1], r[2]), []).append(r)
        else:
            out.append(r)
    for (cause, first, last), rows in parts.items():
        label = "sum of: " + "; ".join(r[4] for r in rows)
        out.append((cause, first, last, float(sum(r[3] for r in rows)), label))
    return out


def simulate(
    params: dict,
    inputs: Inputs,
    window: Window,
    counterfactual: bool = False,
    detail: bool = False,
) -> dict:
    """Run the account for one parameter set (PyTensor) or a batch of draws (numpy).

    ``params`` maps the names of :func:`components.account_parameters` to arrays with
    optional leading batch dims (numpy only).  ``counterfactual=True`` removes every excess
    death and every crisis deviation of fertility (migration kept): the population without
    the crises.

    Returns a dict of ``population`` [..., date, sex, age], ``births``,
    ``baseline_births`` (the same women at baseline fertility) and ``deaths`` [..., year],
    ``excess`` [..., cause, year] (window order), ``initial`` [..., sex, age] and ``flows``
    (one :class:`cohort.YearFlows` per year, numpy only); with ``detail`` (numpy only) also
    ``deaths_by_sex`` [..., year, sex] and ``excess_by_age`` [..., cause, year, sex, age]
    (each year's ``flows[i].cause_deaths`` is then None: those deaths are in
    ``excess_by_age``)
    (deaths of the year's births counted at age 0).
    """
    xp = cohort._xp(*params.values())
    S, S_birth = baseline.survival(params, window, inputs)
    tfr = fertility.tfr(params, window, xp, crisis=not counterfactual)
    tfr_base = fertility.tfr(params, window, xp, crisis=False)
    P0 = initial.population(params, window, inputs.initial, inputs.initial_births)
    sr = params["sex_ratio_at_birth"]
    emigration = flows.net_emigration(params, window, xp)
    hazards = counts = None
    weights = pattern = None
    if not counterfactual:
        hazards = causes.by_year(params, window, window.hazard_causes, xp)
        counts = causes.by_year(params, window, causes.count_order(window), xp)
        weights, pattern = causes.hazard_weights(params, window, xp), causes.patterns(window)
    n_prop = 0 if counterfactual else len(window.proportional_causes)
    n_hazard = 0 if counterfactual else len(window.hazard_causes)
    if xp is not np:
        if counterfactual or detail:
            raise ValueError("the PyTensor path computes the actual account only")
        return _scan(
            inputs, window, P0, S, S_birth, tfr, tfr_base, hazards, counts, sr, emigration, weights
        )

    const = cohort.StepConstants(
        inputs.schedule,
        sr / (1.0 + sr),
        weights,
        pattern,
        n_prop,
        n_hazard or None,
        flows.age_masks(window),
    )
    P = P0
    populations, steps = [P0], []
    by_age = h_pos = c_pos = None
    by_sex: list = []
    if detail and not counterfactual:
        # excess deaths by cause, year, sex and age, written in place year by year (stacking
        # per-year arrays and then reordering the causes copied this, the largest array of
        # the estimands, three times)
        order = [c.name for c in window.causes]
        h_pos = [order.index(c.name) for c in window.hazard_causes]
        c_pos = [order.index(c.name) for c in causes.count_order(window)]
        n_causes = len(order)
    for i in range(len(window.years)):
        step = cohort.year_step(
            P,
            S[..., i, :, :],
            S_birth[..., i, :],
            tfr[..., i],
            tfr_base[..., i],
            None if hazards is None else hazards[..., i, :],
            None if counts is None else counts[..., i, :],
            None if emigration is None else emigration[..., i, :],
            const,
            detail=detail,
        )
        steps.append(step)
        if detail and not counterfactual:  # returned only with the actual account
            by_sex.append(cohort.deaths_by_sex(step.flows))
        if h_pos is not None:
            if by_age is None:
                end = step.flows.end
                by_age = np.zeros((*end.shape[:-2], n_causes, len(window.years), *end.shape[-2:]))
            if h_pos:
                by_age[..., h_pos, i, :, :] = step.hazard_by_age
            if c_pos:
                by_age[..., c_pos, i, :, :] = step.flows.cause_deaths
                step.flows.cause_deaths = None  # kept once, in by_age
            step.hazard_by_age = None
        P = step.flows.end
        populations.append(P)
    flows_ = [s.flows for s in steps]
    out = {
        "population": np.stack(populations, axis=-3),
        "births": np.stack([f.births for f in flows_], axis=-1),
        "deaths": np.stack([cohort.total_deaths(f) for f in flows_], axis=-1),
        "baseline_births": np.stack([s.baseline_births for s in steps], axis=-1),
        "initial": P0,
        "flows": flows_,
    }
    if not counterfactual:
        hazard_totals = None
        if hazards is not None:
            hazard_totals = np.stack([s.hazard_totals for s in steps], axis=-1)  # [..., h, year]
        out["excess"] = _in_window_order(
            window, hazard_totals, None if counts is None else np.moveaxis(counts, -1, -2), np
        )
        if detail:
            out["deaths_by_sex"] = np.stack(by_sex, axis=-2)
            out["excess_by_age"] = by_age
    return out


def _in_window_order(window: Window, hazard, count, xp, axis: int = -2):
    """Stack per-cause arrays (hazard causes from ``hazard``, count causes from ``count``,
    both with the cause on ``axis``) in the window's cause order."""
    hazard_index = {c.name: i for i, c in enumerate(window.hazard_causes)}
    count_index = {c.name: i for i, c in enumerate(causes.count_order(window))}
    parts = []
    for c in window.causes:
        if c.name in hazard_index:
            parts.append(xp.take(hazard, hazard_index[c.name], axis=axis))
        else:
            parts.append(xp.take(count, count_index[c.name], axis=axis))
    return xp.stack(parts, axis=axis)


def _scan(inputs, window, P0, S, S_birth, tfr, tfr_base, hazards, counts, sr, emigration, weights):
    """The model's path: the year loop as one ``pytensor.scan`` over :func:`cohort.year_step`
    (one compiled step instead of one unrolled copy a year: much faster to compile)."""
    import pytensor
    import pytensor.tensor as pt

    pattern = causes.patterns(window)
    n_prop = len(window.proportional_causes)
    n_hazard = len(window.hazard_causes)
    schedule = pt.as_tensor(inputs.schedule)
    pattern_t = None if pattern is None else pt.as_tensor(pattern)
    masks = flows.age_masks(window)
    masks_t = None if masks is None else pt.as_tensor(masks)
    extra = [] if weights is None else [pt.as_tensor(weights)]
    optional = {"hazards": hazards, "counts": counts, "emigration": emigration}
    present = [k for k, v in optional.items() if v is not None]

    def step(S_t, Sb_t, tfr_t, tfr_base_t, *rest):
        seq = dict(zip(present, rest[: len(present)], strict=True))
        P, male_share, *weights_t = rest[len(present) :]
        const = cohort.StepConstants(
            schedule,
            male_share,
            weights_t[0] if weights_t else None,
            pattern_t,
            n_prop,
            n_hazard or None,
            masks_t,
        )
        r = cohort.year_step(
            P,
            S_t,
            Sb_t,
            tfr_t,
            tfr_base_t,
            seq.get("hazards"),
            seq.get("counts"),
            seq.get("emigration"),
            const,
        )
        hazard_totals = r.hazard_totals if r.hazard_totals is not None else pt.zeros((0,))
        f = r.flows
        return f.end, f.births, cohort.total_deaths(f), hazard_totals, r.baseline_births

    (pops, births, deaths, hazard_totals, baseline_births) = pytensor.scan(
        step,
        sequences=[S, S_birth, tfr, tfr_base, *(optional[k] for k in present)],
        outputs_info=[P0, None, None, None, None],
        non_sequences=[sr / (1.0 + sr), *extra],
        return_updates=False,
    )
    return {
        "population": pt.concatenate([P0[None], pops], axis=0),
        "births": births,
        "deaths": deaths,
        "baseline_births": baseline_births,
        "excess": _in_window_order(
            window,
            None if hazards is None else hazard_totals.T,
            None if counts is None else counts.T,
            pt,
        ),
        "initial": P0,
        "flows": None,
    }
