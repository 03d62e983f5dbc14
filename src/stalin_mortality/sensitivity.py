"""Identification report of a run: how much each headline owes to its prior.

Two views, both computed from the saved run alone (no resampling):

- **contraction**: the headline's prior and posterior (median, interval, sd) and the ratio
  ``posterior sd / prior sd`` with a plain label (:func:`stalin_mortality.report.identification`);
- **power-scaling sensitivity** (Kallioinen et al. 2024, ``arviz_stats.psense_summary``):
  how much each headline moves when the prior, or the likelihood, is raised to a power
  near 1, by importance weighting of the saved draws.  A headline sensitive to the prior
  but not to the likelihood is prior-dominated; sensitive to both is a prior-data conflict.

The log densities each draw needs are computed from the model rebuilt from the run's saved
observations, window and scenario (:func:`log_densities`).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from . import progress, report
from .outputs import headline_rows
from .priors import held, prior_label

#: The prior-sensitivity threshold of ``arviz_stats.psense_summary`` (its default).
THRESHOLD = 0.05


def _quiet_psense():
    """``psense_summary`` logs a note on how to read its diagnosis at every call; the
    tables say it once (docs/engine.md)."""
    return progress.quiet_logger("arviz_stats.psense", logging.ERROR)


def _safe(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z_]+", "_", name).strip("_")[:80]


def contraction_table(run) -> pd.DataFrame:
    """Prior and posterior of every headline quantity, with the sd ratio and its label."""
    if "prior" not in run.tree.children:
        raise ValueError("the run has no prior draws: contraction needs them")
    post = headline_rows(run.estimands(), run.window)
    prior = {q: v for q, v, _ in headline_rows(run.estimands("prior"), run.window)}
    rows = []
    for q, v, unit in post:
        p = report.summarise(v)
        r = report.summarise(prior[q])
        rows.append(
            {
                "quantity": q,
                "unit": unit,
                "posterior_median": p["median"],
                "posterior_lower": p["lower"],
                "posterior_upper": p["upper"],
                "prior_median": r["median"],
                "prior_lower": r["lower"],
                "prior_upper": r["upper"],
                **report.identification(v, prior[q]),
            }
        )
    return pd.DataFrame(rows)


def parameter_table(run) -> pd.DataFrame:
    """Prior and posterior sd of every free parameter (each element of a vector), with the
    ratio and its label: which assumptions the data can and cannot move.  A parameter the
    run's scenario holds at its mean is labelled ``held fixed`` (:func:`held_parameters`)."""
    if "prior" not in run.tree.children:
        raise ValueError("the run has no prior draws: contraction needs them")
    post, prior = run.tree["posterior"], run.tree["prior"]
    held = held_parameters(run)
    rows = []
    # the model's order (the manifest's ``priors_used``, else the posterior's): the prior
    # group's order changed from run to run with the same seed
    order = [*run.manifest.get("priors_used", []), *post.data_vars]
    for name in [n for n in dict.fromkeys(order) if n in prior.data_vars and n in post.data_vars]:
        p, q = post[name], prior[name]
        extra = [d for d in p.dims if d not in ("chain", "draw")]
        stacked_p = p.stack(_element=extra) if extra else p.expand_dims(_element=[0])
        stacked_q = q.stack(_element=extra) if extra else q.expand_dims(_element=[0])
        for i in range(stacked_p.sizes["_element"]):
            label = name
            if extra:
                idx = stacked_p["_element"].values[i]
                label += "[" + ", ".join(map(str, np.atleast_1d(idx))) + "]"
            pv = stacked_p.isel(_element=i)
            qv = stacked_q.isel(_element=i)
            rows.append(
                {
                    "parameter": label,
                    "label": prior_label(name),
                    "posterior_mean": float(pv.mean()),
                    "prior_mean": float(qv.mean()),
                    **report.identification(pv, qv),
                }
            )
            if name in held:
                rows[-1]["identified_by"] = HELD
                rows[-1]["prior_side"] = ""  # a value switched off has no side
    return pd.DataFrame(rows)


#: The label of a parameter the run's scenario holds at its mean (``PriorSpec.held_sigma``).
HELD = "held fixed"


