"""Estimands of a window's account, computed draw by draw from saved parameter draws.

Nothing here is computed from posterior means: each draw of the parameters is run through
the same arithmetic as the model (:func:`stalin_mortality.model.account.simulate`, on numpy
arrays with a leading draw dimension) and every estimand is a function of that draw.  The
result keeps the ``chain`` and ``draw`` dimensions, so ArviZ diagnostics work on any
estimand.  The contract (what each name means, its units, its period) is
``docs/estimands.md``.

The definition ladder is defined by the causes' tags (``window.CAUSE_TAGS``): only causes
tagged ``regime`` ever enter a rung; ``war`` and ``residual`` causes never do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from .exceptions import ResultsError
from .model import account, cohort
from .model.cohort import person_years
from .model.components import account_parameters, baseline, census, fertility, flows, registration
from .window import Window


@dataclass(frozen=True)
class Rung:
    """A rung of the definition ladder: regime causes carrying any of ``tags`` (``None``:
    every regime cause), plus lost births when ``lost_births``, plus the residual causes
    (excess deaths no named cause explains) when ``residual``."""

    rung: str
    label: str
    tags: tuple[str, ...] | None
    lost_births: bool = False
    residual: bool = False


LADDER = (
    Rung("1", "executions", ("executions",)),
    Rung("2", "+ custodial deaths", ("executions", "custodial")),
    Rung("3", "+ famine deaths", ("executions", "custodial", "famine")),
    Rung("4", "+ other regime excess deaths = all excess deaths attributed to the regime", None),
    Rung("5", "+ lost births = the demographic loss", None, lost_births=True),
    Rung("4r", "rung 4 + excess deaths not attributed to a regime cause", None, residual=True),
    Rung("5r", "rung 5 + excess deaths not attributed", None, lost_births=True, residual=True),
)


def rung_causes(window: Window, rung: Rung) -> list[str]:
    """The window's causes a rung counts (regime causes, and residual ones for the ``r``
    rungs; never ``war``).  A regime cause with ``ladder_years`` counts only in those years
    (see :func:`rung_terms`)."""
    return list(dict.fromkeys(name for name, _ in rung_terms(window, rung)))


def rung_terms(window: Window, rung: Rung) -> list[tuple[str, list[int] | None]]:
    """``(cause, years)`` a rung sums: ``years`` ``None`` for all the cause's years.

    A regime cause with ``ladder_years`` enters its rungs over those years only; the
    ``r`` rungs add its other years (its margin) with the residual causes, since those
    deaths are excess deaths the model does not attribute to the cause."""
    regime = [c for c in window.causes if c.has("regime")]
    chosen = (
        regime if rung.tags is None else [c for c in regime if any(c.has(t) for t in rung.tags)]
    )
    terms: list[tuple[str, list[int] | None]] = []
    for c in chosen:
        if c.ladder_years is None:
            terms.append((c.name, None))
        else:
            lo, hi = c.ladder_years
            terms.append((c.name, list(range(lo, hi + 1))))
    if rung.residual:
        terms += [(c.name, c.margin_years) for c in regime if c.margin_years]
        terms += [(c.name, None) for c in window.causes if c.has("residual")]
    return terms


def cause_ladder_label(cause) -> str:
    """The label of the part of a cause the ladder counts."""
    return cause.ladder_label or cause.label


def margin_label(cause) -> str:
    """The label of a cause's deaths outside its ``ladder_years``, e.g.
    ``famine-years hazard 1930-34 in 1930 and 1934`` (deaths the ladder does not attribute
    to the cause)."""
    years = [str(y) for y in cause.margin_years]
    if not years:
        return f"{cause.label}: no years outside the ladder"
    text = years[0] if len(years) == 1 else ", ".join(years[:-1]) + " and " + years[-1]
    return f"{cause.label} in {text}"


def rung_labels(window: Window) -> dict[str, str]:
    """Each rung's label with the causes it adds, e.g. ``+ custodial deaths
    (dekulakisation, Gulag, deportations)``."""
    out, before = {}, set()
    for r in LADDER:
        terms = rung_terms(window, r)
        added = []
        for name, years in terms:
            key = (name, None if years is None else tuple(years))
            if key in before:
                continue
            c = window.cause(name)
            if c.ladder_years is not None and years == c.margin_years:
                added.append(margin_label(c))
            else:
                added.append(cause_ladder_label(c))
            before.add(key)
        out[r.rung] = (
            r.label
            if r.rung in ("1", "5", "5r") or not added
            else f"{r.label} ({', '.join(added)})"
        )
    return out


def parameter_draws(
    tree: xr.DataTree, window: Window, group: str = "posterior"
) -> tuple[dict[str, np.ndarray], tuple[int, int]]:
    """The account's free parameters (and the padding and coverage of padded censuses) as
    arrays with one leading sample dimension (chain-major), and the (chain, draw) shape."""
    ds = tree[group].to_dataset()
    names = account_parameters(window)
    for c in window.observed_censuses:
        if c.padding:
            names += [f"padding_{c.year}", f"coverage_{c.year}"]
    names += [n for series in famine_registers(window) for n in registration_names(series)]
    missing = [n for n in account_parameters(window) if n not in ds]
    if missing:
        raise ResultsError(
            f"the {group} draws lack {', '.join(missing)}: they were not drawn from the model "
            f"of window '{window.name}'"
        )
    out = {}
    for name in names:
        if name not in ds:
            continue
        da = ds[name].transpose("chain", "draw", ...)
        out[name] = np.asarray(da.values, dtype=float).reshape(-1, *da.shape[2:])
    shape = (ds.sizes["chain"], ds.sizes["draw"])
    return out, shape


#: Draws run through the projection at once (bounds memory: about 150 MB a chunk).
CHUNK = 500


def compute(
    tree: xr.DataTree, inputs: account.Inputs, window: Window, group: str = "posterior"
) -> xr.Dataset:
    """Every estimand of ``group``, with dimensions ``chain`` and ``draw``."""
    p, (chains, draws) = parameter_draws(tree, window, group)
    ds = compute_from_params(p, inputs, window)
    out = xr.Dataset(attrs=ds.attrs)
    for name, da in ds.data_vars.items():
        rest = da.dims[1:]
        values = da.values.reshape(chains, draws, *da.shape[1:])
        out[name] = (("chain", "draw", *rest), values)
    out = out.assign_coords({k: v for k, v in ds.coords.items() if k != "sample"})
    return out.assign_coords(chain=np.arange(chains), draw=np.arange(draws))


def compute_from_params(p: dict[str, np.ndarray], inputs: account.Inputs, window: Window):
    """:func:`compute` for parameter arrays with a leading draw dimension ``sample`` (e.g.
    the known truth of a simulation); padding and coverage are optional."""
    n = next(iter(p.values())).shape[0]
    parts = [
        _compute(inputs, window, {k: v[i : i + CHUNK] for k, v in p.items()}, i)
        for i in range(0, n, CHUNK)
    ]
    ds = xr.concat(parts, dim="sample", data_vars="all") if len(parts) > 1 else parts[0]
    ds.attrs["period"] = f"{window.first_year}-{window.last_year}"
    ds.attrs["window"] = window.name
    return ds


def _compute(inputs, window: Window, p, offset) -> xr.Dataset:
    out = account.simulate(p, inputs, window, detail=True)
    cf = account.simulate(p, inputs, window, counterfactual=True)
    n = next(iter(p.values())).shape[0]
    pop_total = out["population"].sum(axis=(-2, -1))
    cf_total = cf["population"].sum(axis=(-2, -1))
    excess = out["excess"]  # [sample, cause, year]
    by_age = out["excess_by_age"]  # [sample, cause, year, sex, age]
    lost = out["baseline_births"] - out["births"]
    # births the excess dead (and the women lost with them) would have had: the
    # counterfactual's births less the actual women's births at baseline fertility
    echo = cf["births"] - out["baseline_births"]
    censuses = window.observed_censuses
    initial = window.initial_census.year
    ds = xr.Dataset(
        {
            "excess_deaths": (("sample", "cause", "year"), excess),
            "excess_deaths_by_sex": (("sample", "cause", "sex"), by_age.sum(axis=(2, 4))),
            "excess_deaths_by_age_group": (
                ("sample", "cause", "sex", "age_group"),
                window.group_ages(by_age.sum(axis=2)),
            ),
            "births": (("sample", "year"), out["births"]),
            "baseline_births": (("sample", "year"), out["baseline_births"]),
            "lost_births": (("sample", "year"), lost),
            "echo_births": (("sample", "year"), echo),
            "baseline_e0": (
                ("sample", "year", "sex"),
                baseline.life_expectancy(p, window, inputs),
            ),
            "deaths": (("sample", "year"), out["deaths"]),
            "population": (("sample", "date"), pop_total),
            "counterfactual_population": (("sample", "date"), cf_total),
            "population_shortfall": (("sample", "date"), cf_total - pop_total),
            "population_by_age_group": (
                ("sample", "census", "sex", "age_group"),
                np.stack(
                    [
                        window.group_ages(
                            window.census_population(
                                out["population"], c, census.dated_births(inputs, out)
                            )
                        )
                        for c in censuses
                    ],
                    axis=1,
                ),
            ),
            "tfr": (("sample", "year"), fertility.tfr(p, window, np)),
            "tfr_baseline": (("sample", "year"), fertility.tfr(p, window, np, crisis=False)),
            f"undercount_{initial}": (
                ("sample",),
                (out["initial"] - inputs.initial).sum(axis=(-2, -1)),
            ),
            "crude_death_rate": (
                ("sample", "year"),
                out["deaths"] / person_years(pop_total),
            ),
        },
        coords={
            "sample": np.arange(offset, offset + n),
            "cause": window.cause_names,
            "year": window.years,
            "date": window.dates,
            "sex": ["male", "female"],
            "age_group": window.age_group_labels,
            "census": [c.year for c in censuses],
        },
    )
    for c in censuses:
        if c.padding and f"padding_{c.year}" in p and f"coverage_{c.year}" in p:
            padding, coverage = p[f"padding_{c.year}"], p[f"coverage_{c.year}"]
            ds[f"padding_{c.year}"] = ("sample", padding)
            on_date = ds["population_by_age_group"].sel(census=c.year).sum(("sex", "age_group"))
            persons = on_date.values * coverage * padding
            ds[f"padding_{c.year}_persons"] = ("sample", persons)
    for series in famine_registers(window):
        level, deviation, r = registration_names(series)
        if not {level, deviation, r} <= set(p):
            continue
        missed, dip = unregistered_famine_deaths(
            excess, window, series, p[level], p[deviation], p[r]
        )
        suffix = series.completeness_suffix
        ds[f"unregistered_famine_deaths{suffix}"] = ("sample", missed)
        ds[f"famine_deaths_below_registration_rate{suffix}"] = ("sample", dip)
    ds["ladder"] = (("sample", "rung"), np.stack(_ladder(ds, window, None), axis=1))
    if window.war_birth_years is not None and window.war_birth_years[0] > window.first_year:
        ds["war_balance"] = (("sample", "balance_part"), war_balance(p, inputs, window, out))
        ds = ds.assign_coords(balance_part=list(BALANCE_PARTS))
    if window.war_causes or window.war_birth_years:
        items, values = war_losses(ds, window)
        ds["war_losses"] = (("sample", "war_item"), np.stack(values, axis=1))
        ds = ds.assign_coords(war_item=items)
    return ds.assign_coords(rung=[r.rung for r in LADDER])


def famine_registers(window: Window) -> list:
    """The registered-events series whose years have a famine cause (a famine dip)."""
    return [
        s
        for s in window.registration
        if s.kind == "events" and registration.famine_causes(window, s)
    ]


def registration_names(series) -> tuple[str, str, str]:
    """(level, yearly deviation, relative famine registration) of a series' deaths."""
    return (
        registration.level_name("death", series),
        registration.year_name("death", series),
        registration.famine_name(series),
    )


