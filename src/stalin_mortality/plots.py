"""Plots: keyword-only functions returning ``(fig, ax)``, each with a ``*_data`` twin that
returns the plotted numbers as a DataFrame (written beside each figure as CSV).

Only this module touches matplotlib.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from .constants import INTERVAL_LABEL, INTERVAL_PROB

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
):
    """Prior and posterior of the expected Jan 1937 population against the census count."""
    data = shortfall_data(prior=prior, posterior=posterior, census=census)
    fig, ax = plt.subplots(figsize=(7.0, 4.2), layout="constrained")
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
    return fig, ax


def save_figure(fig, directory: Path, stem: str, data: pd.DataFrame) -> list[Path]:
    """PNG and PDF of ``fig``, and the plotted numbers as CSV."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{stem}.png", directory / f"{stem}.pdf", directory / f"{stem}.csv"]
    fig.savefig(paths[0], dpi=200)
    fig.savefig(paths[1], metadata={"CreationDate": None})
    data.to_csv(paths[2], index=False, float_format="%.6g")
    plt.close(fig)
    return paths


# ---------------------------------------------------------------------------------------
# The 1927-1939 cohort-component study
# ---------------------------------------------------------------------------------------

CAUSE_COLOURS = {
    "famine_1932_33": "#b2182b",
    "dekulakisation": "#8c510a",
    "executions": "#000000",
    "gulag": "#5e3c99",
    "deportations": "#d8b365",
    "unattributed": "#999999",
}
CAUSE_LABELS = {
    "famine_1932_33": "famine 1932-34",
    "dekulakisation": "dekulakisation",
    "executions": "executions",
    "gulag": "Gulag",
    "deportations": "deportations",
    "unattributed": "unattributed",
}
MILLIONS_1 = FuncFormatter(lambda x, _: f"{x / 1e6:,.1f}")
Q = ((1 - INTERVAL_PROB) / 2, 0.5, (1 + INTERVAL_PROB) / 2)


def _q(values, axis=0):
    return np.quantile(values, Q, axis=axis)


def _interval_bars(ax, x, q, label):
    """Black error bars from the lower to the upper quantile around the median (``q`` as
    returned by :func:`_q`)."""
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


def plot_excess_by_year(ds, scenario: str):
    """Excess deaths by cause and year (stacked posterior medians, with the interval of the
    total) and lost births by year."""
    years = ds["year"].values
    causes = list(ds["cause"].values)
    ex = ds["excess_deaths"].values  # [sample, cause, year]
    med = np.median(ex, axis=0)
    total = _q(ex.sum(axis=1))
    lost = _q(ds["lost_births"].values)
    fig, (ax1, ax2) = plt.subplots(
        2, 1, figsize=(7.0, 6.4), sharex=True, height_ratios=[2, 1], layout="constrained"
    )
    bottom = np.zeros(len(years))
    for i, c in enumerate(causes):
        ax1.bar(
            years,
            med[i],
            bottom=bottom,
            color=CAUSE_COLOURS.get(c),
            label=CAUSE_LABELS[c],
            width=0.8,
        )
        bottom += med[i]
    _interval_bars(ax1, years, total, f"all causes: {INTERVAL_LABEL}")
    ax1.yaxis.set_major_formatter(MILLIONS_1)
    ax1.set_ylabel("Excess deaths (millions)")
    ax1.set_title(
        f"Excess deaths by cause and year (posterior medians; {scenario} scenario)", fontsize=10
    )
    ax1.legend(fontsize=8, ncol=2, loc="upper left")
    ax2.bar(years, lost[1], color="tab:blue", width=0.8, label="posterior median")
    _interval_bars(ax2, years, lost, INTERVAL_LABEL)
    ax2.axhline(0, color="black", lw=0.6)
    ax2.yaxis.set_major_formatter(MILLIONS_1)
    ax2.set_ylabel("Lost births (millions)")
    ax2.set_xlabel("Year")
    ax2.set_xticks(years)
    ax2.tick_params(axis="x", labelrotation=45)
    ax2.legend(fontsize=8, loc="upper left")
    rows = []
    for j, y in enumerate(years):
        row = {"year": int(y)}
        row |= {f"{c}_median": med[i, j] for i, c in enumerate(causes)}
        row |= {
            "all_causes_lower": total[0, j],
            "all_causes_median": total[1, j],
            "all_causes_upper": total[2, j],
            "lost_births_lower": lost[0, j],
            "lost_births_median": lost[1, j],
            "lost_births_upper": lost[2, j],
        }
        rows.append(row)
    return fig, pd.DataFrame(rows)


