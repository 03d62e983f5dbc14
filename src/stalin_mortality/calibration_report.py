"""Summaries of a validation folder (:mod:`stalin_mortality.calibration`): read the replicate
records, write ``summary/`` (CSV with metadata, Markdown, rank-ECDF figures)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from .calibration import MISSPEC, PROBS, records
from .report import write_csv_with_metadata

#: p-value below which a quantity's ranks are called non-uniform (reported, never hidden);
#: the rank figure's own threshold (arviz_plots' default).  Over about 100 quantities, about
#: one is flagged by chance.
ALPHA = 0.01
#: Quantities in the rank-ECDF figure (a text their headline label contains -> short
#: title); every quantity is in the tables.
FIGURE_QUANTITIES = {
    "famine 1931-33 (on the ladder)": "famine 1931-33",
    ": executions": "executions",
    ": Gulag": "Gulag deaths",
    "ladder 4 (": "rung 4 (regime-attributed)",
    "ladder 4r (": "rung 4r (all excess)",
    "lost births": "lost births",
    "true population 1 Jan 1937": "population 1 Jan 1937",
    "padding (persons added)": "1939 padding (persons)",
}


#: Columns of the calibration table in the Markdown summary (all are in the CSV).
SUMMARY_COLUMNS = (
    "quantity",
    "replicates",
    "uniformity_p",
    "ranks",
    "median_ess_bulk",
    "coverage_50",
    "coverage_80",
    "coverage_90",
    "coverage_90_lower",
    "coverage_90_upper",
    "coverage_90_expected",
)


def _ranks_frame(recs: list[dict]) -> pd.DataFrame:
    rows = []
    for r in recs:
        for q, v in r.get("quantities", {}).items():
            rows.append(
                {
                    "id": r["id"],
                    "variant": r.get("variant"),
                    "status": r["status"],
                    "quantity": q,
                    **v,
                }
            )
    return pd.DataFrame(rows)


def jeffreys(k: int, n: int, prob: float = 0.9) -> tuple[float, float]:
    """Jeffreys interval of a binomial share ``k / n``."""
    from scipy.stats import beta

    a = (1 - prob) / 2
    lo = 0.0 if k == 0 else float(beta.ppf(a, k + 0.5, n - k + 0.5))
    hi = 1.0 if k == n else float(beta.ppf(1 - a, k + 0.5, n - k + 0.5))
    return lo, hi


def expected_coverage(n: int, prob: float) -> float:
    """The share of exact posterior draws a central ``prob`` interval from ``n`` draws
    covers, on average (numpy's linear interpolation: order statistic ``1 + p (n - 1)``;
    the interval between order statistics ``i < j`` of ``n`` covers ``(j - i) / (n + 1)``):
    the coverage a calibrated model reaches with intervals from ``n`` draws."""
    lo, hi = (1 + (1 - prob) / 2 * (n - 1), 1 + (1 + prob) / 2 * (n - 1))
    return (hi - lo) / (n + 1)


def _covered(df: pd.DataFrame, prob: float) -> pd.Series:
    lo, hi = {0.5: ("q25", "q75"), 0.8: ("q10", "q90"), 0.9: ("q05", "q95")}[prob]
    return (df[lo] <= df["truth"]) & (df["truth"] <= df[hi])


def pit_values(df: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Ranks as PIT values in (0, 1), jittered within their rank's cell (uniform under
    calibration)."""
    rng = np.random.default_rng(seed)
    out = df.copy()
    out["pit"] = (out["rank"] + rng.uniform(size=len(out))) / (out["n"] + 1)
    return out