def unregistered_famine_deaths(excess, window: Window, series, level, deviation, r):
    """The famine's excess deaths of ``series``' years the civil register missed, as the
    registration model expects them: ``sum famine[t] * (1 - completeness[t] * r)``; and the
    part of it owed to the famine's lower registration alone (the dip),
    ``sum famine[t] * completeness[t] * (1 - r)``.  ``excess[sample, cause, year]``,
    ``level`` and ``r`` ``[sample]``, ``deviation`` ``[sample, series year]``."""
    famine = registration.famine_deaths(excess, window, series)
    famine = famine[:, [window.index(y) for y in series.year_list]]
    complete = registration.yearly_completeness(level, deviation)
    r = np.asarray(r)[:, None]
    # the model's own expectation of the famine deaths registered, with and without the dip
    registered = registration.expected_events("death", complete, famine, famine, r)
    alike = registration.expected_events("death", complete, famine)
    return (famine - registered).sum(-1), (alike - registered).sum(-1)


#: The parts of the war's population balance (:func:`war_balance`).
BALANCE_PARTS = ("total", "born before the war", "war-born excess deaths", "birth deficit")


def war_balance(p: dict, inputs: account.Inputs, window: Window, out: dict) -> np.ndarray:
    """``[sample, part]``: the war's population balance on 1 January after its last year
    (``[fertility] war_years``), the way ADH and Rosstat count the war's demographic losses:
    the population a projection from the actual 1 January of the war's first year would
    have had, at baseline mortality (no excess death of any cause) and the pre-war year's
    TFR (from ``war_first_year_share`` of the first year on), with the same migration, less
    the actual population.  Parts (:data:`BALANCE_PARTS`): the total; the missing of the
    cohorts born before the war's first year (ADH's excess deaths of the pre-war
    population); of the cohorts born in the war's years, the excess deaths of the births
    that happened (the same births at baseline mortality, less the actual survivors) and
    the births that did not happen, as their survivors (ADH's 12.5 M is of this kind).
    A balance counts people missing at its end, not deaths: an excess death of a person
    who would have died before the end anyway is not in it."""
    assert window.war_birth_years is not None
    lo, hi = window.war_birth_years
    share = window.war_first_year_share
    S, S_birth = baseline.survival(p, window, inputs)
    tfr = fertility.tfr(p, window, np)
    tfr_base = fertility.tfr(p, window, np, crisis=False)
    sr = p["sex_ratio_at_birth"]
    emigration = flows.net_emigration(p, window, np)
    const = cohort.StepConstants(
        inputs.schedule, sr / (1.0 + sr), None, None, 0, None, flows.age_masks(window)
    )
    ref = tfr[..., window.index(lo - 1)]

    def step(P, i, tfr_i):
        e = None if emigration is None else emigration[..., i, :]
        return cohort.year_step(
            P, S[..., i, :, :], S_birth[..., i, :], tfr_i, tfr_base[..., i], None, None, e, const
        )

    start = out["population"][..., window.index(lo), :, :]
    cf = same = start  # at the pre-war TFR; with the actual births
    for t in range(lo, hi + 1):
        i = window.index(t)
        f = share if t == lo else 1.0
        cf = step(cf, i, (1.0 - f) * tfr[..., i] + f * ref).flows.end
        # births, and so the infants alive at the year's end, are linear in TFR on given
        # women (migration moves the survivors, not the infants): one step at TFR 1, its
        # infants rescaled to the actual births
        unit = step(same, i, np.ones_like(ref)).flows
        scale = out["births"][..., i] / unit.births
        same = np.concatenate(
            [unit.end[..., :1] * scale[..., None, None], unit.end[..., 1:]], axis=-1
        )
    actual = out["population"][..., window.index(hi) + 1, :, :]
    n = hi - lo + 1  # cohorts born in the war's years are aged 0..n-1 at its end
    born_before = (cf[..., n:] - actual[..., n:]).sum(axis=(-2, -1))
    war_born = (same[..., :n] - actual[..., :n]).sum(axis=(-2, -1))
    deficit = (cf[..., :n] - same[..., :n]).sum(axis=(-2, -1))
    total = (cf - actual).sum(axis=(-2, -1))
    return np.stack([total, born_before, war_born, deficit], axis=-1)


