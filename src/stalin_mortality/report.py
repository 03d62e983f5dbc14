"""Tables from a saved posterior (no resampling): CSV, Markdown and LaTeX.

Every summary is computed draw by draw on the saved draws; the interval is the project's
(:data:`~stalin_mortality.constants.INTERVAL_LABEL`), stated in each table's header.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import arviz_stats as azs
import numpy as np
import pandas as pd
import xarray as xr

from .constants import INTERVAL_KIND, INTERVAL_LABEL, INTERVAL_PROB


def draws(tree: xr.DataTree, name: str, group: str = "posterior") -> xr.DataArray:
    """All draws of ``name`` stacked over chain and draw into one ``sample`` dim."""
    da = tree[group][name]
    dims = [d for d in ("chain", "draw") if d in da.dims]
    return da.stack(sample=dims).transpose("sample", ...)


def interval(
    values: xr.DataArray | np.ndarray, kind: str = INTERVAL_KIND, prob: float = INTERVAL_PROB
) -> tuple[float, float]:
    """The ``prob`` credible interval of ``kind`` (``eti`` or ``hdi``) of a quantity's draws,
    from ``arviz_stats``: ``values`` a DataArray with ``chain`` and ``draw`` (or any array,
    taken as one chain)."""
    da = values if isinstance(values, xr.DataArray) else _as_draws(values)
    fn: Any = {"eti": azs.eti, "hdi": azs.hdi}[kind]
    bounds = fn(da, prob=prob, dim=[d for d in ("chain", "draw", "sample") if d in da.dims])
    return float(bounds.sel(ci_bound="lower")), float(bounds.sel(ci_bound="upper"))


def _as_draws(values) -> xr.DataArray:
    arr = np.asarray(values, dtype=float).reshape(1, -1)
    return xr.DataArray(arr, dims=("chain", "draw"))


def summarise(
    values: xr.DataArray | np.ndarray, kind: str = INTERVAL_KIND, prob: float = INTERVAL_PROB
) -> dict:
    """Mean, median and the stated interval of a quantity's draws."""
    v = np.asarray(values, dtype=float)
    lower, upper = interval(values, kind, prob)
    return {
        "mean": float(np.mean(v)),
        "median": float(np.median(v)),
        "lower": lower,
        "upper": upper,
    }


def summary_table(
    tree: xr.DataTree, rows: list[tuple[str, str, dict]], group: str = "posterior"
) -> pd.DataFrame:
    """One row per (label, variable, selection): mean, median and the interval bounds."""
    out = []
    for label, name, sel in rows:
        v = tree[group].to_dataset()[name].sel(sel)
        out.append({"quantity": label, **summarise(v)})
    return pd.DataFrame(out)


#: Columns of a table that says how much the data moved each quantity (see
#: :func:`identification`).
IDENTIFICATION_COLUMNS = (
    "prior_mass",
    "prior_mass_mcse",
    "prior_cdf_at_lower",
    "prior_cdf_at_upper",
    "prior_side",
    "sd_ratio",
    "identified_by",
)
#: Prior mass of the posterior's 90% interval below which the data, and from which the
#: prior, decide: what a centred normal posterior of 0.5 and 0.8 times the prior's sd
#: leaves (0.59 and 0.81), rounded.
DATA_DECIDES, PRIOR_DOMINATES = 0.6, 0.8
#: A label is marked borderline when its threshold lies within this many Monte Carlo
#: standard errors of the prior mass.
BORDERLINE_MCSE = 2.0
BORDERLINE = " (borderline)"
#: The labels, from most to least moved by the data.  "data moved it", not "data": a small
#: prior mass says the data moved the quantity far from its prior, not that the data alone
#: decide it (a referee, helper-56: the other priors still shape it; the power-scaling
#: table and the scenarios say how much).
DATA_MOVED, DATA_AND_PRIOR, PRIOR_DOMINATES_LABEL = (
    "data moved it",
    "data and prior",
    "prior dominates",
)
#: ``prior_side`` names a posterior interval that lies wholly on one side of its prior's
#: median, its nearer end beyond it by more than this many Monte Carlo standard errors: the
#: data moved the quantity to that side of its prior, whose falling density there still
#: pulls it back (a possible prior-data conflict where the prior mass is not small; a
#: referee, helper-56).
SIDE_MCSE = 2.0
SIDE_NOTE = {"above": "; above the prior's median", "below": "; below the prior's median"}