def plot_ladder(ds, claims: pd.DataFrame, scenario: str):
    """The definition ladder (posterior median and interval per rung) with the published
    claims that name a rung placed against it."""
    rungs = list(ds["rung"].values)
    q = _q(ds["ladder"].values)  # [3, rung]
    from .estimands import LADDER, LADDER_PERIOD

    labels = {r: f"{r}. {lab}" for r, lab, _ in LADDER}
    fig, ax = plt.subplots(figsize=(7.5, 5.2), layout="constrained")
    ypos = np.arange(len(rungs))[::-1]
    ax.hlines(ypos, q[0], q[2], color="tab:blue", lw=6, alpha=0.6, label=INTERVAL_LABEL)
    ax.plot(q[1], ypos, "o", color="tab:blue", label="posterior median")
    shown = claims[claims.estimand.str.startswith("ladder:")] if len(claims) else claims
    first_c = first_n = True
    for r in shown.itertuples():
        rung = r.estimand.split(":")[1]
        if rung not in rungs:
            continue
        y = ypos[rungs.index(rung)] + 0.25
        kw = dict(color="tab:red", ms=6, ls="none")
        if r.comparable:
            ax.plot(r.figure, y, "v", **kw, label="claim, same period" if first_c else None)
            first_c = False
        else:
            ax.plot(
                r.figure,
                y,
                "v",
                mfc="none",
                **kw,
                label="claim, longer period" if first_n else None,
            )
            first_n = False
        ax.annotate(
            r.author.split(",")[0].split(" (")[0],
            (r.figure, y),
            fontsize=6,
            rotation=35,
            xytext=(2, 3),
            textcoords="offset points",
            color="tab:red",
        )
    ax.set_yticks(ypos, [labels[r] for r in rungs], fontsize=8)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x / 1e6:g}"))
    ax.set_xlabel(f"Deaths (millions, log scale), {LADDER_PERIOD[0]}-{LADDER_PERIOD[1]}")
    ax.set_title(f"Definition ladder and published claims ({scenario} scenario)", fontsize=10)
    ax.set_ylim(-0.5, len(rungs) - 0.2)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.4, -0.13), ncol=2)
    data = pd.DataFrame({"rung": rungs, "lower": q[0], "median": q[1], "upper": q[2]})
    return fig, data


def plot_pyramids(ds, observed: dict, scenario: str):
    """Latent population by sex and 5-year age group (median and interval) against the
    1937 and 1939 census counts (1937 with the army, 1939 as published, padding included)."""
    groups = list(ds["age_group"].values)
    censuses = list(ds["census"].values)
    fig, axes = plt.subplots(
        1, len(censuses), figsize=(8.0, 5.2), sharey=True, layout="constrained"
    )
    rows = []
    y = np.arange(len(groups))
    for ax, census in zip(np.atleast_1d(axes), censuses, strict=True):
        pop = ds["population_by_age_group"].sel(census=census).values  # [sample, sex, group]
        q = _q(pop)
        obs = observed[int(census)]
        for s, sign, colour in ((0, -1, "tab:blue"), (1, 1, "tab:red")):
            ax.barh(
                y,
                sign * obs[s],
                color=colour,
                alpha=0.35,
                height=0.9,
                label=f"census, {'men' if s == 0 else 'women'}",
            )
            ax.hlines(y, sign * q[0, s], sign * q[2, s], color=colour, lw=3)
            ax.plot(sign * q[1, s], y, "|", color="black", ms=6)
            for g, grp in enumerate(groups):
                rows.append(
                    {
                        "census": int(census),
                        "sex": ["male", "female"][s],
                        "age_group": grp,
                        "census_count": obs[s, g],
                        "latent_lower": q[0, s, g],
                        "latent_median": q[1, s, g],
                        "latent_upper": q[2, s, g],
                    }
                )
        ax.axvline(0, color="black", lw=0.6)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{abs(x) / 1e6:g}"))
        ax.set_xlabel("Persons (millions): men left, women right")
        ax.set_title(f"{census} census", fontsize=10)
    axes[0].set_yticks(y, groups, fontsize=7)
    axes[0].set_ylabel("Age group")
    axes[0].legend(fontsize=7, loc="upper left")
    fig.suptitle(
        f"Latent population (bars: census; lines: {INTERVAL_LABEL}) - {scenario}", fontsize=10
    )
    return fig, pd.DataFrame(rows)


