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