def held_parameters(run) -> set[str]:
    """The run's parameters that its scenario holds at their mean (a prior of negligible
    width, e.g. the older cohorts' error of the 1926 count by default): their sd ratio is
    about 1 by construction and says nothing about what the data can move."""
    from .exceptions import ScenarioError, WindowError
    from .model.components import prior_specs
    from .priors import checked_prior

    try:
        specs = prior_specs(run.window)
        out = set()
        for name, spec in specs.items():
            if spec.held_sigma is None:
                continue
            raw = run.scenario.overrides.get(name)
            prior = spec.default() if raw is None else checked_prior(spec, raw, "scenario")
            if held(spec, prior):
                out.add(name)
        return out
    except (ScenarioError, WindowError):  # a run saved by other code: only the label lost
        return set()


#: Draws evaluated by one call of the compiled log densities (bounds memory).
LOG_DENSITY_CHUNK = 1000


def log_densities(run) -> xr.DataTree:
    """The run's posterior with ``log_prior`` and ``log_likelihood`` groups, from the model
    rebuilt from the saved observations, window and scenario.

    The values of ``pm.stats.compute_log_prior`` and ``compute_log_likelihood`` (the same
    graphs, untransformed, elementwise; a test checks them equal), computed by one JAX
    function mapped over the draws in compiled code (``jax.lax.map``) instead of two
    functions called once per draw from Python: about 10 s against 22 s for the whole era
    (docs/sampling.md)."""
    import jax
    import pymc
    from pymc.backends.arviz import coords_and_dims_for_inferencedata, dict_to_dataset
    from pymc.model.transform.conditioning import remove_value_transforms

    model = run.model()
    umodel = remove_value_transforms(model)  # the saved draws are untransformed
    free, observed = list(umodel.free_RVs), list(umodel.observed_RVs)
    fn = umodel.compile_fn(
        inputs=umodel.value_vars,
        outs=[*umodel.logp(vars=free, sum=False), *umodel.logp(vars=observed, sum=False)],
        on_unused_input="ignore",
        mode="JAX",
        point_fn=False,
    )
    jitted = fn.vm.jit_fn._fun  # the JAX function PyTensor built (its inputs, then shared)
    shared = tuple(np.asarray(v.get_value()) for v in fn.get_shared())
    mapped = jax.jit(lambda xs, sh: jax.lax.map(lambda x: jitted(*x, *sh), xs))

    post = run.tree["posterior"].to_dataset()
    names = [umodel.values_to_rvs[v].name for v in umodel.value_vars]
    chains, draws = post.sizes["chain"], post.sizes["draw"]
    flat = []
    for n in names:
        v = post[n].transpose("chain", "draw", ...).values
        flat.append(v.reshape(chains * draws, *v.shape[2:]))
    parts = []
    for i in range(0, chains * draws, LOG_DENSITY_CHUNK):
        out = mapped(tuple(f[i : i + LOG_DENSITY_CHUNK] for f in flat), shared)
        parts.append([np.asarray(o) for o in out])
    values = [np.concatenate(col) for col in zip(*parts, strict=True)]
    values = [v.reshape(chains, draws, *v.shape[1:]) for v in values]
    coords, dims = coords_and_dims_for_inferencedata(umodel)

    def group(rvs, vals):
        # the posterior's own chain and draw labels (dict_to_dataset numbers them from 0)
        labels = {"chain": post["chain"].values, "draw": post["draw"].values}
        return dict_to_dataset(
            {rv.name: v for rv, v in zip(rvs, vals, strict=True)},
            inference_library=pymc,
            dims=dims,
            coords=coords,
            sample_dims=["chain", "draw"],
            skip_event_dims=True,
        ).assign_coords(labels)

    tree = xr.DataTree.from_dict(
        {
            "posterior": post[[rv.name for rv in model.free_RVs]],
            "log_prior": group(free, values[: len(free)]),
            "log_likelihood": group(observed, values[len(free) :]),
        }
    )
    return tree


def _with_headlines(run, tree: xr.DataTree | None) -> tuple[xr.DataTree, dict[str, str]]:
    """``tree`` (log densities computed if not given) with every headline quantity added to
    its posterior as a variable, and the map from those variables' names to the quantities."""
    tree = tree if tree is not None else log_densities(run)
    ds = tree["posterior"].to_dataset()
    names = {}
    for q, v, _ in headline_rows(run.estimands(), run.window):
        names[_safe(q)] = q
        ds[_safe(q)] = v.transpose("chain", "draw").reset_coords(drop=True)
    tree = tree.copy()
    tree["posterior"] = xr.DataTree(ds)
    return tree, names