def war_losses(ds: xr.Dataset, window: Window) -> tuple[list[str], list[np.ndarray]]:
    """The war's losses, never on the ladder: each war cause's excess deaths, the birth
    deficit (lost births of the war's years), and their total."""
    items, values = [], []
    for c in window.war_causes:
        items.append(c.label)
        values.append(ds["excess_deaths"].sel(cause=c.name).sum("year").values)
    trend = None
    if window.war_birth_years is not None:
        items.append(war_deficit_label(window))
        values.append(war_birth_deficit(ds, window).values)
        trend = war_birth_deficit(ds, window, against="trend").values
    items.append("total war losses")
    values.append(np.sum(values, axis=0))
    if trend is not None and window.war_birth_years is not None:
        lo, hi = window.war_birth_years
        items.append(f"birth deficit {lo}-{hi} against the baseline trend (not in the total)")
        values.append(trend)
    if "war_balance" in ds and window.war_birth_years is not None:
        end = window.war_birth_years[1] + 1
        for part in BALANCE_PARTS:
            items.append(f"population balance 1 Jan {end} (not in the total): {part}")
            values.append(ds["war_balance"].sel(balance_part=part).values)
    return items, values


def war_deficit_label(window: Window) -> str:
    assert window.war_birth_years is not None
    lo, hi = window.war_birth_years
    share = window.war_first_year_share
    first = f"{lo}" if share == 1.0 else f"{lo} ({share:.2f} of it)"
    return f"birth deficit {first}-{hi} against {lo - 1} fertility"