def calibration_table(df: pd.DataFrame) -> pd.DataFrame:
    """Per quantity: replicates, uniformity p-value (pot_c), coverage of each interval."""
    df = pit_values(df)
    names = list(dict.fromkeys(df["quantity"]))
    wide = df.pivot_table(index="quantity", columns="id", values="pit").loc[names]
    da = xr.DataArray(wide.values, dims=("quantity", "replicate"), coords={"quantity": names})
    pvals = {}
    for q in names:
        v = da.sel(quantity=q).dropna("replicate")
        if v.size >= 5:
            p, *_ = xr.Dataset({"pit": v}).azstats.uniformity_test(dim="replicate", method="pot_c")
            pvals[q] = float(p["pit"])
    rows = []
    for q in names:
        d = df[df["quantity"] == q]
        n = len(d)
        row = {"quantity": q, "replicates": n, "uniformity_p": pvals.get(q, np.nan)}
        if "ess_bulk" in d:  # free parameters: the fits' median bulk ESS of this element
            row["median_ess_bulk"] = float(d["ess_bulk"].median())
        p = pvals.get(q, np.nan)
        row["ranks"] = (
            "too few replicates"
            if np.isnan(p)
            else "non-uniform"
            if p < ALPHA
            else "consistent with uniform"
        )
        for prob in PROBS:
            k = int(_covered(d, prob).sum())
            lo, hi = jeffreys(k, n)
            row[f"coverage_{int(prob * 100)}"] = k / n if n else np.nan
            row[f"coverage_{int(prob * 100)}_lower"] = lo
            row[f"coverage_{int(prob * 100)}_upper"] = hi
            sizes = d["n_interval"].fillna(d["n"]) if "n_interval" in d else d["n"]
            row[f"coverage_{int(prob * 100)}_expected"] = float(
                np.mean([expected_coverage(int(m), prob) for m in sizes])
            )
        rows.append(row)
    return pd.DataFrame(rows)


def misspec_table(df: pd.DataFrame) -> pd.DataFrame:
    """Per experiment and headline estimand: relative bias of the median, coverage."""
    rows = []
    heads = [q for q in dict.fromkeys(df["quantity"]) if " " in q]  # estimands, not parameters
    for variant in dict.fromkeys(df["variant"]):
        for q in heads:
            d = df[(df["variant"] == variant) & (df["quantity"] == q)]
            if d.empty:
                continue
            scale = np.maximum(np.abs(d["truth"]), 1e-12)
            rel = (d["q50"] - d["truth"]) / scale
            row = {
                "experiment": variant,
                "quantity": q,
                "replicates": len(d),
                "median_relative_bias": float(np.median(rel)),
                "mean_bias": float(np.mean(d["q50"] - d["truth"])),
            }
            sizes = d["n_interval"].fillna(d["n"]) if "n_interval" in d else d["n"]
            for prob in PROBS:
                row[f"coverage_{int(prob * 100)}"] = float(_covered(d, prob).mean())
                row[f"coverage_{int(prob * 100)}_expected"] = float(
                    np.mean([expected_coverage(int(m), prob) for m in sizes])
                )
            rows.append(row)
    return pd.DataFrame(rows)


def _md(table: pd.DataFrame, digits: int = 3) -> str:
    t = table.copy()
    for c in t.columns:
        if t[c].dtype.kind == "f":
            t[c] = t[c].map(lambda x: "" if pd.isna(x) else f"{x:.{digits}g}")
    head = "| " + " | ".join(map(str, t.columns)) + " |"
    sep = "|" + "---|" * len(t.columns)
    body = ["| " + " | ".join(map(str, r)) + " |" for r in t.itertuples(index=False)]
    return "\n".join([head, sep, *body])


def plot_ranks(df: pd.DataFrame, path: Path) -> Path | None:
    """Rank-ECDF (PIT Δ-ECDF) of the figure's quantities, by ``arviz_plots.plot_ecdf_pit``."""
    import arviz_plots as azp
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    df = pit_values(df)
    names = list(dict.fromkeys(df["quantity"]))
    chosen = {}
    for key, short in FIGURE_QUANTITIES.items():
        match = next((q for q in names if key in q), None)
        if match is not None:
            chosen[short] = match
    if not chosen or df["id"].nunique() < 5:
        return None
    ds = xr.Dataset(
        {
            short: xr.DataArray(df[df["quantity"] == q]["pit"].to_numpy(), dims=("replicate",))
            for short, q in chosen.items()
        }
    )
    tree = xr.DataTree.from_dict({"prior_sbc": ds})
    # the pot_c uniformity test (its p-value in each panel; points marked where the ranks
    # depart); the legacy "envelope" band fails on a replicate dimension in arviz_plots 1.3
    pc = azp.plot_ecdf_pit(
        tree,
        sample_dims=["replicate"],
        backend="matplotlib",
        figure_kwargs={"figsize": (12, 6)},
    )
    fig = pc.viz["figure"].item() if hasattr(pc.viz["figure"], "item") else pc.viz["figure"]
    fig.suptitle(
        f"Simulation-based calibration, {df['id'].nunique()} replicates: rank ECDF minus "
        "uniform (flat at 0 when calibrated); p: the pot_c uniformity test",
        fontsize=10,
        y=1.02,
    )
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return path