def plot_tfr(ds, scenario: str):
    """Total fertility rate by year with the fertility collapse."""
    years = ds["year"].values
    q = _q(ds["tfr"].values)
    fig, ax = plt.subplots(figsize=(6.5, 3.8), layout="constrained")
    ax.fill_between(years, q[0], q[2], color="tab:blue", alpha=0.3, label=INTERVAL_LABEL)
    ax.plot(years, q[1], "o-", color="tab:blue", label="posterior median")
    base = None
    if "tfr_baseline" in ds:
        base = _q(ds["tfr_baseline"].values)
        ax.plot(years, base[1], "--", color="grey", label="baseline without the crisis (median)")
    ax.set_ylabel("Total fertility rate (births per woman)")
    ax.set_xlabel("Year")
    ax.set_xticks(years)
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_ylim(0, None)
    ax.set_title(f"Fertility and its collapse, 1930-35 ({scenario} scenario)", fontsize=10)
    ax.legend(fontsize=8)
    data = pd.DataFrame({"year": years, "lower": q[0], "median": q[1], "upper": q[2]})
    if base is not None:
        data["baseline_median"] = base[1]
    return fig, data


def plot_prior_posterior(prior, post, scenario: str):
    """Prior against posterior for the 1939 padding, the 1926 undercount and the baseline
    mortality level (crude death rate of 1927)."""
    items = [
        ("padding_1939_persons", None, "1939 census padding (millions of persons)", 1e6),
        ("undercount_1926", None, "1926 census undercount (millions of persons)", 1e6),
        ("crude_death_rate", {"year": 1927}, "Crude death rate 1927 (per 1000)", 1e-3),
    ]
    fig, axes = plt.subplots(1, 3, figsize=(9.0, 3.2), layout="constrained")
    rows = []
    for ax, (name, sel, label, scale) in zip(axes, items, strict=True):
        a = prior[name].sel(sel or {}).values / scale
        b = post[name].sel(sel or {}).values / scale
        lo, hi = np.quantile(np.concatenate([a, b]), [0.005, 0.995])
        bins = np.linspace(lo, hi, 50)
        ax.hist(a, bins=bins, density=True, color="grey", alpha=0.5, label="prior")
        ax.hist(b, bins=bins, density=True, color="tab:blue", alpha=0.6, label="posterior")
        ax.set_xlabel(label, fontsize=8)
        ax.set_yticks([])
        for group, v in (("prior", a), ("posterior", b)):
            ql = np.quantile(v, Q)
            rows.append(
                {
                    "quantity": name,
                    "group": group,
                    "lower": ql[0] * scale,
                    "median": ql[1] * scale,
                    "upper": ql[2] * scale,
                }
            )
    axes[0].legend(fontsize=8)
    fig.suptitle(f"Prior versus posterior ({scenario} scenario)", fontsize=10)
    return fig, pd.DataFrame(rows)


def plot_diagnostics(tree, var_names: list[str]):
    """Rank plots (one histogram of ranks per chain; flat when chains agree) for key
    parameters, and the energy plot (marginal energy vs energy transitions)."""
    post = tree["posterior"]
    series = []
    for name in var_names:
        da = post[name]
        extra = [d for d in da.dims if d not in ("chain", "draw")]
        if extra:
            for i in range(da.sizes[extra[0]]):
                series.append((f"{name}[{da[extra[0]].values[i]}]", da.isel({extra[0]: i}).values))
        else:
            series.append((name, da.values))
    n = len(series) + 1
    ncol = 4
    nrow = int(np.ceil(n / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(9.0, 2.1 * nrow), layout="constrained")
    axes = np.atleast_1d(axes).ravel()
    rows = []
    for ax, (label, values) in zip(axes, series, strict=False):
        chains, draws = values.shape
        ranks = values.ravel().argsort().argsort().reshape(chains, draws)
        bins = np.linspace(0, chains * draws, 21)
        for c in range(chains):
            counts, _ = np.histogram(ranks[c], bins=bins)
            ax.step(bins[:-1], counts, where="post", lw=1)
            rows += [
                {"panel": label, "chain": c, "bin": b, "count": int(k)}
                for b, k in enumerate(counts)
            ]
        ax.axhline(draws / 20, color="black", ls=":", lw=0.8)
        ax.set_title(label, fontsize=7)
        ax.set_xticks([])
        ax.tick_params(labelsize=6)
    ax = axes[len(series)]
    if "sample_stats" in tree.children and "energy" in tree["sample_stats"]:
        energy = tree["sample_stats"]["energy"].values
        e = energy - energy.mean(axis=1, keepdims=True)
        de = np.diff(energy, axis=1)
        bins = np.linspace(min(e.min(), de.min()), max(e.max(), de.max()), 40)
        ax.hist(e.ravel(), bins=bins, alpha=0.5, density=True, label="marginal energy")
        ax.hist(de.ravel(), bins=bins, alpha=0.5, density=True, label="energy transition")
        ax.legend(fontsize=6)
        ax.set_title("energy", fontsize=7)
        ax.set_yticks([])
        ax.tick_params(labelsize=6)
    for extra_ax in axes[len(series) + 1 :]:
        extra_ax.axis("off")
    fig.suptitle("Rank plots by chain (dotted: uniform) and energy", fontsize=9)
    return fig, pd.DataFrame(rows)