def war_birth_deficit(
    ds: xr.Dataset, window: Window, lo: int | None = None, hi: int | None = None, against="prewar"
) -> xr.DataArray:
    """Births the war's years lacked (``[fertility] war_years``, within ``lo``-``hi``; the
    war's first year counted by ``war_first_year_share``).

    ``against="prewar"`` (the war table's): against the TFR of the year before the war held
    through the war, on the women actually alive (1940's fertility, as ADH's counterfactual;
    theirs holds it on the women of a peacetime projection, whose excess dead the echo
    counts here), so the fall of the 1930s that the regime's lost births already count is
    not the war's.  ``against="trend"``: against the baseline trend (the window's lost
    births), shown beside it.  A count of births: ADH's 12.5 M counts the births lacked as
    their survivors on 1 January 1946 (:func:`war_balance`)."""
    assert window.war_birth_years is not None
    w_lo, w_hi = window.war_birth_years
    lo, hi = max(w_lo, lo or w_lo), min(w_hi, hi or w_hi)
    if lo > hi:
        return xr.zeros_like(ds["lost_births"].isel(year=0, drop=True))
    share = [window.war_first_year_share if y == w_lo else 1.0 for y in range(lo, hi + 1)]
    weight = xr.DataArray(share, coords={"year": list(range(lo, hi + 1))}, dims="year")
    years = slice(lo, hi)
    ref = w_lo - 1
    if against == "trend" or ref < window.first_year:
        lost = ds["lost_births"].sel(year=years)
    else:
        # births scale with TFR on the same women and schedule: the births of year t at the
        # pre-war TFR are baseline births of t times TFR[ref] / baseline TFR[t]
        ratio = ds["tfr"].sel(year=ref) / ds["tfr_baseline"].sel(year=years)
        lost = ds["baseline_births"].sel(year=years) * ratio - ds["births"].sel(year=years)
    return (lost * weight).sum("year")


