"""Tables and figures of a run, from its saved draws only (no resampling, no ``data/``).

Every table is written as CSV (full precision), Markdown and LaTeX with the interval
stated; every figure as PNG and PDF with a CSV of the plotted numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pandas as pd
import xarray as xr

from . import plots, report
from .constants import INTERVAL_KIND, INTERVAL_PROB
from .estimands import (
    LADDER,
    famine_registers,
    margin_label,
    regime_lost_births,
    rung_labels,
    unattributed_birth_years,
    war_years_lost_births_outside_deficit,
)
from .window import Window

SUMMARY_FILE = "summary"
CLAIMS_NOTE = (
    "Published claims against the matching posterior quantity: posterior probability that "
    "the quantity is at least the claimed figure. comparable = the claim's period lies "
    "inside {lo}-{hi}; otherwise only the overlap is modelled."
)


#: Plain-language caption of each figure of a run (in its CSV's metadata and the docs).
FIGURE_CAPTIONS = {
    "excess_deaths_by_cause_year": "Excess deaths by cause and year (posterior medians, "
    "stacked, with the 90% credible interval of all causes together), and lost births by "
    "year (median and interval), in millions of persons.",
    "ladder_claims": "The ladder of definitions: each rung's posterior median and 90% "
    "credible interval over the window, and under it each published claim that names the "
    "rung (a triangle at the claimed figure; hollow when the claim's period runs past the "
    "window) with the model's interval over the claim's own years (grey line). Millions of "
    "deaths, log scale.",
    "population_vs_census": "The true (latent) population by sex and five-year age group on "
    "each census date (posterior median and 90% credible interval) against the census count, "
    "in persons.",
    "tfr": "Total fertility rate (births per woman) by year: posterior median and 90% "
    "credible interval, and the baseline the crises are measured against.",
    "prior_vs_posterior": "Each headline's prior (what the assumptions alone say) against "
    "its posterior (after the data): how far the data moved it.",
    "census_residuals": "Census composition residuals by birth cohort: observed minus "
    "expected share (centred log ratio) by sex and age group; a cohort off in both censuses "
    "points to age misreporting or a misfit of the model. Heaping is smoothed out of the "
    "counts first; dashed: what each census's age misreporting terms move (the old-age "
    "exaggeration, ages 60+, and where the window has them the cohort misreporting and the "
    "older cohorts' misstatement, with the rescaling that keeps each sex's count), already "
    "in the expected share.",
    "series_checks": "Each registered and archival observation against the range the "
    "fitted model reproduces it in (posterior predictive check).",
    "diagnostics": "Sampler diagnostics (rank ECDF of key parameters by chain): for checking "
    "convergence, not a finding.",
    "energy": "Sampler diagnostics (energy of the Hamiltonian sampler): for checking the "
    "sampler, not a finding.",
}
#: Figures that check the sampler, written apart from the findings (``figures/diagnostics``).
DIAGNOSTIC_FIGURES = ("diagnostics", "energy")

#: Column descriptions of ``tables/claims.csv``.
CLAIMS_COLUMNS = {
    "claim": "the claim's key in data/published_claims.csv",
    "author": "who made the claim",
    "year": "year of publication",
    "figure": "the claimed number (persons)",
    "estimand": "the model quantity it is compared with (data/published_claims.csv)",
    "model_quantity": "that quantity over the claim's own years (their overlap with the window)",
    "claim_period": "the claim's period as published",
    "period_first": "first year of the claim's period",
    "period_last": "last year of the claim's period",
    "comparable": "the claim's period lies inside the window (or is its census-to-census "
    "span) and it counts the model's population (territory USSR)",
    "prob_at_least_figure": "posterior probability that the quantity is at least the figure "
    "(comparable claims that do not inform the model)",
    "informs_model": "the figure is the model's own observation or prior centre: not a test",
    "model_median": "posterior median of the quantity (persons)",
    "model_lower": "lower end of the interval (persons)",
    "model_upper": "upper end of the interval (persons)",
    "what": "the claim's wording, as transcribed",
    "source": "where the claim was published (keys of data/sources.csv)",
}


def _period(ds: xr.Dataset, name: str, lo: int, hi: int, **sel) -> xr.DataArray:
    return ds[name].sel(year=slice(lo, hi), **sel).sum("year")


def headline_rows(ds: xr.Dataset, window: Window) -> list[tuple[str, xr.DataArray, str]]:
    """(quantity, draws by chain and draw, unit) of the headline table."""
    lo, hi = window.period
    rows = [
        (
            f"excess deaths {lo}-{hi}: {c.label}",
            _period(ds, "excess_deaths", lo, hi, cause=c.name),
            "persons",
        )
        for c in window.causes
    ]
    for c in window.causes:  # a cause counted on the ladder in some of its years only
        if c.ladder_years is not None:
            a, b = c.ladder_years
            rows.append(
                (
                    f"excess deaths {a}-{b}: {c.ladder_label} (on the ladder)",
                    _period(ds, "excess_deaths", a, b, cause=c.name),
                    "persons",
                )
            )
            margin = ds["excess_deaths"].sel(cause=c.name, year=c.margin_years).sum("year")
            rows.append((f"excess deaths: {margin_label(c)} (not attributed)", margin, "persons"))
    labels = rung_labels(window)
    a, b = window.ladder_period
    rows += [
        (f"ladder {r.rung} ({a}-{b}): {labels[r.rung]}", ds["ladder"].sel(rung=r.rung), "persons")
        for r in LADDER
    ]
    if window.war_birth_years is None and window.ladder_birth_years is None:
        rows.append((f"lost births {lo}-{hi}", _period(ds, "lost_births", lo, hi), "persons"))
    else:
        on = [y for y in range(a, b + 1) if window.lost_births_on_ladder(y)]
        rows.append(
            (
                f"lost births {_years_text(on)} (on the ladder)",
                regime_lost_births(ds, window, a, b),
                "persons",
            )
        )
        if window.war_birth_years is not None:
            w_lo, w_hi = window.war_birth_years
            rows.append(
                (
                    f"lost births {w_lo}-{w_hi} outside the war's birth deficit (before the war "
                    "in its first year, and the pre-war fall below the trend carried through it; "
                    "not attributed: on no rung)",
                    war_years_lost_births_outside_deficit(ds, window),
                    "persons",
                )
            )
        off = unattributed_birth_years(window)
        if off:
            rows.append(
                (
                    f"lost births {_years_text(off)} (not attributed: on no rung)",
                    ds["lost_births"].sel(year=off).sum("year"),
                    "persons",
                )
            )
    if "war_losses" in ds:
        rows += [
            (f"war losses: {item}", ds["war_losses"].sel(war_item=item), "persons")
            for item in ds["war_item"].values
        ]
    rows.append(
        (
            f"echo births {lo}-{hi} (births the excess dead would have had)",
            _period(ds, "echo_births", lo, hi),
            "persons",
        )
    )
    for series in famine_registers(window):
        suffix = series.completeness_suffix
        if f"unregistered_famine_deaths{suffix}" not in ds:
            continue
        years = f"{series.year_list[0]}-{series.year_list[-1]}"
        rows += [
            (
                f"famine deaths {years} absent from the registered counts (the registration "
                "model's split, not an observation)",
                ds[f"unregistered_famine_deaths{suffix}"],
                "persons",
            ),
            (
                f"famine deaths {years} absent from the registered counts: of which by their "
                "lower registration than other deaths",
                ds[f"famine_deaths_below_registration_rate{suffix}"],
                "persons",
            ),
        ]
    censuses = [c.year for c in window.observed_censuses]
    rows += [
        (f"population shortfall 1 Jan {y}", ds["population_shortfall"].sel(date=y), "persons")
        for y in censuses
    ]
    rows += [
        (f"true population 1 Jan {y}", ds["population"].sel(date=y), "persons") for y in censuses
    ]
    for census in window.observed_censuses:
        if census.padding and f"padding_{census.year}" in ds:
            rows.append(
                (
                    f"{census.year} census padding (persons added)",
                    ds[f"padding_{census.year}_persons"],
                    "persons",
                )
            )
            rows.append(
                (
                    f"{census.year} census padding (share)",
                    ds[f"padding_{census.year}"],
                    "percent",
                )
            )
    y0 = window.initial_census.year
    rows += [
        (f"{y0} census undercount (persons)", ds[f"undercount_{y0}"], "persons"),
        (
            f"crude death rate {window.first_year}",
            ds["crude_death_rate"].sel(year=window.first_year),
            "per_1000",
        ),
        (f"total fertility rate {window.first_year}", ds["tfr"].sel(year=window.first_year), ""),
    ]
    rows += [
        (f"baseline e0 {y}, {sex}", ds["baseline_e0"].sel(year=y, sex=sex), "years")
        for y in (window.first_year, window.last_year)
        for sex in ("male", "female")
    ]
    return rows


def _years_text(years: list[int]) -> str:
    """``1927-1940`` for consecutive years, else the ranges joined by commas."""
    parts, start = [], None
    for i, y in enumerate(years):
        if start is None:
            start = y
        if i + 1 == len(years) or years[i + 1] != y + 1:
            parts.append(str(start) if start == y else f"{start}-{y}")
            start = None
    return ", ".join(parts)


def with_identification(table: pd.DataFrame, post_rows, prior_rows) -> pd.DataFrame:
    """``table`` (one row per headline quantity) with how much the data moved each one."""
    prior = {q: v for q, v, _ in prior_rows}
    extra = [report.identification(v, prior[q]) for q, v, _ in post_rows]
    return pd.concat([table, pd.DataFrame(extra)], axis=1)


def rows_table(rows, kind: str = INTERVAL_KIND, prob: float = INTERVAL_PROB):
    """(table, units) of (quantity, draws, unit) rows."""
    table = pd.DataFrame([{"quantity": q, **report.summarise(v, kind, prob)} for q, v, _ in rows])
    return table, {q: u for q, _, u in rows}


def tables_for(ds: xr.Dataset, window: Window, headline=None) -> dict:
    """Every table of a run: stem -> (table, units, title)."""
    headline = headline if headline is not None else headline_rows(ds, window)
    lo_w, hi_w = window.period
    out = {SUMMARY_FILE: (*rows_table(headline), "Headline estimands")}
    rows = [
        (f"{c.label}, {lo}-{hi}", _period(ds, "excess_deaths", lo, hi, cause=c.name), "persons")
        for c in window.causes
        for lo, hi in window.table_periods
    ]
    out["excess_deaths_by_cause_period"] = (*rows_table(rows), "Excess deaths by cause and period")
    rows = [
        (f"{c.label}, {y}", ds["excess_deaths"].sel(cause=c.name, year=y), "persons")
        for c in window.causes
        for y in c.year_list
    ]
    out["excess_deaths_by_cause_year"] = (*rows_table(rows), "Excess deaths by cause and year")
    rows = [
        (f"{c.label}, {s}", ds["excess_deaths_by_sex"].sel(cause=c.name, sex=s), "persons")
        for c in window.causes
        for s in ("male", "female")
    ]
    out["excess_deaths_by_sex"] = (
        *rows_table(rows),
        f"Excess deaths {lo_w}-{hi_w} by cause and sex",
    )
    rows = [
        (
            f"{c.label}, {s}, {g}",
            ds["excess_deaths_by_age_group"].sel(cause=c.name, sex=s, age_group=g),
            "persons",
        )
        for c in window.causes
        for s in ("male", "female")
        for g in window.age_group_labels
    ]
    out["excess_deaths_by_age_group"] = (
        *rows_table(rows),
        f"Excess deaths {lo_w}-{hi_w} by cause, sex and age at the start of the year",
    )
    rows = [(f"lost births {y}", ds["lost_births"].sel(year=y), "persons") for y in window.years]
    rows.append((f"lost births {lo_w}-{hi_w}", ds["lost_births"].sum("year"), "persons"))
    out["lost_births"] = (*rows_table(rows), "Lost births by year (baseline minus actual births)")
    labels = rung_labels(window)
    rows = [
        (f"ladder {r.rung}: {labels[r.rung]}", ds["ladder"].sel(rung=r.rung), "persons")
        for r in LADDER
    ]
    a, b = window.ladder_period
    out["ladder"] = (*rows_table(rows), f"Definition ladder, {a}-{b}")
    if "war_losses" in ds:
        rows = [
            (str(item), ds["war_losses"].sel(war_item=item), "persons")
            for item in ds["war_item"].values
        ]
        out["war_losses"] = (
            *rows_table(rows),
            "War losses (never on the ladder): excess deaths of the war's causes and the birth "
            "deficit of the war years",
        )
    rows = [r for r in headline if "census" in r[0] or "population" in r[0]]
    out["census"] = (*rows_table(rows), "Census padding, undercount and population shortfall")
    rows = [(f"TFR {y}", ds["tfr"].sel(year=y), "") for y in window.years]
    rows += [(f"baseline TFR {y}", ds["tfr_baseline"].sel(year=y), "") for y in window.years]
    out["tfr"] = (*rows_table(rows), "Total fertility rate by year, actual and baseline")
    rows = [(f"echo births {y}", ds["echo_births"].sel(year=y), "persons") for y in window.years]
    out["echo_births"] = (
        *rows_table(rows),
        "Echo: births the excess dead would have had, by year (counterfactual births minus "
        "the actual women's births at baseline fertility)",
    )
    return out


def write_outputs(run, directory: Path) -> list[Path]:
    """All tables and figures of ``run`` into ``directory``, from its draws only."""
    directory = Path(directory)
    from . import progress

    window, scenario = run.window, run.scenario.name
    progress.say("estimands of every posterior and prior draw")
    post = run.estimands()
    prior = run.estimands("prior") if "prior" in run.tree.children else None
    paths = []
    status = report.run_status(run.manifest)
    progress.say("tables")
    headline = headline_rows(post, window)
    prior_headline = headline_rows(prior, window) if prior is not None else None
    for stem, (table, units, title) in tables_for(post, window, headline).items():
        if stem == SUMMARY_FILE and prior_headline is not None:
            table = with_identification(table, headline, prior_headline)
            title += (
                " (prior_mass: the prior probability of the posterior's 90% interval, about"
                " 0.9 if the data taught nothing; prior_bounds: where the interval's ends"
                " fall in the prior)"
            )
        paths += report.write_table(
            table, directory / "tables", stem, f"{title}, scenario '{scenario}'", units, status
        )
    if prior_headline is not None:
        prior_rows = {q: v for q, v, _ in prior_headline}
        rows = []
        for q, v, u in headline:
            rows.append((f"posterior: {q}", v, u))
            rows.append((f"prior: {q}", prior_rows[q], u))
        table, units = rows_table(rows)
        paths += report.write_table(
            table,
            directory / "tables",
            "prior_posterior",
            f"Prior and posterior of the headline estimands, scenario '{scenario}'",
            units,
            status,
        )
    if prior is not None:
        from .sensitivity import write_sensitivity

        progress.say("identification report (power scaling on full runs)")
        # power scaling rebuilds the model and evaluates every draw (about 20 s): full runs
        paths += write_sensitivity(
            run,
            directory,
            power_scaling=run.manifest.get("power_scaling", not run.manifest.get("quick", False))
            and run.observations is not None,
        )
    if "census_age_noise" in run.tree["posterior"]:
        from . import checks

        for stem, table, title in (
            (
                "census_totals_check",
                checks.census_totals(run, post),
                "Each census count against its posterior predictive replicates and the latent "
                "total on the census date",
            ),
            (
                "census_residuals",
                checks.census_residuals(run, post),
                "Census composition residuals (centred log ratios, observed minus expected) "
                "by sex, age group and birth cohort",
            ),
            (
                "series_checks",
                checks.series_checks(run, post),
                "Each registered and archival observation against its posterior predictive "
                "replicates",
            ),
        ):
            title = f"{status}. {title}" if status else title
            paths += report.write_csv_with_metadata(
                table, directory / "tables" / f"{stem}.csv", title, status=status
            )
    claims = run.claims()
    lo, hi = window.period
    note = CLAIMS_NOTE.format(lo=lo, hi=hi)
    paths += report.write_csv_with_metadata(
        claims,
        directory / "tables" / "claims.csv",
        f"{status}. {note}" if status else note,
        CLAIMS_COLUMNS,
        status,
    )

    progress.say("figures")
    figdir = directory / "figures"
    figures = [
        ("excess_deaths_by_cause_year", plots.plot_excess_by_year, {"estimands": post}),
        ("ladder_claims", plots.plot_ladder, {"estimands": post, "claims": claims}),
        (
            "population_vs_census",
            plots.plot_pyramids,
            {"estimands": post, "observed": run.inputs.census_observed},
        ),
        ("tfr", plots.plot_tfr, {"estimands": post}),
    ]
    if prior is not None:
        figures.append(
            ("prior_vs_posterior", plots.plot_prior_posterior, {"prior": prior, "posterior": post})
        )
    if "census_age_noise" in run.tree["posterior"]:
        figures += [
            ("census_residuals", plots.plot_census_residuals, {"run": run}),
            ("series_checks", plots.plot_series_checks, {"run": run}),
        ]
    figures.append(("diagnostics", plots.plot_diagnostics, {"tree": run.tree}))
    if "sample_stats" in run.tree.children and "energy" in run.tree["sample_stats"]:
        figures.append(("energy", plots.plot_energy, {"tree": run.tree}))
    for stem, fn, kwargs in figures:
        fn = cast(Any, fn)
        fig = fn(**kwargs, window=window, scenario=scenario)
        data = getattr(plots, f"{fn.__name__[len('plot_') :]}_data")(**kwargs, window=window)
        where = figdir / "diagnostics" if stem in DIAGNOSTIC_FIGURES else figdir
        paths += plots.save_figure(fig, where, stem, data, status, FIGURE_CAPTIONS.get(stem, ""))
    return paths


def headline(directory: Path) -> pd.DataFrame:
    """The headline table of a results folder, as written."""
    return report.read_table(Path(directory) / "tables" / f"{SUMMARY_FILE}.csv")