def power_scaling_table(run, tree: xr.DataTree | None = None) -> pd.DataFrame:
    """``arviz_stats.psense_summary`` of every headline quantity (the whole prior and the
    whole likelihood scaled)."""
    import arviz_stats as azs

    tree, names = _with_headlines(run, tree)
    with _quiet_psense():
        table = azs.psense_summary(tree, var_names=list(names), threshold=THRESHOLD, round_to=4)
    table = table.reset_index().rename(columns={"index": "variable"})
    first = table.columns[0]
    table.insert(0, "quantity", [names.get(str(v), str(v)) for v in table[first]])
    return table.drop(columns=[first])


#: Priors whose power-scaling sensitivity is reported one by one (the assumptions the
#: headline is most suspected to rest on), where the window's model has them.
KEY_PRIORS = (
    "mortality_level",
    "mortality_trend",
    "tfr_trend",
    "famine_intensity",
    "famine_1930_34_age_pattern",
    "excess_residual",
    "sentence_ratio_1930_36",
    "sentence_ratio_1937_38",
    "gulag_series_share_1930_34",
    "archival_completeness_gulag",
    "coverage_1937",
    "child_coverage",
    "padding_1939",
    "famine_death_registration_1931_33",
    "death_registration_completeness_1931_33_level",
    "census_1926_cohort_error",
    "census_age_exaggeration",
)


def power_scaling_by_prior(run, tree: xr.DataTree | None = None) -> pd.DataFrame:
    """Prior sensitivity of every headline to each key prior scaled alone (``psense`` of
    the prior with ``group_var_names``): one row per headline, one column per prior.
    Unlike scaling the whole joint prior, this says which assumption a headline rests on."""
    import arviz_stats as azs

    tree, names = _with_headlines(run, tree)
    priors = [p for p in KEY_PRIORS if p in tree["log_prior"].data_vars]
    out = pd.DataFrame({"quantity": [names[n] for n in names]})
    for prior in priors:
        lp = np.asarray(tree["log_prior"][prior].values)
        if np.ptp(lp.reshape(lp.shape[0] * lp.shape[1], -1).sum(axis=1)) == 0:
            # a flat prior (e.g. Beta(1, 1)): power scaling leaves it flat, so it cannot
            # measure what rests on it (a scenario must), and psense cannot fit a tail to
            # constant weights
            out[prior] = np.nan
            continue
        # the prior component alone (psense_summary would scale the likelihood too, the
        # same for every prior: half its time, 13 times over)
        with _quiet_psense():
            t = azs.psense(tree, var_names=list(names), group="prior", group_var_names=[prior])
        out[prior] = np.round([float(t[n]) for n in names], 4)
    return out


def write_sensitivity(run, directory: Path, power_scaling: bool = True) -> list[Path]:
    """Write ``tables/identification`` (and ``tables/power_scaling``) as CSV and Markdown."""
    out = Path(directory) / "tables"
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    tables = {
        "identification": contraction_table(run),
        "identification_parameters": parameter_table(run),
    }
    if power_scaling:
        tree = log_densities(run)
        tables["power_scaling"] = power_scaling_table(run, tree)
        tables["power_scaling_by_prior"] = power_scaling_by_prior(run, tree)
    from .report import run_status, write_csv_with_metadata

    status = run_status(run.manifest)
    titles = {
        "identification": "Prior and posterior of every headline, and how much the data moved "
        "it (prior_mass: the prior probability of the posterior's 90% interval, about 0.9 if "
        "the data taught nothing, with its Monte Carlo error; prior_cdf_at_lower / _upper: "
        "where the posterior's bounds fall in the prior)",
        "identification_parameters": "Prior and posterior of every free parameter, and how "
        "much the data moved it",
        "power_scaling": "Power-scaling sensitivity of every headline to the whole prior and "
        "the whole likelihood (arviz_stats.psense_summary)",
        "power_scaling_by_prior": "Power-scaling sensitivity of every headline to each key "
        "prior scaled alone (empty for a flat prior, which scaling leaves unchanged)",
    }
    for stem, table in tables.items():
        title = f"{status}. {titles[stem]}" if status else titles[stem]
        paths += write_csv_with_metadata(table, out / f"{stem}.csv", title, status=status)
        md = out / f"{stem}.md"
        text = _markdown(table)
        md.write_text(f"**{title}**\n\n{text}" if status else text, encoding="utf-8")
        paths.append(md)
    return paths


#: The columns of the identification tables in the quantity's own units (counts of persons
#: shown in millions); every other number (masses, ratios, quantiles) as it is.
SUMMARY_VALUES = {
    f"{g}_{s}" for g in ("prior", "posterior") for s in ("median", "lower", "upper", "mean")
}