def war_years_lost_births_outside_deficit(ds: xr.Dataset, window: Window) -> xr.DataArray:
    """Lost births of the war's years (against the baseline trend) that the war's deficit
    does not count: those before the war's start in its first year, and the fall below the
    trend that predates the war, carried through it.  Reported apart, on no rung and in no
    war row, so the lost births of every year are counted once: ladder years + these + the
    war's deficit + the years after the war."""
    assert window.war_birth_years is not None
    lo, hi = window.war_birth_years
    every = ds["lost_births"].sel(year=slice(lo, hi)).sum("year")
    return every - war_birth_deficit(ds, window)


def _lost_births_with_war(ds: xr.Dataset, window: Window, lo: int, hi: int) -> xr.DataArray:
    """Lost births of ``lo``-``hi``, the war's years as the war table's birth deficit."""
    lost = ds["lost_births"].sel(year=slice(lo, hi))
    if window.war_birth_years is None:
        return lost.sum("year")
    peace = [int(y) for y in lost["year"].values if not window.is_war_birth_year(int(y))]
    return lost.sel(year=peace).sum("year") + war_birth_deficit(ds, window, lo, hi)


def regime_lost_births(ds: xr.Dataset, window: Window, lo: int, hi: int):
    """Lost births of ``lo``-``hi`` the ladder counts (outside the war's years, inside the
    window's ``ladder_birth_years``)."""
    years = [y for y in window.years if lo <= y <= hi and window.lost_births_on_ladder(y)]
    return ds["lost_births"].sel(year=years).sum("year")


