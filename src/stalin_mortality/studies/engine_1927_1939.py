"""Study ``engine_1927_1939``: the cohort-component account from the 1926 census to 1939.

Model: :mod:`stalin_mortality.model.engine`; estimands: :mod:`stalin_mortality.estimands`
(computed draw by draw from the saved parameters, for the posterior and the prior alike).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from .. import estimands, plots, report
from ..data import observations_from
from ..model import engine

NAME = "engine_1927_1939"
TITLE = "Excess deaths and lost births in the USSR, 1927-1938"
build = engine.build_engine_model
PRIORS_USED = engine.PRIORS_USED
#: The prior group holds the free parameters only; everything else follows from them.
PRIOR_VAR_NAMES = [
    *estimands.SCALARS,
    *estimands.VECTORS,
    "coverage_1937",
    "coverage_1939",
    "padding_1939",
    "census_age_noise",
]
PERIODS = ((1927, 1938), (1927, 1929), (1930, 1933), (1934, 1936), (1937, 1938))
SUMMARY_FILE = "summary"


def diagnostic_vars(model) -> list[str]:
    """Every free parameter and the headline deterministics."""
    return [v.name for v in model.free_RVs] + [
        "excess_deaths",
        "lost_births",
        "padding_1939_persons",
        "undercount_1926",
    ]


def compute(tree: xr.DataTree, tables) -> tuple[xr.Dataset, xr.Dataset | None, engine.Inputs]:
    """Posterior (and prior, if saved) estimands by draw."""
    inputs = engine.make_inputs(observations_from(tables))
    post = estimands.compute(tree, inputs, "posterior")
    prior = None
    if "prior" in tree.children and "mortality_level" in tree["prior"].data_vars:
        prior = estimands.compute(tree, inputs, "prior")
    return post, prior, inputs


def _period(ds: xr.Dataset, name: str, lo: int, hi: int, **sel) -> np.ndarray:
    return ds[name].sel(year=slice(lo, hi), **sel).sum("year").values


def summary_rows(ds: xr.Dataset) -> list[tuple[str, np.ndarray, str]]:
    """(quantity, draws, unit) of the headline table."""
    lo, hi = estimands.LADDER_PERIOD
    rows = []
    for cause in engine.CAUSES:
        rows.append(
            (
                f"excess deaths {lo}-{hi}: {cause}",
                _period(ds, "excess_deaths", lo, hi, cause=cause),
                "persons",
            )
        )
    for rung, label, _ in estimands.LADDER:
        rows.append(
            (f"ladder {rung} ({lo}-{hi}): {label}", ds["ladder"].sel(rung=rung).values, "persons")
        )
    rows += [
        (f"lost births {lo}-{hi}", _period(ds, "lost_births", lo, hi), "persons"),
        (
            "population shortfall 1 Jan 1937",
            ds["population_shortfall"].sel(date=1937).values,
            "persons",
        ),
        (
            "population shortfall 1 Jan 1939",
            ds["population_shortfall"].sel(date=1939).values,
            "persons",
        ),
        ("true population 1 Jan 1937", ds["population"].sel(date=1937).values, "persons"),
        ("true population 1 Jan 1939", ds["population"].sel(date=1939).values, "persons"),
        ("1939 census padding (persons added)", ds["padding_1939_persons"].values, "persons"),
        ("1939 census padding (share)", ds["padding_1939"].values, "percent"),
        ("1926 census undercount (persons)", ds["undercount_1926"].values, "persons"),
        ("crude death rate 1927", ds["crude_death_rate"].sel(year=1927).values, "per_1000"),
        ("total fertility rate 1927", ds["tfr"].sel(year=1927).values, ""),
    ]
    return rows


def _table(rows) -> tuple[pd.DataFrame, dict]:
    table = pd.DataFrame([{"quantity": q, **report.summarise(v)} for q, v, _ in rows])
    return table, {q: u for q, _, u in rows}


def tables_for(post: xr.Dataset, headline=None) -> dict[str, tuple[pd.DataFrame, dict, str]]:
    """Every table of the study: stem -> (table, units, title); ``headline`` is
    ``summary_rows(post)`` if the caller has it already."""
    headline = headline if headline is not None else summary_rows(post)
    out = {}
    out[SUMMARY_FILE] = (*_table(headline), "Headline estimands")
    rows = []
    for cause in engine.CAUSES:
        for lo, hi in PERIODS:
            rows.append(
                (
                    f"{cause}, {lo}-{hi}",
                    _period(post, "excess_deaths", lo, hi, cause=cause),
                    "persons",
                )
            )
    out["excess_deaths_by_cause_period"] = (*_table(rows), "Excess deaths by cause and period")
    rows = [
        (f"{cause}, {y}", post["excess_deaths"].sel(cause=cause, year=y).values, "persons")
        for cause in engine.CAUSES
        for y in engine.YEARS
        if engine.CAUSE_YEARS[cause][0] <= y <= engine.CAUSE_YEARS[cause][1]
    ]
    out["excess_deaths_by_cause_year"] = (*_table(rows), "Excess deaths by cause and year")
    rows = [
        (
            f"{cause}, {sex}",
            post["excess_deaths_by_sex"].sel(cause=cause, sex=sex).values,
            "persons",
        )
        for cause in engine.CAUSES
        for sex in ("male", "female")
    ]
    out["excess_deaths_by_sex"] = (*_table(rows), "Excess deaths 1927-1938 by cause and sex")
    rows = [
        (
            f"{cause}, {sex}, {g}",
            post["excess_deaths_by_age_group"].sel(cause=cause, sex=sex, age_group=g).values,
            "persons",
        )
        for cause in engine.CAUSES
        for sex in ("male", "female")
        for g in engine.GROUP_LABELS
    ]
    out["excess_deaths_by_age_group"] = (
        *_table(rows),
        "Excess deaths 1927-1938 by cause, sex and age at the start of the year",
    )
    rows = [
        (f"lost births {y}", post["lost_births"].sel(year=y).values, "persons")
        for y in engine.YEARS
    ]
    rows.append(("lost births 1927-1938", post["lost_births"].sum("year").values, "persons"))
    out["lost_births"] = (*_table(rows), "Lost births by year (baseline minus actual births)")
    rows = [
        (f"ladder {rung}: {label}", post["ladder"].sel(rung=rung).values, "persons")
        for rung, label, _ in estimands.LADDER
    ]
    out["ladder"] = (*_table(rows), "Definition ladder, 1927-1938")
    rows = [r for r in headline if "census" in r[0] or "population" in r[0]]
    out["census"] = (*_table(rows), "Census padding, undercount and population shortfall")
    rows = [(f"TFR {y}", post["tfr"].sel(year=y).values, "") for y in engine.YEARS]
    out["tfr"] = (*_table(rows), "Total fertility rate by year")
    return out


def write_outputs(tree, manifest: dict, directory: Path, tables) -> list[Path]:
    """All tables and figures of the study, from its saved posterior only."""
    directory = Path(directory)
    scenario = manifest["scenario"]["name"]
    post, prior, inputs = compute(tree, tables)
    paths = []
    headline = summary_rows(post)
    for stem, (table, units, title) in tables_for(post, headline).items():
        paths += report.write_table(
            table, directory / "tables", stem, f"{title}, scenario '{scenario}'", units
        )
    if prior is not None:
        rows = []
        prior_rows = {q: v for q, v, _ in summary_rows(prior)}
        for q, v, u in headline:
            rows.append((f"posterior: {q}", v, u))
            rows.append((f"prior: {q}", prior_rows[q], u))
        table, units = _table(rows)
        paths += report.write_table(
            table,
            directory / "tables",
            "prior_posterior",
            f"Prior and posterior of the headline estimands, scenario '{scenario}'",
            units,
        )
    claims = estimands.claims_table(post, tables["published_claims.csv"])
    claims_path = directory / "tables" / "claims.csv"
    with open(claims_path, "w", encoding="utf-8", newline="") as fh:
        fh.write(
            "# Published claims against the matching posterior quantity: posterior probability "
            "that the quantity is at least the claimed figure. comparable = the claim's period "
            f"lies inside {estimands.LADDER_PERIOD[0]}-{estimands.LADDER_PERIOD[1]}; otherwise "
            "only the overlap is modelled.\n"
        )
        claims.to_csv(fh, index=False, float_format="%.6g", lineterminator="\n")
    paths.append(claims_path)

    figdir = directory / "figures"
    fig, data = plots.plot_excess_by_year(post, scenario)
    paths += plots.save_figure(fig, figdir, "excess_deaths_by_cause_year", data)
    fig, data = plots.plot_ladder(post, claims, scenario)
    paths += plots.save_figure(fig, figdir, "ladder_claims", data)
    fig, data = plots.plot_pyramids(post, inputs.census_grouped, scenario)
    paths += plots.save_figure(fig, figdir, "population_vs_census", data)
    fig, data = plots.plot_tfr(post, scenario)
    paths += plots.save_figure(fig, figdir, "tfr", data)
    if prior is not None:
        fig, data = plots.plot_prior_posterior(prior, post, scenario)
        paths += plots.save_figure(fig, figdir, "prior_vs_posterior", data)
    fig, data = plots.plot_diagnostics(
        tree,
        [
            "mortality_level",
            "tfr_1927",
            "padding_1939",
            "famine_intensity",
            "census_age_noise",
            "undercount_1926_ages_0_2",
        ],
    )
    paths += plots.save_figure(fig, figdir, "diagnostics", data)
    return paths


def headline(directory: Path) -> pd.DataFrame:
    return pd.read_csv(Path(directory) / "tables" / f"{SUMMARY_FILE}.csv", comment="#")
