"""Plots: keyword-only functions that take ``ax=None`` (draw into the caller's axes, or a
new figure) and return the figure, each with a ``*_data`` twin that returns the plotted
numbers as a DataFrame (written beside each figure as CSV).

Only this module touches matplotlib, and importing it never selects a backend
(``matplotlib.use``): the command line chooses Agg for itself.  Diagnostics figures (rank
and energy plots) come from ``arviz_plots``, which makes its own figures: they take no
``ax``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.ticker import FuncFormatter, MaxNLocator

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .window import Window

from .constants import INTERVAL_KIND, INTERVAL_LABEL, INTERVAL_PROB

MILLIONS = FuncFormatter(lambda x, _: f"{x / 1e6:,.0f}")


def shortfall_data(
    *, prior: np.ndarray, posterior: np.ndarray, census: float, bins: int = 60
) -> pd.DataFrame:
    """Histogram densities (per million persons) of the prior and posterior expected population."""
    lo = min(np.quantile(prior, 0.005), np.quantile(posterior, 0.005), census) * 0.98
    hi = max(np.quantile(prior, 0.995), np.quantile(posterior, 0.995)) * 1.02
    edges = np.linspace(lo, hi, bins + 1)
    width_m = (edges[1] - edges[0]) / 1e6
    p, _ = np.histogram(prior, edges)
    q, _ = np.histogram(posterior, edges)
    return pd.DataFrame(
        {
            "population_lower": edges[:-1],
            "population_upper": edges[1:],
            "prior_density_per_million": p / p.sum() / width_m,
            "posterior_density_per_million": q / q.sum() / width_m,
        }
    )


def plot_shortfall(
    *,
    prior: np.ndarray,
    posterior: np.ndarray,
    census: float,
    expectations: pd.DataFrame | None = None,
    scenario: str = "default",
    ax=None,
):
    """Prior and posterior of the expected Jan 1937 population against the census count."""
    data = shortfall_data(prior=prior, posterior=posterior, census=census)
    fig, ax = _axes(ax, figsize=(7.0, 4.2))
    mid = (data.population_lower + data.population_upper) / 2
    w = data.population_upper - data.population_lower
    ax.bar(mid, data.prior_density_per_million, width=w, color="0.8", label="prior")
    ax.bar(
        mid,
        data.posterior_density_per_million,
        width=w,
        color="tab:blue",
        alpha=0.6,
        label="posterior",
    )
    lo, hi = np.quantile(posterior, [(1 - INTERVAL_PROB) / 2, (1 + INTERVAL_PROB) / 2])
    ymax = float(
        max(data.prior_density_per_million.max(), data.posterior_density_per_million.max())
    )
    ax.errorbar(
        [np.median(posterior)],
        [ymax * 1.06],
        xerr=[[np.median(posterior) - lo], [hi - np.median(posterior)]],
        fmt="o",
        color="tab:blue",
        capsize=3,
        label=f"posterior median, {INTERVAL_LABEL}",
    )
    ax.axvline(census, color="black", lw=2)
    ax.annotate(
        f"1937 census\n{census / 1e6:.1f} M",
        (census, ymax * 0.9),
        xytext=(-6, 0),
        textcoords="offset points",
        ha="right",
        fontsize=9,
    )
    if expectations is not None:
        for _, r in expectations.iterrows():
            if pd.notna(r["low"]) and pd.notna(r["high"]):
                ax.axvspan(r["low"], r["high"], color="tab:red", alpha=0.15)
            ax.axvline(r["figure"], color="tab:red", ls="--", lw=1)
            ax.annotate(
                r["author"],
                (r["figure"], ymax * 0.6),
                rotation=90,
                fontsize=8,
                color="tab:red",
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
            )
    ax.xaxis.set_major_formatter(MILLIONS)
    ax.set_xlabel("Population of the USSR, January 1937 (millions)")
    ax.set_ylabel("Probability density (per million persons)")
    ax.set_title(
        f"Expected 1937 population without the crisis vs the census ({scenario} scenario)",
        fontsize=10,
    )
    ax.set_ylim(0, ymax * 1.15)
    ax.legend(fontsize=8, loc="upper right")
    return fig


def save_figure(
    fig,
    directory: Path,
    stem: str,
    data: pd.DataFrame,
    status: str | None = None,
    caption: str = "",
) -> list[Path]:
    """PNG and PDF of ``fig``, and the plotted numbers as CSV with its caption in a
    ``.csv-metadata.json`` sidecar; ``status`` (a quick or failed run:
    ``report.run_status``) is stamped across the figure and kept in the CSV."""
    from .report import write_csv_with_metadata

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if status:
        fig.text(
            0.5,
            0.5,
            status,
            ha="center",
            va="center",
            rotation=20,
            fontsize=16,
            color="#cc0000",
            alpha=0.35,
            transform=fig.transFigure,
            zorder=1000,
        )
        data = data.assign(run_status=status)
    paths = [directory / f"{stem}.png", directory / f"{stem}.pdf"]
    fig.savefig(paths[0], dpi=200)
    fig.savefig(paths[1], metadata={"CreationDate": None})
    title = f"{status}. {caption}" if status else caption
    paths += write_csv_with_metadata(data, directory / f"{stem}.csv", title, status=status)
    plt.close(fig)
    return paths


# ---------------------------------------------------------------------------------------
# Figures of a window's run
# ---------------------------------------------------------------------------------------

#: Colours of causes by their first distinctive tag; a cause may name its own.
TAG_COLOURS = {
    "famine": "#b2182b",
    "executions": "#000000",
    "custodial": "#5e3c99",
    "war": "#1b7837",
    "residual": "#bbbbbb",
    "other": "#999999",
}
PALETTE = (
    "#8c510a",
    "#5e3c99",
    "#d8b365",
    "#762a83",
    "#35978f",
    "#c51b7d",
    "#2166ac",
    "#e08214",
    "#542788",
    "#01665e",
)
#: The war's causes in greens, one shade each: the war reads as one family of colours.
WAR_SHADES = ("#1b7837", "#5aae61", "#a6dba0", "#00441b", "#d9f0d3")
MILLIONS_1 = FuncFormatter(lambda x, _: f"{x / 1e6:,.1f}")
SAMPLE_DIMS = ("chain", "draw")


def _axes(ax: Any, n: int = 1, vertical: bool = False, **subplots: Any) -> tuple[Any, Any]:
    """``(fig, ax)``: the caller's axes (one, or a sequence of ``n``), or new ones (``n``
    panels side by side, or stacked when ``vertical``)."""
    if ax is None:
        shape = (n, 1) if vertical else (1, n)
        return plt.subplots(*shape, layout="constrained", **subplots)
    axes = np.atleast_1d(ax)
    if len(axes) != n:
        raise ValueError(f"this plot draws {n} panel(s): pass {n} axes, got {len(axes)}")
    return axes[0].figure, (axes if n > 1 else axes[0])


def cause_colours(window) -> dict[str, str]:
    """A colour per cause: the war's causes in shades of green; the others by their
    distinctive tag (famine, executions ...), else (and for a second cause of the same tag)
    the next colour of the palette."""
    out: dict[str, str] = {}
    k = w = 0
    for c in window.causes:
        if c.has("war"):
            out[c.name], w = WAR_SHADES[w % len(WAR_SHADES)], w + 1
            continue
        tag = next((t for t in c.tags if t in TAG_COLOURS and t != "custodial"), "")
        colour = TAG_COLOURS.get(tag)
        if colour is None or colour in out.values():
            colour, k = PALETTE[k % len(PALETTE)], k + 1
        out[c.name] = colour
    return out


def quantiles(da: xr.DataArray) -> np.ndarray:
    """``[lower, median, upper, ...]`` of a quantity over chain and draw: the interval from
    ``arviz_stats`` (the project's kind and probability)."""
    import arviz_stats as azs

    dims = [d for d in SAMPLE_DIMS if d in da.dims]
    fn: Any = {"eti": azs.eti, "hdi": azs.hdi}[INTERVAL_KIND]
    bounds = fn(da, prob=INTERVAL_PROB, dim=dims)
    med = da.median(dims)
    return np.stack(
        [bounds.sel(ci_bound="lower").values, med.values, bounds.sel(ci_bound="upper").values]
    )


def _interval_bars(ax, x, q, label):
    """Black error bars from the lower to the upper bound around the median (``q`` as
    returned by :func:`quantiles`)."""
    ax.errorbar(
        x,
        q[1],
        yerr=[q[1] - q[0], q[2] - q[1]],
        fmt="none",
        ecolor="black",
        capsize=3,
        lw=1,
        label=label,
    )


def excess_by_year_data(*, estimands: xr.Dataset, window: Window) -> pd.DataFrame:
    """Posterior median excess deaths by cause and year, the interval of all causes
    together, and lost births by year."""
    ex = estimands["excess_deaths"]
    med = ex.median(SAMPLE_DIMS)
    total = quantiles(ex.sum("cause"))
    lost = quantiles(estimands["lost_births"])
    rows = []
    for j, y in enumerate(window.years):
        row: dict[str, float] = {"year": int(y)}
        row |= {f"{c}_median": float(med.sel(cause=c, year=y)) for c in window.cause_names}
        row |= {
            "all_causes_lower": total[0, j],
            "all_causes_median": total[1, j],
            "all_causes_upper": total[2, j],
            "lost_births_lower": lost[0, j],
            "lost_births_median": lost[1, j],
            "lost_births_upper": lost[2, j],
        }
        rows.append(row)
    return pd.DataFrame(rows)


def plot_excess_by_year(
    *,
    estimands: xr.Dataset,
    window: Window,
    scenario: str = "default",
    ax: Any = None,
) -> Figure:
    """Excess deaths by cause and year (stacked posterior medians, with the interval of the
    total) above lost births by year; ``ax``: two axes, or None."""
    from .estimands import margin_label

    data = excess_by_year_data(estimands=estimands, window=window)
    fig, (ax1, ax2) = _axes(
        ax, 2, vertical=True, figsize=(8.6, 6.4), sharex=True, height_ratios=[2, 1]
    )
    years = data["year"].to_numpy()
    colours = cause_colours(window)
    bottom = np.zeros(len(years))
    for c in window.causes:
        values = data[f"{c.name}_median"].to_numpy()
        if c.ladder_years is None:
            ax1.bar(years, values, bottom=bottom, color=colours[c.name], label=c.label, width=0.8)
        else:  # on the ladder in its core years; hatched and pale where not attributed
            lo, hi = c.ladder_years
            core = (years >= lo) & (years <= hi)
            ax1.bar(
                years[core],
                values[core],
                bottom=bottom[core],
                color=colours[c.name],
                label=c.ladder_label or c.label,
                width=0.8,
            )
            ax1.bar(
                years[~core],
                values[~core],
                bottom=bottom[~core],
                color=colours[c.name],
                alpha=0.35,
                hatch="///",
                edgecolor="white",
                label=f"{margin_label(c)}: not attributed",
                width=0.8,
            )
        bottom += values
    if window.war_causes:  # the war's years in a band of their own: never on the ladder
        war_years = [y for c in window.war_causes for y in c.year_list]
        ax1.axvspan(
            min(war_years) - 0.5,
            max(war_years) + 0.5,
            color="tab:gray",
            alpha=0.12,
            zorder=0,
            label=f"war {min(war_years)}-{max(war_years)} (its own table, never on the ladder)",
        )
    total = data[["all_causes_lower", "all_causes_median", "all_causes_upper"]].to_numpy().T
    _interval_bars(ax1, years, total, f"all causes: {INTERVAL_LABEL}")
    ax1.yaxis.set_major_formatter(MILLIONS_1)
    ax1.set_ylabel("Excess deaths (millions)")
    ax1.set_title(
        f"Excess deaths by cause and year (posterior medians; {scenario} scenario)", fontsize=10
    )
    # beside the axes, never over the bars or their intervals
    ax1.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    lost = data[["lost_births_lower", "lost_births_median", "lost_births_upper"]].to_numpy().T
    ax2.bar(years, lost[1], color="tab:blue", width=0.8, label="posterior median")
    _interval_bars(ax2, years, lost, INTERVAL_LABEL)
    ax2.axhline(0, color="black", lw=0.6)
    ax2.yaxis.set_major_formatter(MILLIONS_1)
    ax2.set_ylabel("Lost births (millions)")
    ax2.set_xlabel("Year")
    ax2.set_xticks(years if len(years) <= 16 else years[::2])  # 32 years: every other
    ax2.tick_params(axis="x", labelrotation=45)
    ax2.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


def ladder_data(*, estimands: xr.Dataset, claims: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Median and interval of each rung of the ladder over the window, then one row per
    published claim that names a rung (its figure, and whether its period is the same)."""
    q = quantiles(estimands["ladder"])
    rungs = [str(r) for r in estimands["rung"].values]
    rows = pd.DataFrame(
        {"kind": "rung", "rung": rungs, "lower": q[0], "median": q[1], "upper": q[2]}
    )
    if len(claims):
        shown = claims[claims.estimand.str.startswith("ladder:")]
        rows = pd.concat(
            [
                rows,
                pd.DataFrame(
                    {
                        "kind": "claim",
                        "rung": shown.estimand.str.split(":").str[1],
                        "claim": shown.claim,
                        "author": shown.author,
                        "figure": shown.figure,
                        "comparable": shown.comparable,
                        "period_first": shown.period_first,
                        "period_last": shown.period_last,
                        "lower": shown.model_lower,
                        "median": shown.model_median,
                        "upper": shown.model_upper,
                    }
                ),
            ],
            ignore_index=True,
        )
    return rows


def _claim_label(r) -> str:
    """``Conquest 1968: 20 M, 1930s-1953`` (the author's first name, the figure, the period)."""
    author = r.author.split(",")[0].split(" (")[0]
    return f"{author} {int(r.year)}: {r.figure / 1e6:,.3g} M, {r.claim_period}"


def plot_ladder(
    *,
    estimands: xr.Dataset,
    claims: pd.DataFrame,
    window: Window,
    scenario: str = "default",
    ax: Any = None,
) -> Figure:
    """The definition ladder (posterior median and interval per rung) with the published
    claims that name a rung placed against it, one row per claim under its rung (so no two
    labels overlap), each with the model's interval over the claim's own years."""
    from .estimands import rung_labels

    data = ladder_data(estimands=estimands, claims=claims, window=window)
    data = data[data["kind"] == "rung"].reset_index(drop=True)
    rungs = list(data["rung"])
    labels = rung_labels(window)
    shown = claims[claims.estimand.str.startswith("ladder:")] if len(claims) else claims
    by_rung: dict[str, list[Any]] = {r: [] for r in rungs}
    for c in shown.itertuples():
        rung = c.estimand.split(":")[1]
        if rung in by_rung:
            by_rung[rung].append(c)
    # rows top to bottom: each rung, then its claims (largest figure first)
    rows: list[tuple[str, str, Any]] = []
    for rung in rungs:
        rows.append(("rung", rung, None))
        rows += [("claim", rung, c) for c in sorted(by_rung[rung], key=lambda c: -c.figure)]
    n = len(rows)
    own = ax is None
    fig, ax = _axes(ax, figsize=(9.0, max(4.5, 0.22 * n + 1.8)))
    y = {i: n - 1 - i for i in range(n)}
    rung_y = [y[i] for i, (kind, _, _) in enumerate(rows) if kind == "rung"]
    ax.hlines(
        rung_y,
        data["lower"],
        data["upper"],
        color="tab:blue",
        lw=6,
        alpha=0.6,
        label=INTERVAL_LABEL,
    )
    ax.plot(data["median"], rung_y, "o", color="tab:blue", label="posterior median")
    first_c = first_n = first_own = True
    for i, (kind, _, r) in enumerate(rows):
        if kind == "rung":
            if i:
                ax.axhline(y[i] + 0.5, color="0.85", lw=0.6)
            continue
        # the model's interval over the claim's own years (the claim's overlap with the window)
        ax.hlines(
            y[i],
            r.model_lower,
            r.model_upper,
            color="0.4",
            lw=1.2,
            label="model, the claim's own years" if first_own else None,
        )
        first_own = False
        kw = dict(color="tab:red", ms=5, ls="none")
        if r.comparable:
            ax.plot(r.figure, y[i], "v", **kw, label="claim, same period" if first_c else None)
            first_c = False
        else:
            label = "claim not comparable (longer period or other population)" if first_n else None
            ax.plot(r.figure, y[i], "v", mfc="none", **kw, label=label)
            first_n = False
        ax.annotate(
            _claim_label(r),
            xy=(1.0, y[i]),
            xycoords=("axes fraction", "data"),
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=6.5,
            va="center",
            color="tab:red" if r.comparable else "0.35",
        )
    ticks = [textwrap.fill(f"{r}. {labels[r]}", 34) for r in rungs]
    ax.set_yticks(rung_y, ticks, fontsize=7.5)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x / 1e6:g}"))
    lo, hi = window.ladder_period
    ax.set_xlabel(f"Deaths (millions, log scale), {lo}-{hi}")
    ax.set_title(f"Definition ladder and published claims ({scenario} scenario)", fontsize=10)
    ax.set_ylim(-0.7, n - 0.3)
    if own:  # below the axes, outside the data (constrained layout makes room)
        fig.legend(fontsize=7, loc="outside lower center", ncol=3)
    else:
        ax.legend(fontsize=7, loc="best")
    return fig


def pyramids_data(*, estimands: xr.Dataset, observed: dict, window: Window) -> pd.DataFrame:
    """Latent population by census, sex and age group (median and interval) and the
    census count."""
    rows = []
    for census in estimands["census"].values:
        q = quantiles(estimands["population_by_age_group"].sel(census=census))
        obs = observed[int(census)]
        for s, sex in enumerate(("male", "female")):
            for g, grp in enumerate(window.age_group_labels):
                rows.append(
                    {
                        "census": int(census),
                        "sex": sex,
                        "age_group": grp,
                        "census_count": obs[s, g],
                        "latent_lower": q[0, s, g],
                        "latent_median": q[1, s, g],
                        "latent_upper": q[2, s, g],
                    }
                )
    return pd.DataFrame(rows)


def plot_pyramids(
    *,
    estimands: xr.Dataset,
    observed: dict,
    window: Window,
    scenario: str = "default",
    ax: Any = None,
) -> Figure:
    """Latent population by sex and age group (median and interval) against each observed
    census (armies added, padding included); ``ax``: one axes per census."""
    data = pyramids_data(estimands=estimands, observed=observed, window=window)
    censuses = list(dict.fromkeys(data["census"]))
    fig, axes = _axes(ax, len(censuses), figsize=(1.2 + 3.0 * len(censuses), 5.2), sharey=True)
    axes = np.atleast_1d(axes)
    groups = window.age_group_labels
    y = np.arange(len(groups))
    for ax_, census in zip(axes, censuses, strict=True):
        for sex, sign, colour in (("male", -1, "tab:blue"), ("female", 1, "tab:red")):
            d = data[(data.census == census) & (data.sex == sex)]
            men = "men" if sex == "male" else "women"
            ax_.barh(
                y,
                sign * d["census_count"],
                color=colour,
                alpha=0.35,
                height=0.9,
                label=f"census, {men}",
            )
            ax_.hlines(
                y,
                sign * d["latent_lower"],
                sign * d["latent_upper"],
                color=colour,
                lw=3,
                label=f"latent, {men}",
            )
            ax_.plot(sign * d["latent_median"], y, "|", color="black", ms=6)
        ax_.axvline(0, color="black", lw=0.6)
        ax_.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{abs(x) / 1e6:g}"))
        ax_.set_xlabel("persons (millions)")
        ax_.set_title(f"{census} census", fontsize=10)
    axes[0].set_yticks(y, groups, fontsize=7)
    axes[0].set_ylabel("Age group")
    axes[0].legend(fontsize=6, loc="upper left")
    fig.suptitle(
        f"Latent population against each census, men left, women right (bars: census; "
        f"lines: latent, {INTERVAL_LABEL}; tick: median) - {scenario}",
        fontsize=9,
    )
    return fig


def tfr_data(*, estimands: xr.Dataset, window: Window) -> pd.DataFrame:
    q = quantiles(estimands["tfr"])
    data = pd.DataFrame({"year": window.years, "lower": q[0], "median": q[1], "upper": q[2]})
    if "tfr_baseline" in estimands:
        data["baseline_median"] = estimands["tfr_baseline"].median(SAMPLE_DIMS).values
    return data


def plot_tfr(
    *,
    estimands: xr.Dataset,
    window: Window,
    scenario: str = "default",
    ax: Any = None,
) -> Figure:
    """Total fertility rate by year with its no-crisis baseline."""
    data = tfr_data(estimands=estimands, window=window)
    fig, ax = _axes(ax, figsize=(6.5, 3.8))
    years = data["year"]
    ax.fill_between(
        years, data["lower"], data["upper"], color="tab:blue", alpha=0.3, label=INTERVAL_LABEL
    )
    ax.plot(years, data["median"], "o-", color="tab:blue", label="posterior median")
    if "baseline_median" in data:
        ax.plot(
            years,
            data["baseline_median"],
            "--",
            color="grey",
            label="baseline without the crisis (median)",
        )
    ax.set_ylabel("Total fertility rate (births per woman)")
    ax.set_xlabel("Year")
    ax.set_xticks(years if len(years) <= 16 else years[::2])  # 32 years: every other
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_ylim(0, None)
    crises = ", ".join(f"{d.years[0]}-{d.years[1]}" for d in window.deviations)
    ax.set_title(f"Fertility and its crisis deviations {crises} ({scenario} scenario)", fontsize=10)
    ax.legend(fontsize=8)
    return fig


def _prior_posterior_items(window):
    items = []
    for c in window.observed_censuses:
        if c.padding:
            label = f"{c.year} census padding (millions of persons)"
            items.append((f"padding_{c.year}_persons", None, label, 1e6))
    y0 = window.initial_census.year
    items.append((f"undercount_{y0}", None, f"{y0} census undercount (millions of persons)", 1e6))
    y1 = window.first_year
    items.append(("crude_death_rate", {"year": y1}, f"Crude death rate {y1} (per 1000)", 1e-3))
    return items


def prior_posterior_data(
    *, prior: xr.Dataset, posterior: xr.Dataset, window: Window
) -> pd.DataFrame:
    rows = []
    for name, sel, _, _scale in _prior_posterior_items(window):
        for group, ds in (("prior", prior), ("posterior", posterior)):
            q = quantiles(ds[name].sel(sel or {}))
            rows.append(
                {"quantity": name, "group": group, "lower": q[0], "median": q[1], "upper": q[2]}
            )
    return pd.DataFrame(rows)


def plot_prior_posterior(
    *,
    prior: xr.Dataset,
    posterior: xr.Dataset,
    window: Window,
    scenario: str = "default",
    ax: Any = None,
) -> Figure:
    """Prior against posterior for the census padding, the initial census's undercount and
    the first year's crude death rate (baseline mortality)."""
    items = _prior_posterior_items(window)
    fig, axes = _axes(ax, len(items), figsize=(9.0, 3.2))
    for ax_, (name, sel, label, scale) in zip(np.atleast_1d(axes), items, strict=True):
        a = prior[name].sel(sel or {}).values.ravel() / scale
        b = posterior[name].sel(sel or {}).values.ravel() / scale
        lo, hi = np.quantile(np.concatenate([a, b]), [0.005, 0.995])
        bins = np.linspace(lo, hi, 50)
        ax_.hist(a, bins=bins, density=True, color="grey", alpha=0.5, label="prior")
        ax_.hist(b, bins=bins, density=True, color="tab:blue", alpha=0.6, label="posterior")
        ax_.set_xlabel(label, fontsize=8)
        ax_.set_yticks([])
    np.atleast_1d(axes)[0].legend(fontsize=8)
    fig.suptitle(f"Prior versus posterior ({scenario} scenario)", fontsize=10)
    return fig


def _diagnostic_vars(tree, window) -> list[str]:
    post = tree["posterior"]
    wanted = ["mortality_level", f"tfr_{window.first_year}", "census_age_noise"]
    wanted += [f"padding_{c.year}" for c in window.observed_censuses if c.padding]
    wanted += [c.prior_name for c in window.hazard_causes]
    from .model.components import initial

    wanted += list(initial.names(window))
    return [v for v in wanted if v in post]


def diagnostics_data(*, tree: xr.DataTree, window) -> pd.DataFrame:
    """r_hat, bulk and tail ESS (``arviz_stats``) of the parameters in the rank plots."""
    import arviz_stats as azs

    names = _diagnostic_vars(tree, window)
    post = tree["posterior"].to_dataset()[names]
    out = []
    stats = {
        "r_hat": azs.rhat(post),
        "ess_bulk": azs.ess(post, method="bulk"),
        "ess_tail": azs.ess(post, method="tail"),
    }
    for name in names:
        da = stats["r_hat"][name]
        for idx in np.ndindex(da.shape):
            row: dict[str, Any] = {
                "parameter": name,
                "element": ",".join(map(str, idx)) if idx else "",
            }
            row |= {k: float(v[name].values[idx]) for k, v in stats.items()}
            out.append(row)
    return pd.DataFrame(out)


def plot_diagnostics(*, tree: xr.DataTree, window, scenario: str = "default"):
    """Rank ECDF plots by chain (``arviz_plots.plot_rank``, with its simultaneous
    envelope) of the key parameters."""
    import arviz_plots as azp

    pc = azp.plot_rank(tree, var_names=_diagnostic_vars(tree, window), backend="matplotlib")
    fig = pc.viz["figure"].item()
    # one-line, smaller panel titles and a layout that keeps them off the tick labels
    for axis in fig.axes:
        axis.set_title(" ".join(axis.get_title().split()), fontsize=8)
        axis.tick_params(labelsize=7)
    width, height = fig.get_size_inches()
    fig.set_size_inches(width, height * 1.25)
    fig.set_layout_engine("constrained")
    fig.suptitle(f"Rank ECDF by chain, key parameters ({scenario} scenario)", fontsize=9)
    return fig


def energy_data(*, tree: xr.DataTree, window) -> pd.DataFrame:
    """E-BFMI by chain (``arviz_stats.bfmi``)."""
    import arviz_stats as azs

    bfmi = np.atleast_1d(azs.bfmi(tree["sample_stats"]["energy"]).values)
    return pd.DataFrame({"chain": np.arange(len(bfmi)), "e_bfmi": bfmi})


def plot_energy(*, tree: xr.DataTree, window, scenario: str = "default"):
    """Marginal energy against energy transitions (``arviz_plots.plot_energy``)."""
    import arviz_plots as azp

    fig = azp.plot_energy(tree, backend="matplotlib").viz["figure"].item()
    for axis in fig.axes:  # chains are whole numbers
        if axis.get_ylabel().lower() == "chain":
            axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    fig.suptitle(f"Energy ({scenario} scenario)", fontsize=9)
    return fig


# ---------------------------------------------------------------------------------------
# Posterior predictive checks
# ---------------------------------------------------------------------------------------


def census_residuals_data(*, run, window) -> pd.DataFrame:
    """Residuals of each census's counts (:func:`stalin_mortality.checks.census_residuals`)."""
    from .checks import census_residuals

    return census_residuals(run)


def plot_census_residuals(*, run, window, scenario: str = "default", ax=None):
    """Residual of each census count by sex and age group (log observed / expected, in
    %) against the group's birth cohorts, one colour per census: a misfit repeated for the
    same cohorts in two censuses is a misfit of the account, not of one census.  The grey
    band is the census noise's 90% band; a dashed line is what the census's old-age
    exaggeration moves (log of the expected count over the count without it: already in
    the expected count, so not in the residual)."""
    data = census_residuals_data(run=run, window=window)
    own = ax is None
    fig, axes = _axes(ax, n=2, figsize=(9.0, 4.2), sharey=True)
    years = sorted(data.census.unique())
    colours = {y: f"C{i}" for i, y in enumerate(years)}
    for axis, sex in zip(axes, ("male", "female"), strict=True):
        d = data[data.sex == sex]
        noise = 100 * 1.645 * d.noise_median.iloc[0]
        lo_c, hi_c = d.cohort_first.min(), d.cohort_last.max()
        axis.axhspan(-noise, noise, color="0.88", zorder=0, label="census noise, 90%")
        axis.axhline(0, color="0.5", lw=0.8)
        for year, dd in d.groupby("census"):
            mid = (dd.cohort_first + dd.cohort_last) / 2
            axis.errorbar(
                mid,
                100 * dd.residual_median,
                yerr=[
                    100 * (dd.residual_median - dd.residual_lower),
                    100 * (dd.residual_upper - dd.residual_median),
                ],
                fmt="o-",
                ms=3,
                lw=0.8,
                capsize=2,
                color=colours[year],
                label=f"census {year}",
            )
            if "misreporting_median" in dd and (dd.misreporting_median != 0).any():
                axis.plot(
                    mid,
                    100 * dd.misreporting_median,
                    ls="--",
                    lw=0.9,
                    color=colours[year],
                    label=f"census {year}: its age misreporting terms (in the expected count)",
                )
        axis.set_xlim(lo_c - 2, hi_c + 2)
        axis.set_title(sex, fontsize=9)
        axis.set_xlabel("birth cohort (years)")
    axes[0].set_ylabel("log(observed / expected share), centred, %")
    if own:  # below the panels, off the data
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, fontsize=7, loc="outside lower center", ncol=3)
    else:
        axes[0].legend(fontsize=7, loc="best")
    fig.suptitle(f"Census residuals by cohort ({scenario} scenario)", fontsize=10)
    return fig


def series_checks_data(*, run, window) -> pd.DataFrame:
    """Registered and archival observations against their replicates
    (:func:`stalin_mortality.checks.series_checks`)."""
    from .checks import series_checks

    return series_checks(run)


def plot_series_checks(*, run, window, scenario: str = "default", ax=None):
    """Each registered or archival observation divided by its replicates' median, with the
    replicates' interval: a point outside its bar is a misfit."""
    data = series_checks_data(run=run, window=window)
    own = ax is None
    fig, ax = _axes(ax, figsize=(7.5, 1.2 + 0.28 * len(data)))
    y = np.arange(len(data))[::-1]
    med = data.replicate_median.values
    ax.hlines(
        y,
        data.replicate_lower / med,
        data.replicate_upper / med,
        color="tab:blue",
        lw=5,
        alpha=0.5,
        label=f"replicates, {INTERVAL_LABEL}",
    )
    ax.plot(data.observed / med, y, "o", color="black", ms=4, label="observed")
    ax.axvline(1, color="0.5", lw=0.8)
    ax.set_yticks(
        y,
        [
            textwrap.shorten(f"{s}: {o}", 60)
            for s, o in zip(data.series, data.observation, strict=True)
        ],
        fontsize=7,
    )
    ax.set_xlabel("observed / median replicate")
    ax.set_title(
        f"Registered and archival series against replicates ({scenario} scenario)", fontsize=9
    )
    if own:  # below the axes, off the data
        fig.legend(fontsize=7, loc="outside lower center", ncol=2)
    else:
        ax.legend(fontsize=7, loc="best")
    return fig