def identification(posterior, prior) -> dict:
    """How much the data moved a quantity: how much of the prior's probability the
    posterior's 90% equal-tailed interval keeps.

    ``prior_mass`` = the prior probability of the posterior's 90% interval (about 0.9: the
    data taught nothing; near 0: the data fixed the quantity or moved it out of the
    prior's range).  It reads a narrowing and a move alike and needs no choice of scale:
    it is the same for a quantity and its logarithm (Garrett and Zeger 2000 read
    identification from prior-posterior overlap in the same way).  For a posterior centred
    on a normal prior with ``s`` times its sd it is ``2 Phi(1.645 s) - 1``, hence the
    thresholds: below 0.6 (``s`` about 0.5) ``data moved it``, from 0.8 (``s`` about 0.8)
    ``prior dominates``, between them ``data and prior``, with `` (borderline)`` where a
    threshold lies within two Monte Carlo standard errors.  "Data moved it" says the
    posterior left most of the prior behind, not that the data alone decide the quantity:
    other priors may still shape it (the power-scaling table and the scenarios say how
    much).  ``prior_side`` is ``above`` (``below``) where the whole interval lies above
    (below) the prior's median, its nearer end by more than two Monte Carlo errors of the
    prior cdf there: the data moved the quantity to that side of its prior, whose falling
    density there still pulls it back (a possible prior-data conflict where the prior mass
    is not small, worth a scenario with a wider prior: the famine's is
    ``famine_prior_wide``); the label then says so.  ``prior_cdf_at_lower`` and
    ``prior_cdf_at_upper``: where the posterior's bounds fall in the prior (0.05 and 0.95:
    unmoved), which says which end the data moved (the famine of 1931-33's: 0.80 and 0.98,
    both ends raised).  ``prior_mass_mcse``: the prior
    draws' binomial error and each posterior bound's Monte Carlo error (``arviz_stats``'
    quantile MCSE, chains kept) times the prior density there (a Gaussian KDE of the prior
    draws).  ``sd_ratio`` = posterior sd / prior sd, kept for comparison: it is driven by
    the tails (0.98 and 0.79 for dekulakisation in two fits of one model) and reads a
    posterior moved into the prior's upper tail as uninformed (the famine of 1931-33:
    0.73).  ``posterior`` and ``prior``: a DataArray with ``chain`` and ``draw``, a (chain,
    draw) array, or any array taken as one chain."""
    post, pri = _chain_draw(posterior), _chain_draw(prior)
    post_sd, prior_sd = float(np.std(post)), float(np.std(pri))
    sd_ratio = post_sd / prior_sd if prior_sd > 0 else float("nan")
    a = (1 - INTERVAL_PROB) / 2
    lo, hi = np.quantile(post, [a, 1 - a])
    flat = pri.ravel()
    cdf_lo, cdf_hi = float(np.mean(flat < lo)), float(np.mean(flat <= hi))
    mass = cdf_hi - cdf_lo
    out = {
        "prior_mass": mass,
        "prior_cdf_at_lower": cdf_lo,
        "prior_cdf_at_upper": cdf_hi,
        "sd_ratio": sd_ratio,
    }
    if prior_sd == 0 or not np.isfinite(prior_sd):
        return {**out, "prior_mass_mcse": float("nan"), "prior_side": "", "identified_by": "fixed"}
    mcse, (se_lo, se_hi) = _mass_mcse(post, flat, (lo, hi), (cdf_lo, cdf_hi))
    if mass < DATA_DECIDES:
        label = DATA_MOVED
    elif mass < PRIOR_DOMINATES:
        label = DATA_AND_PRIOR
    else:
        label = PRIOR_DOMINATES_LABEL
    if not np.isfinite(mcse):
        label += " (Monte Carlo error unknown)"
    elif any(abs(mass - t) < BORDERLINE_MCSE * mcse for t in (DATA_DECIDES, PRIOR_DOMINATES)):
        label += BORDERLINE
    side = ""
    if np.isfinite(se_lo) and cdf_lo - SIDE_MCSE * se_lo > 0.5:
        side = "above"
    elif np.isfinite(se_hi) and cdf_hi + SIDE_MCSE * se_hi < 0.5:
        side = "below"
    label += SIDE_NOTE.get(side, "")
    return {**out, "prior_mass_mcse": mcse, "prior_side": side, "identified_by": label}


