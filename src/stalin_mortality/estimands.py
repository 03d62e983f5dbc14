"""Estimands of the 1927-1939 study, computed draw by draw from saved parameter draws.

Nothing here is computed from posterior means: each draw of the parameters is run through
the same arithmetic as the model (:func:`stalin_mortality.model.engine.simulate`, on numpy
arrays with a leading draw dimension) and every estimand is a function of that draw.  The
contract (what each name means, its units, its period) is ``docs/estimands.md``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import xarray as xr

from .model import engine
from .model.engine import CAUSES, DATES, GROUP_LABELS, YEARS

SCALARS = engine.SCALAR_PARAMS
VECTORS = engine.VECTOR_PARAMS

#: The definition ladder (DESIGN.md section 3): each rung adds to the one before.
LADDER = (
    ("1", "executions", ("executions",)),
    (
        "2",
        "+ custodial deaths (Gulag, deportations, dekulakisation)",
        ("gulag", "deportations", "dekulakisation"),
    ),
    ("3", "+ famine deaths", ("famine_1932_33",)),
    ("4", "+ unattributed excess deaths = all regime excess deaths", ("unattributed",)),
    ("5", "+ lost births = the demographic loss", ()),
)
LADDER_PERIOD = (engine.FIRST_YEAR, engine.LAST_YEAR)


def parameter_draws(tree: xr.DataTree, group: str = "posterior") -> dict[str, np.ndarray]:
    """The model's free parameters as arrays with one leading ``sample`` dimension."""
    ds = tree[group].to_dataset()
    out = {}
    for name in (*SCALARS, *VECTORS):
        da = ds[name]
        sample_dims = [d for d in ("chain", "draw") if d in da.dims]
        da = da.stack(sample=sample_dims).transpose("sample", ...)
        out[name] = np.asarray(da.values, dtype=float)
    return out


#: Draws run through the projection at once (bounds memory: about 150 MB a chunk).
CHUNK = 500


def compute(tree: xr.DataTree, inputs: engine.Inputs, group: str = "posterior") -> xr.Dataset:
    """Every estimand, by draw (dimension ``sample``), as an ``xarray.Dataset``.

    ``inputs`` is :func:`stalin_mortality.model.engine.make_inputs` of the observations the
    posterior was computed from.
    """
    p = parameter_draws(tree, group)
    post = tree[group].to_dataset()
    if "padding_1939" in post:
        p["padding_1939"] = _flat(post["padding_1939"])
        p["coverage_1939"] = _flat(post["coverage_1939"])
    return compute_from_params(p, inputs)


def compute_from_params(p: dict[str, np.ndarray], inputs: engine.Inputs) -> xr.Dataset:
    """:func:`compute` for parameter arrays with a leading draw dimension (e.g. the known
    truth of a simulation); ``padding_1939`` and ``coverage_1939`` are optional."""
    n = next(iter(p.values())).shape[0]
    parts = [
        _compute(inputs, {k: v[i : i + CHUNK] for k, v in p.items()}, i) for i in range(0, n, CHUNK)
    ]
    ds = xr.concat(parts, dim="sample", data_vars="all") if len(parts) > 1 else parts[0]
    ds.attrs["ladder_period"] = f"{LADDER_PERIOD[0]}-{LADDER_PERIOD[1]}"
    return ds


def _compute(inputs, p, offset) -> xr.Dataset:
    out = engine.simulate(p, inputs, detail=True)
    cf = engine.simulate(p, inputs, counterfactual=True)
    n = next(iter(p.values())).shape[0]
    sample = np.arange(offset, offset + n)
    pop_total = out["population"].sum(axis=(-2, -1))
    cf_total = cf["population"].sum(axis=(-2, -1))
    excess = out["excess"]  # [sample, cause, year]
    by_age = out["excess_by_age"]  # [sample, cause, year, sex, age]
    lost = out["baseline_births"] - out["births"]
    ds = xr.Dataset(
        {
            "excess_deaths": (("sample", "cause", "year"), excess),
            "excess_deaths_by_sex": (
                ("sample", "cause", "sex"),
                by_age.sum(axis=(2, 4)),
            ),
            "excess_deaths_by_age_group": (
                ("sample", "cause", "sex", "age_group"),
                engine.group_ages(by_age.sum(axis=2)),
            ),
            "births": (("sample", "year"), out["births"]),
            "baseline_births": (("sample", "year"), out["baseline_births"]),
            "lost_births": (("sample", "year"), lost),
            "deaths": (("sample", "year"), out["deaths"]),
            "population": (("sample", "date"), pop_total),
            "counterfactual_population": (("sample", "date"), cf_total),
            "population_shortfall": (("sample", "date"), cf_total - pop_total),
            "population_by_age_group": (
                ("sample", "census", "sex", "age_group"),
                np.stack(
                    [
                        engine.group_ages(out["population"][:, y - engine.FIRST_YEAR])
                        for y in engine.CENSUS_YEARS
                    ],
                    axis=1,
                ),
            ),
            "tfr": (("sample", "year"), _tfr(p)),
            "tfr_baseline": (("sample", "year"), _tfr(p, collapse=False)),
            "undercount_1926": (
                ("sample",),
                (out["initial"] - inputs.census_1926).sum(axis=(-2, -1)),
            ),
            "crude_death_rate": (
                ("sample", "year"),
                out["deaths"] / (0.5 * (pop_total[:, :-1] + pop_total[:, 1:])),
            ),
        },
        coords={
            "sample": sample,
            "cause": list(CAUSES),
            "year": YEARS,
            "date": DATES,
            "sex": ["male", "female"],
            "age_group": GROUP_LABELS,
            "census": list(engine.CENSUS_YEARS),
        },
    )
    if "padding_1939" in p:
        padding, coverage = p["padding_1939"], p["coverage_1939"]
        ds["padding_1939"] = ("sample", padding)
        ds["padding_1939_persons"] = ("sample", pop_total[:, -1] * coverage * padding)
    ladder = []
    total = np.zeros(n)
    for rung, _, causes in LADDER:
        for c in causes:
            total = total + excess[:, CAUSES.index(c), :].sum(axis=-1)
        if rung == "5":
            total = total + lost.sum(axis=-1)
        ladder.append(total.copy())
    ds["ladder"] = (("sample", "rung"), np.stack(ladder, axis=1))
    return ds.assign_coords(rung=[r[0] for r in LADDER])