def unattributed_birth_years(window: Window) -> list[int]:
    """Years of the ladder's period whose lost births are on no rung and in no war table
    (e.g. 1946-53 in the 1927-1959 window)."""
    lo, hi = window.ladder_period
    return [
        y
        for y in range(lo, hi + 1)
        if not window.lost_births_on_ladder(y) and not window.is_war_birth_year(y)
    ]


def _ladder(ds: xr.Dataset, window: Window, years) -> list[np.ndarray]:
    """Each rung's total over ``years`` (a slice, ``None`` for the ladder's period).  Lost
    births of the war's years are the war's birth deficit, never on a rung."""
    lo, hi = window.ladder_period if years is None else (years.start, years.stop)
    excess = ds["excess_deaths"]
    out = []
    for r in LADDER:
        total = np.zeros(excess.isel(cause=0, year=0).shape)
        for name, cause_years in rung_terms(window, r):
            every = window.years if cause_years is None else cause_years
            keep = [y for y in every if lo <= y <= hi]
            total = total + excess.sel(cause=name, year=keep).sum("year").values
        if r.lost_births:
            total = total + regime_lost_births(ds, window, lo, hi).values
        out.append(np.asarray(total, dtype=float))
    return out


# ---------------------------------------------------------------------------------------
# Published claims
# ---------------------------------------------------------------------------------------


def claim_period(period: str) -> tuple[int, int] | None:
    """First and last year of a claim's period: ``1930-1938``, ``1937``, a date
    (``1939-01-17``), a decade (``1930s`` is 1930-1939; ``1930s-1953`` is 1930-1953);
    ``None`` when the period is not a year range (e.g. ``Soviet period``)."""
    text = str(period)
    years = []
    for m in re.finditer(r"(?<!\d)(1[89]\d\d)(s?)(?![\d])", text):
        year = int(m.group(1))
        years.append(year)
        if m.group(2):  # a decade
            years.append(year + 9)
    if not years:
        return None
    return min(years), max(years)