def _chain_draw(values) -> np.ndarray:
    """``values`` as a float (chain, draw) array."""
    if isinstance(values, xr.DataArray) and {"chain", "draw"} <= set(values.dims):
        return np.asarray(values.transpose("chain", "draw", ...).values, dtype=float).reshape(
            values.sizes["chain"], values.sizes["draw"]
        )
    arr = np.asarray(values, dtype=float)
    return arr if arr.ndim == 2 else arr.reshape(1, -1)


def _mass_mcse(
    post: np.ndarray, prior: np.ndarray, bounds, cdfs
) -> tuple[float, tuple[float, float]]:
    """Monte Carlo standard errors of the prior mass of the posterior's interval and of the
    prior cdf at each of its bounds (``cdfs``, as :func:`identification` read them): the
    prior draws' (independent: binomial) and each bound's (its quantile MCSE times the
    prior density there), taken as independent."""
    from scipy.stats import gaussian_kde

    nan = float("nan")
    a = (1 - INTERVAL_PROB) / 2
    if np.ptp(prior) == 0:
        return nan, (nan, nan)
    density = gaussian_kde(prior)(np.asarray(bounds, dtype=float))
    mass = cdfs[1] - cdfs[0]
    var = mass * (1 - mass) / prior.size
    per_bound = []
    for q, f, p in zip((a, 1 - a), density, cdfs, strict=True):
        se = float(
            azs.base.array_stats.mcse(post, chain_axis=0, draw_axis=1, method="quantile", prob=q)
        )
        var += (float(f) * se) ** 2  # NaN if the bound's error is unknown
        per_bound.append(float(np.sqrt(p * (1 - p) / prior.size + (float(f) * se) ** 2)))
    return float(np.sqrt(var)), (per_bound[0], per_bound[1])


def positional(x) -> str:
    """A number written in full and never with an exponent: a whole number as an integer
    (``162003225``), any other as the shortest decimal that reads back exactly
    (``0.015630912``); empty for a missing or infinite value.  What every CSV of a run
    writes."""
    if x is None or pd.isna(x):
        return ""
    value = float(x)
    if not np.isfinite(value):
        return ""
    if value == 0:
        return "0"  # never "-0"
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return np.format_float_positional(value, unique=True, trim="-")


def csv_text(table: pd.DataFrame) -> str:
    """``table`` as the text of a CSV every run writes: no index, LF line ends, numbers by
    :func:`positional` (exact, never an exponent)."""
    return _csv_frame(table).to_csv(index=False, lineterminator="\n")