def _markdown(table: pd.DataFrame) -> str:
    shown = table.copy()
    persons = shown["unit"].eq("persons").values if "unit" in shown else np.zeros(len(shown), bool)
    for col in shown.columns:
        if shown[col].dtype.kind == "f":
            values = shown[col].values
            if col not in SUMMARY_VALUES:
                shown[col] = [f"{x:.3g}" for x in values]
            else:
                shown[col] = [
                    f"{x / 1e6:,.2f} M" if p else f"{x:.4g}"
                    for x, p in zip(values, persons, strict=True)
                ]
    lines = ["| " + " | ".join(shown.columns) + " |", "|" + "---|" * len(shown.columns)]
    lines += ["| " + " | ".join(map(str, r)) + " |" for r in shown.itertuples(index=False)]
    return "\n".join(lines) + "\n"


#: The scenarios of the identification report (models/scenarios/), default first.
SCENARIOS = (
    "default",
    "registered_baseline",
    "reconstructed_baseline",
    "flat_trend",
    "anchored_trend_1938",
    "old_trends",
    "fertility_steady",
    "archival",
    "alexopoulos",
    "pre_archival",
    "informed_1939",
    "census_coverage_wide",
    "child_coverage_low",
    "child_coverage_high",
    "registration_as_before",
    "famine_registered_alike",
    "famine_registration_low",
    "famine_registration_high",
    "famine_prior_wide",
    "no_cohort_error",
    "old_cohort_error",
    "no_exaggeration",
)
#: Headline quantities shown in the scenario table (prefixes of headline rows).
SCENARIO_ROWS = (
    "excess deaths",
    "ladder 1 ",
    "ladder 2 ",
    "ladder 4 ",
    "ladder 4r ",
    "ladder 5 ",
    "lost births",
    "echo births",
    "1939 census padding (persons",
    "true population 1 Jan 1937",
)


def scenario_table(directories: list[Path]) -> pd.DataFrame:
    """One row per run (scenario): the median and interval of the main headlines and the
    run's convergence diagnostics, from the saved folders."""
    from . import inference
    from .outputs import headline

    rows = []
    for d in directories:
        _, manifest = inference.load_manifest(Path(d))
        diag = manifest["diagnostics"]
        row = {
            "scenario": manifest["scenario"]["name"],
            "quick": manifest.get("quick", False),
            "divergences": diag["divergences"],
            "max_rhat": diag["max_rhat"],
            "min_ess_bulk": diag["min_ess_bulk"],
            "min_ess_tail": diag["min_ess_tail"],
            "gate": "passed" if diag["passed"] else "FAILED",
            "target_accept": manifest.get("sampler", {}).get("target_accept"),
            "draws": manifest.get("sampler", {}).get("draws"),
            # the coordinates sampled in (the posterior is the same): the preconditioner's
            # file, "" for the model's own
            "preconditioner": (manifest.get("preconditioner") or {}).get("file", ""),
        }
        for r in headline(Path(d)).itertuples(index=False):
            if r.quantity.startswith(SCENARIO_ROWS):
                row[f"{r.quantity}: median"] = r.median
                row[f"{r.quantity}: lower"] = r.lower
                row[f"{r.quantity}: upper"] = r.upper
        rows.append(row)
    return pd.DataFrame(rows)


def scenario_markdown(table: pd.DataFrame) -> str:
    """The scenario table with one column per quantity, ``median [lower, upper]`` in millions."""
    quantities = [c[: -len(": median")] for c in table.columns if c.endswith(": median")]
    short = [
        q.split(": ", 1)[1] if q.startswith("excess deaths") else q.split(" (")[0]
        for q in quantities
    ]
    head = [
        "scenario",
        *short,
        "divergences",
        "max r_hat",
        "min ESS",
        "target_accept",
        "preconditioned",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in table.to_dict("records"):
        cells = [
            r["scenario"]
            + (" (quick)" if r["quick"] else "")
            + ("" if r["gate"] == "passed" else " (failed gate)")
        ]
        for q in quantities:
            m, lo, hi = (r.get(f"{q}: {k}", np.nan) for k in ("median", "lower", "upper"))
            cells.append(f"{m / 1e6:.2f} [{lo / 1e6:.2f}, {hi / 1e6:.2f}]")
        ess = min(r["min_ess_bulk"], r["min_ess_tail"])
        cells += [str(r["divergences"]), f"{r['max_rhat']:.3f}", f"{ess:.0f}"]
        cells.append(str(r.get("target_accept", "")))
        cells.append("yes" if r.get("preconditioner") else "no")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