def claims_table(ds: xr.Dataset, claims: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Published claims placed against the matching estimand, with the posterior probability
    that the estimand is at least the claimed figure.

    Each claim is compared with the model's quantity over the claim's own years (their
    overlap with the window); ``model_lower``/``model_upper`` are the stated interval of
    that quantity.  A claim is ``comparable`` when its period lies inside the window (or is
    runs from the initial census to an observed one, e.g. 1926-1939: the years between them);
    otherwise the model's quantity
    covers only part of the claim's period, and ``prob_at_least_figure`` is left empty.
    Famine claims (estimand ``famine_excess``) are compared with every excess death of the
    claim's years, as famine demographers count them.
    """
    from .report import interval

    rows = []
    lo_w, hi_w = window.period
    for c in claims.itertuples():
        period = claim_period(c.period)
        span = census_to_census(window, period)
        if span is not None:  # census to census (e.g. 1926-1939): the years between them
            period = span
        values, label = _estimand_for(ds, window, str(c.estimand), period)
        if values is None:
            continue
        comparable = period is not None and lo_w <= period[0] and period[1] <= hi_w
        if _stock_for(ds, str(c.estimand)) is not None:
            comparable = True  # a census-date quantity, named with its date
        # a count over another population (e.g. foreigners included) is not the model's
        if str(getattr(c, "territory", "USSR")) != "USSR":
            comparable = False
        # a figure that is the model's own observation or prior centre: no test of it
        informs = getattr(c, "informs_model", None) == "true"  # schema: "true", "false" or empty
        lower, upper = interval(values)
        rows.append(
            {
                "claim": c.claim,
                "author": c.author,
                "year": int(c.year),
                "figure": float(c.figure),
                "estimand": str(c.estimand),
                "model_quantity": label,
                "claim_period": str(c.period),
                "period_first": period[0] if period else None,
                "period_last": period[1] if period else None,
                "comparable": bool(comparable),
                # a probability only where the model's quantity is the claim's: over part of
                # the claim's period it says nothing about the claim
                "prob_at_least_figure": (
                    float(np.mean(values >= float(c.figure)))
                    if comparable and not informs
                    else np.nan
                ),
                "informs_model": informs,
                "model_median": float(np.median(values)),
                "model_lower": lower,
                "model_upper": upper,
                # the claim as published: its wording and its source (data/sources.csv)
                "what": str(getattr(c, "what", "")),
                "source": str(getattr(c, "source", "")),
            }
        )
    return pd.DataFrame(rows)


def census_to_census(window: Window, period) -> tuple[int, int] | None:
    """The projection years of a claim from the initial census to an observed census (e.g.
    ``1926-1939``: 1927-1938, the years between the 1926 and the 1939 census), or ``None``."""
    if period is None:
        return None
    spans = {
        (window.initial_census.year, c.year): (window.first_year, c.year - 1)
        for c in window.observed_censuses
    }
    return spans.get(tuple(period))


def _estimand_for(ds: xr.Dataset, window: Window, estimand: str, period):
    """Draws (flattened) of the model quantity a claim's ``estimand`` names, over the
    window (or the claim's own years where they fall inside it)."""
    stock = _stock_for(ds, estimand)  # a census-date quantity: no period to clip
    if stock is not None:
        return stock
    lo, hi = window.period
    if period is not None:
        lo, hi = max(lo, period[0]), min(hi, period[1])
        if lo > hi:
            return None, None
    years = slice(lo, hi)
    if estimand.startswith("ladder:"):
        rung = estimand.split(":")[1]
        if rung not in [r.rung for r in LADDER]:
            return None, None
        totals = _ladder(ds, window, years)
        i = [r.rung for r in LADDER].index(rung)
        return totals[i].reshape(-1), f"ladder rung {rung}, {lo}-{hi}"
    if estimand.startswith("cause:"):
        # one cause, or several joined by "+" (e.g. cause:dekulakisation+deportations)
        causes = estimand.split(":")[1].split("+")
        if not set(causes) <= set(window.cause_names):
            return None, None
        v = ds["excess_deaths"].sel(cause=causes, year=years).sum(("cause", "year")).values
        return v.reshape(-1), f"excess deaths {' + '.join(causes)}, {lo}-{hi}"
    if estimand in ("famine_excess", "all_excess"):
        # famine scholars (and the war's population balances) count every excess death of
        # the claim's years, whatever the cause
        total = ds["excess_deaths"].sel(year=years).sum(("cause", "year"))
        return total.values.reshape(-1), f"all excess deaths (every cause), {lo}-{hi}"
    if estimand == "all_losses":
        # a population balance's total loss: every excess death, the births the survivors
        # did not have and the births the dead would have had (the echo), of the claim's years
        total = ds["excess_deaths"].sel(year=years).sum(("cause", "year"))
        births = _lost_births_with_war(ds, window, lo, hi)
        echo = ds["echo_births"].sel(year=years).sum("year")
        w = window.war_birth_years
        war = w is not None and w[0] <= hi and w[1] >= lo
        births_text = "lost births (the war's deficit in its years)" if war else "lost births"
        label = f"all excess deaths + {births_text} + echo births, {lo}-{hi}"
        return (total + births + echo).values.reshape(-1), label
    if estimand in ("balance_losses", "balance_deaths"):
        # a population balance at the end of the war's years (ADH's, Rosstat's, Timasheff's):
        # the people missing then, of every cause; the deaths alone leave out the births
        # that did not happen
        w = window.war_birth_years
        if "war_balance" not in ds or w is None or (lo, hi) != tuple(w):
            return None, None
        bal = ds["war_balance"]
        if estimand == "balance_losses":
            missing, what = bal.sel(balance_part="total"), "all missing (deaths and births)"
        else:
            parts = ["born before the war", "war-born excess deaths"]
            missing, what = bal.sel(balance_part=parts).sum("balance_part"), "excess deaths"
        label = f"population balance on 1 Jan {w[1] + 1}: {what}, {lo}-{hi}"
        return missing.values.reshape(-1), label
    if estimand == "custodial":
        names = [c.name for c in window.causes if c.has("regime") and c.has("custodial")]
        total = ds["excess_deaths"].sel(cause=names, year=years).sum(("cause", "year"))
        return total.values.reshape(-1), f"custodial deaths, {lo}-{hi}"
    if estimand in ("war_deaths", "war_losses"):
        # the war's table, never a rung: every war cause's deaths (military, civilian, the
        # Winter War), and with the birth deficit of the war's years for war_losses
        names = [c.name for c in window.war_causes]
        war_births = window.war_birth_years
        if not names or (estimand == "war_losses" and war_births is None):
            return None, None
        total = ds["excess_deaths"].sel(cause=names, year=years).sum(("cause", "year"))
        if estimand == "war_deaths" or war_births is None:
            return total.values.reshape(-1), f"war deaths (every war cause), {lo}-{hi}"
        births = war_birth_deficit(ds, window, lo, hi)
        label = f"war losses (war deaths and birth deficit), {lo}-{hi}"
        return (total + births).values.reshape(-1), label
    return None, None


def _stock_for(ds: xr.Dataset, estimand: str):
    """Draws and label of a census-date quantity (``padding_1939``, ``undercount_1926``,
    ``population_1939``), or ``None``."""
    m = re.fullmatch(r"(padding|undercount|population)_(\d{4})", estimand)
    if not m:
        return None
    kind, year = m.group(1), int(m.group(2))
    if kind == "padding" and f"padding_{year}_persons" in ds:
        da, label = ds[f"padding_{year}_persons"], f"padding of the {year} count (persons)"
    elif kind == "undercount" and f"undercount_{year}" in ds:
        da, label = ds[f"undercount_{year}"], f"{year} census undercount (persons)"
    elif kind == "population" and year in ds["date"].values:
        da, label = ds["population"].sel(date=year), f"true population 1 Jan {year}"
    else:
        return None
    return np.asarray(da.values).reshape(-1), label