def _csv_frame(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its float columns written positionally (no scientific notation)."""
    out = table.copy()
    for col in out.columns:
        if out[col].dtype.kind == "f":
            out[col] = [positional(x) for x in out[col]]
    return out


def read_table(path: Path) -> pd.DataFrame:
    """A table CSV of a results folder; one written before the metadata sidecars began with
    a ``#`` title line, which is skipped (no other line is touched)."""
    with open(path, encoding="utf-8") as fh:
        first = fh.readline()
    return pd.read_csv(path, skiprows=1 if first.startswith("#") else 0)


#: A row of persons is shown in thousands when its largest value is below this.
THOUSANDS_BELOW = 100_000


def _in_thousands(row: pd.Series) -> bool:
    values = [abs(row[c]) for c in ("mean", "median", "lower", "upper") if c in row]
    return bool(values) and max(values) < THOUSANDS_BELOW


def _fmt(x: float, unit: str, thousands: bool = False) -> str:
    if unit == "persons" and thousands:
        return f"{x / 1e3:,.1f}"
    if unit == "persons":
        return f"{x / 1e6:,.2f}"
    if unit == "per_1000":
        return f"{x * 1000:.1f}"
    if unit == "percent":
        return f"{x * 100:.2f}"
    return f"{x:.4g}"


#: What each unit key of a table means, in its CSV (full precision, raw units).
CSV_UNITS = {
    "persons": "persons",
    "per_1000": "rate per person (per 1000 in .md and .tex)",
    "percent": "share (per cent in .md and .tex)",
    "years": "years",
    "": "",
}


def run_status(manifest: dict | None) -> str | None:
    """``None`` for a run that passed its convergence gate; otherwise the words every table,
    figure and comparison of it carries: a quick run (smoke settings) or a failed gate is
    not a result."""
    if not manifest:
        return None
    if manifest.get("quick"):
        return "QUICK RUN (smoke settings): not a result"
    if manifest.get("status") == "failed_diagnostics":
        return "FAILED CONVERGENCE GATE: not a result"
    return None


def write_csv_with_metadata(
    table: pd.DataFrame,
    path: Path,
    title: str,
    columns: dict[str, str] | None = None,
    status: str | None = None,
) -> list[Path]:
    """``path`` as a plain CSV (``pandas.read_csv`` reads it with no options) and its
    metadata beside it in ``<name>.csv-metadata.json`` (the W3C CSV-on-the-web naming):
    the title, the interval, each column's description, and the run's status."""
    import json

    path = Path(path)
    path.write_text(csv_text(table), encoding="utf-8")
    meta = {
        "url": path.name,
        "title": title,
        "interval": INTERVAL_LABEL,
        "status": status or "result",
        "columns": [
            {"name": str(c), "description": (columns or {}).get(str(c), "")} for c in table
        ],
    }
    side = path.with_name(path.name + "-metadata.json")
    side.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return [path, side]


#: Column descriptions of a summary table's CSV.
SUMMARY_COLUMNS = {
    "quantity": "what is summarised (its period in the name)",
    "unit": "unit of mean, median, lower and upper",
    "mean": "posterior mean",
    "median": "posterior median",
    "lower": f"lower end of the {INTERVAL_LABEL}",
    "upper": f"upper end of the {INTERVAL_LABEL}",
    "prior_mass": "prior probability of the posterior's 90% interval: how much the data "
    "moved it (about 0.9: not at all; near 0: the data moved it far)",
    "prior_mass_mcse": "Monte Carlo standard error of prior_mass",
    "prior_cdf_at_lower": "where the posterior's lower bound falls in the prior (0.05: unmoved)",
    "prior_cdf_at_upper": "where the posterior's upper bound falls in the prior (0.95: unmoved)",
    "prior_side": "above / below where the whole interval lies above / below the prior's "
    "median (beyond two Monte Carlo errors): the data moved it to that side of its prior, "
    "whose falling density there still pulls it back; empty otherwise",
    "sd_ratio": "posterior sd / prior sd (tail-driven; the label reads prior_mass)",
    "identified_by": "data moved it (prior_mass below 0.6; other priors may still shape it), "
    "data and prior, or prior dominates "
    "(0.8+), '(borderline)' where a threshold lies within two Monte Carlo standard errors, "
    "'; above / below the prior's median' as prior_side says; "
    "held fixed: a value the scenario switches off (a prior of negligible width), which "
    "no comparison with its prior can speak to",
}


def write_table(
    table: pd.DataFrame,
    directory: Path,
    stem: str,
    title: str,
    units: dict[str, str],
    status: str | None = None,
) -> list[Path]:
    """Write ``stem``.csv (full precision, a unit column, metadata in a sidecar), .md and
    .tex (rounded, with units); ``status`` (:func:`run_status`) marks a quick or failed
    run in each."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    csv_header = f"{title}. Mean, median and {INTERVAL_LABEL} (lower, upper)."
    header = f"{title}. Median and {INTERVAL_LABEL} (lower, upper)."
    if status:
        csv_header, header = f"{status}. {csv_header}", f"{status}. {header}"
    full = table.copy()
    full.insert(1, "unit", [CSV_UNITS[units.get(q, "")] for q in table.quantity])
    paths = write_csv_with_metadata(
        full, directory / f"{stem}.csv", csv_header, SUMMARY_COLUMNS, status
    )
    shown = table.copy()
    unit_label = {
        "persons": "millions",
        "per_1000": "per 1000",
        "percent": "%",
        "years": "years",
        "": "",
    }
    # small counts of persons (a cause's deaths in a year) in thousands, not "0.00" million
    small = [
        units.get(q, "") == "persons" and _in_thousands(r)
        for q, r in zip(table.quantity, table.to_dict("records"), strict=True)
    ]
    shown["unit"] = [
        "thousands" if s else unit_label[units.get(q, "")]
        for q, s in zip(shown.quantity, small, strict=True)
    ]
    for col in ("mean", "median", "lower", "upper"):
        shown[col] = [
            _fmt(x, units.get(q, ""), s)
            for x, q, s in zip(table[col], table.quantity, small, strict=True)
        ]
    # the prior mass with its Monte Carlo error, where the bounds fall in the prior, and the
    # label (the CSV keeps the sd ratio)
    extra = [c for c in ("prior_mass", "identified_by") if c in table]
    if "prior_mass" in table:
        se = table["prior_mass_mcse"] if "prior_mass_mcse" in table else [np.nan] * len(table)
        shown["prior_mass"] = [
            f"{x:.2f}" + (f" ± {e:.2f}" if np.isfinite(e) else "")
            for x, e in zip(table["prior_mass"], se, strict=True)
        ]
        if "prior_cdf_at_lower" in table:
            shown["prior_bounds"] = [
                f"{x:.2f}-{y:.2f}"
                for x, y in zip(
                    table["prior_cdf_at_lower"], table["prior_cdf_at_upper"], strict=True
                )
            ]
            extra.insert(1, "prior_bounds")
    # one statistic policy: the median and the stated interval (the CSV keeps the mean too)
    shown = shown[["quantity", "unit", "median", "lower", "upper", *extra]]
    md = [
        f"**{header}**",
        "",
        "| " + " | ".join(shown.columns) + " |",
        "|" + "---|" * len(shown.columns),
    ]
    md += ["| " + " | ".join(map(str, r)) + " |" for r in shown.itertuples(index=False)]
    md_path = directory / f"{stem}.md"
    md_path.write_text("\n".join(md) + "\n", encoding="utf-8")
    tex_path = directory / f"{stem}.tex"
    tex = [
        "\\begin{table}",
        f"\\caption{{{_tex(header)}}}",
        "\\begin{tabular}{llrrr" + "r" * len(extra) + "}",
        "\\hline",
        " & ".join(_tex(c) for c in shown.columns) + " \\\\",
        "\\hline",
        *[" & ".join(_tex(str(c)) for c in r) + " \\\\" for r in shown.itertuples(index=False)],
        "\\hline",
        "\\end{tabular}",
        "\\end{table}",
    ]
    tex_path.write_text("\n".join(tex) + "\n", encoding="utf-8")
    return [*paths, md_path, tex_path]


def _tex(s: str) -> str:
    for a, b in (
        ("\\", "\\textbackslash{}"),
        ("&", "\\&"),
        ("%", "\\%"),
        ("_", "\\_"),
        ("#", "\\#"),
        ("±", "$\\pm$"),
    ):
        s = s.replace(a, b)
    return s