def write(out: Path, kind: str, ids: list[str] | None = None) -> list[Path]:
    """Write ``out/summary`` from the records of ``ids`` (default: every record)."""
    out = Path(out)
    summary = out / "summary"
    summary.mkdir(parents=True, exist_ok=True)
    recs = [r for r in records(out) if ids is None or r["id"] in set(ids)]
    files: list[Path] = []
    status = pd.DataFrame(
        [
            {
                "id": r["id"],
                "status": r["status"],
                "reason": r.get("reason") or "",
                "attempts": len(r.get("attempts", [])) + 1,
                "seconds": r.get("seconds", np.nan),
                "worker": r.get("worker", ""),
                **{f"diag_{k}": v for k, v in (r.get("diagnostics") or {}).items()},
            }
            for r in recs
        ]
    )
    files += write_csv_with_metadata(status, summary / "replicates.csv", "Replicates and status")
    lines = [f"# Validation: {kind}", ""]
    settings = out / "settings.json"
    if settings.exists():
        import json

        st = json.loads(settings.read_text())
        lines += [
            f"Window `{st['window']}`, scenario `{st['scenario']}`, seed {st['seed']}; each fit "
            f"{st['chains']} chains x ({st['tune']} tuning + {st['draws']} draws), "
            f"target_accept {st['target_accept']}; truths ranked among {st['rank_draws']} "
            f"evenly thinned draws; replicate gate r_hat <= {st['max_rhat']}, bulk and tail "
            f"ESS >= {st['min_ess_bulk']:.0f}, divergences <= {st['max_divergences']} "
            "(fits failing it are kept and counted: dropping them would select replicates).",
            "",
        ]
    if not status.empty:
        counts = status["status"].value_counts().to_dict()
        lines += [
            f"Replicates: {len(status)} ({', '.join(f'{v} {k}' for k, v in counts.items())}).",
            "",
        ]
        if "diag_min_ess_bulk" in status:
            d = status.dropna(subset=["diag_min_ess_bulk"])
            if len(d):
                lines += [
                    f"Per fit, over every free parameter element: min bulk ESS median "
                    f"{d['diag_min_ess_bulk'].median():.0f} (range "
                    f"{d['diag_min_ess_bulk'].min():.0f}-{d['diag_min_ess_bulk'].max():.0f}), "
                    f"max r_hat median {d['diag_max_rhat'].median():.3f}, fits with a "
                    f"divergence {int((d['diag_divergences'] > 0).sum())}; seconds a replicate "
                    f"median {d['seconds'].median():.0f}.",
                    "",
                ]
        errors = status[status["status"] == "error"]
        if len(errors):
            lines += ["Failed replicates (retried by the next run):", ""]
            lines += [f"- {r.id}: {r.reason}" for r in errors.itertuples()]
            lines.append("")
    fitted = [r for r in recs if r["status"] in ("ok", "not_converged")]
    if kind in ("sbc", "coverage") and fitted:
        df = _ranks_frame(fitted)
        files += write_csv_with_metadata(df, summary / "ranks.csv", "Rank of each truth")
        table = calibration_table(df)
        files += write_csv_with_metadata(
            table, summary / "calibration.csv", "Calibration by quantity (SBC ranks, coverage)"
        )
        fig = plot_ranks(df, summary / "rank_ecdf.png")
        if fig:
            files.append(fig)
        bad = table[table["ranks"] == "non-uniform"]["quantity"].tolist()
        lines += [
            f"Non-uniform ranks (pot_c p < {ALPHA}; of {len(table)} quantities about "
            f"{ALPHA * len(table):.1f} are flagged by chance): "
            f"{', '.join(bad) if bad else 'none'}.",
            "",
            _md(table[[c for c in SUMMARY_COLUMNS if c in table]]),
            "",
        ]
    if kind == "misspec" and fitted:
        df = _ranks_frame(fitted)
        files += write_csv_with_metadata(df, summary / "ranks.csv", "Rank of each truth")
        table = misspec_table(df)
        files += write_csv_with_metadata(
            table, summary / "misspecification.csv", "Bias and coverage under misspecification"
        )
        lines += ["Experiments:", ""]
        lines += [f"- `{k}`: {v}" for k, v in MISSPEC.items()]
        lines += ["", _md(table), ""]
    if kind == "loco" and fitted:
        rows = [{"left_out": r["census"], **row} for r in fitted for row in r.get("prediction", [])]
        table = pd.DataFrame(rows)
        files += write_csv_with_metadata(
            table,
            summary / "loco.csv",
            "Each census predicted by a fit without it, by sex and age group",
        )
        lines += [_md(table), ""]
    md = summary / "README.md"
    md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    files.append(md)
    return files