def _flat(da: xr.DataArray) -> np.ndarray:
    dims = [d for d in ("chain", "draw") if d in da.dims]
    return np.asarray(da.stack(sample=dims).values, dtype=float).reshape(-1)


def _tfr(p: dict, collapse: bool = True) -> np.ndarray:
    t = (YEARS - engine.FIRST_YEAR).astype(float)
    log_tfr = np.log(p["tfr_1927"])[:, None] + p["tfr_trend"][:, None] * t
    if not collapse:
        return np.exp(log_tfr)
    collapse = engine._place(
        p["fertility_collapse"], engine.COLLAPSE_YEARS[0], engine.COLLAPSE_YEARS[-1], np
    )
    return np.exp(log_tfr + collapse)


def claim_period(period: str) -> tuple[int, int] | None:
    """First and last year of a claim's period such as ``1930-1938`` or ``1937``; ``None``
    when the period is not a year range (e.g. ``Soviet period``)."""
    years = [int(y) for y in re.findall(r"(1[89]\d\d)", str(period))]
    if not years:
        return None
    return min(years), max(years)


def claims_table(ds: xr.Dataset, claims: pd.DataFrame) -> pd.DataFrame:
    """Published claims placed against the matching estimand, with the posterior probability
    that the estimand is at least the claimed figure.

    A claim is ``comparable`` when its period lies inside the model's window (1927-1938);
    otherwise the model's quantity covers only part of the claim's period and the
    probability is shown for the window alone.
    """
    rows = []
    for c in claims.itertuples():
        values, label = _estimand_for(ds, str(c.estimand), claim_period(c.period))
        if values is None:
            continue
        period = claim_period(c.period)
        comparable = (
            period is not None and LADDER_PERIOD[0] <= period[0] and (period[1] <= LADDER_PERIOD[1])
        )
        rows.append(
            {
                "claim": c.claim,
                "author": c.author,
                "year": int(c.year),
                "figure": float(c.figure),
                "estimand": str(c.estimand),
                "model_quantity": label,
                "claim_period": str(c.period),
                "comparable": bool(comparable),
                "prob_at_least_figure": float(np.mean(values >= float(c.figure))),
                "model_median": float(np.median(values)),
            }
        )
    return pd.DataFrame(rows)


def _estimand_for(ds: xr.Dataset, estimand: str, period):
    """Draws of the model quantity a claim's ``estimand`` names, over the window (or the
    claim's own years where they fall inside it)."""
    lo, hi = LADDER_PERIOD
    if period is not None:
        lo, hi = max(lo, period[0]), min(hi, period[1])
        if lo > hi:
            return None, None
    years = slice(lo, hi)
    if estimand.startswith("ladder:"):
        rung = estimand.split(":")[1]
        if rung not in ds["rung"].values:
            return None, None
        return _ladder_over(ds, rung, years), f"ladder rung {rung}, {lo}-{hi}"
    if estimand.startswith("cause:"):
        cause = estimand.split(":")[1]
        if cause not in ds["cause"].values:
            return None, None
        v = ds["excess_deaths"].sel(cause=cause, year=years).sum("year").values
        return v, f"excess deaths {cause}, {lo}-{hi}"
    if estimand == "custodial":
        v = (
            ds["excess_deaths"]
            .sel(cause=["gulag", "deportations", "dekulakisation"], year=years)
            .sum(("cause", "year"))
        )
        return v.values, f"custodial deaths, {lo}-{hi}"
    if estimand == "padding_1939" and "padding_1939_persons" in ds:
        return ds["padding_1939_persons"].values, "padding of the 1939 count (persons)"
    if estimand == "undercount_1926":
        return ds["undercount_1926"].values, "1926 census undercount (persons)"
    if estimand == "population_1939":
        return ds["population"].sel(date=1939).values, "true population 1 Jan 1939"
    return None, None


def _ladder_over(ds: xr.Dataset, rung: str, years: slice) -> np.ndarray:
    excess = ds["excess_deaths"].sel(year=years)
    total = 0.0
    for r, _, causes in LADDER:
        if causes:
            total = total + excess.sel(cause=list(causes)).sum(("cause", "year")).values
        if r == "5":
            total = total + ds["lost_births"].sel(year=years).sum("year").values
        if r == rung:
            return np.asarray(total)
    raise KeyError(rung)
