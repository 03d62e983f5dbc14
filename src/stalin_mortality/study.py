"""What the command line does with a study: run it into a results folder, regenerate a
folder's tables and figures from its saved file, compare folders.

An engine run is a :class:`~stalin_mortality.results.Run` of a window; the shortfall study
has its own small model (:mod:`stalin_mortality.studies.shortfall_1937`).  Either way the
results folder is written into a temporary folder beside it and renamed into place when
complete, and the folder is checked before any sampling.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from . import inference, results
from .constants import DEFAULT_SEED, DEFAULT_WINDOW
from .data import checksums, data_dir, load_tables, observations_from
from .exceptions import ConvergenceError, ResultsError
from .outputs import headline as engine_headline
from .safety import OutputSlot
from .scenarios import load_scenario
from .studies import DEFAULT_STUDY, STUDIES


def run(
    *,
    out: Path,
    scenario: str | Path = "default",
    study: str = DEFAULT_STUDY,
    window: str | Path = DEFAULT_WINDOW,
    seed: int = DEFAULT_SEED,
    config: inference.SamplerConfig | None = None,
    force: bool = False,
    quick: bool = False,
    power_scaling: bool | None = None,
) -> tuple[Path, inference.Diagnostics]:
    """Run a study end to end and write posterior, manifest, tables and figures to ``out``;
    a failed convergence gate is written too (``status: failed_diagnostics``).
    ``power_scaling=False`` skips the power-scaling tables (about 20 s; default: full runs
    write them, quick runs do not); the manifest records the choice, so ``report``
    rewrites the same tables."""
    if study not in STUDIES:
        raise ResultsError(f"unknown study '{study}'; known: {', '.join(STUDIES)}")
    with OutputSlot(out, force) as slot:  # checked and locked before any sampling
        if study == "shortfall_1937":
            return _run_shortfall(slot, scenario, seed, config, quick)
        try:
            r = results.run(window, scenario=scenario, seed=seed, config=config, quick=quick)
        except ConvergenceError as err:
            r = err.result
        if power_scaling is not None:
            r.manifest["power_scaling"] = bool(power_scaling)
        write_or_rescue(slot, r)
    return slot.target, r.diagnostics


def write_or_rescue(slot: OutputSlot, r: results.Run) -> Path:
    """Write the results folder of a fitted run; if its tables or figures fail, the target is
    left as it was (as for any failed write) and the draws are not lost: the posterior and
    manifest are saved beside it in ``<name>.draws`` (the traceback in ``report_error.txt``),
    from which ``stalin-mortality report`` writes the rest once the cause is fixed."""
    try:
        return slot.write(lambda tmp: results.fill_folder(r, tmp))
    except Exception as err:
        import traceback

        trace = traceback.format_exc()
        rescue = slot.target.with_name(f"{slot.target.name}.draws")
        n = 1
        while rescue.exists():
            n += 1
            rescue = slot.target.with_name(f"{slot.target.name}.draws-{n}")

        def fill(tmp: Path) -> None:
            results.save_draws(r, tmp)
            (tmp / "report_error.txt").write_text(trace)

        with OutputSlot(rescue) as spare:
            spare.write(fill)
        raise ResultsError(
            f"the fit finished, but writing its tables and figures failed "
            f"({type(err).__name__}: {err}); {slot.target} is as it was. The posterior and "
            f"manifest are saved in {rescue} (traceback in report_error.txt): "
            f"'stalin-mortality report {rescue}' writes the rest once the cause is fixed"
        ) from err


def _run_shortfall(slot, scenario, seed, config, quick):
    from .studies import shortfall_1937 as module

    sc = load_scenario(scenario)
    tables = load_tables()
    observations = observations_from(tables)
    config = config or (inference.SamplerConfig.quick() if quick else inference.SamplerConfig())
    model = module.build(observations, sc)
    tree = inference.fit(model, config, seed, prior_var_names=module.PRIOR_VAR_NAMES)
    diagnostics = inference.diagnose(tree, var_names=module.diagnostic_vars(model))
    tree["observations"] = observations[["census_total"]]
    tree["published_claims"] = results.claims_dataset(tables["published_claims.csv"])
    manifest = inference.manifest(
        tree,
        diagnostics,
        study=module.NAME,
        scenario=sc,
        seed=seed,
        data_checksums=tables.checksums,
        quick=quick,
        priors_used=list(module.PRIORS_USED),
    )

    def fill(tmp: Path) -> None:
        inference.save(tree, tmp, manifest)
        module.write_outputs(tree, manifest, tmp)

    return slot.write(fill), diagnostics


def regenerate(directory: Path) -> tuple[list[Path], list[str]]:
    """Rewrite every table and figure of a results folder from its saved file alone; the
    notes say what changed in ``data/`` since (reported, never used)."""
    directory = Path(directory)
    _, manifest = inference.load_manifest(directory)
    notes = []
    try:
        current = checksums(data_dir())
    except OSError:  # the current data are only compared, never needed
        current = {}
    changed = [k for k, v in manifest.get("data_checksums", {}).items() if current.get(k) != v]
    if changed:
        notes.append(
            "data/ changed since this posterior was computed "
            f"({', '.join(sorted(changed))}); the saved observations were used"
        )
    with OutputSlot(directory, replace_own=True) as slot:
        if manifest.get("study") == "shortfall_1937":
            from .studies import shortfall_1937 as module

            tree, _ = inference.load(directory)
            if "observations" not in tree.children:
                raise ResultsError(f"{directory}: written by an older version; run it again")

            def write(tmp):
                return module.write_outputs(tree, manifest, tmp)
        else:
            from .outputs import write_outputs

            run = results.load_run(directory)

            def write(tmp):
                return write_outputs(run, tmp)

        written = []

        def fill(tmp: Path) -> None:
            for name in (inference.POSTERIOR_FILE, inference.MANIFEST_FILE):
                shutil.copy2(slot.target / name, tmp / name)
            written.extend(write(tmp))

        slot.write(fill)
    return [slot.target / _inside_run(p) for p in written], notes


def _inside_run(path: Path) -> Path:
    """``tables/x.csv`` or ``figures/diagnostics/energy.png`` from a path in a (temporary)
    results folder: from its ``tables`` or ``figures`` part on."""
    parts = path.parts
    i = max(i for i, part in enumerate(parts) if part in ("tables", "figures"))
    return Path(*parts[i:])


def headline(directory: Path) -> pd.DataFrame:
    """A results folder's headline table (as written)."""
    _, manifest = inference.load_manifest(directory)
    if manifest.get("study") == "shortfall_1937":
        from .studies import shortfall_1937 as module

        return module.headline(directory)
    return engine_headline(directory)


def compare(directories: list[Path]) -> pd.DataFrame:
    """The headline estimands of several saved runs (e.g. scenarios) side by side: one row
    per quantity, and median, lower and upper columns for each run (named by its
    scenario, or its folder when two runs share a scenario; a quick run or one that failed
    its convergence gate is marked ``[quick]`` or ``[failed gate]`` in its name)."""
    if len(directories) < 2:
        raise ResultsError("compare needs at least two results folders")
    frames, names, kinds, seen = [], [], set(), []
    for d in directories:
        _, manifest = inference.load_manifest(d)
        kinds.add((manifest.get("study"), manifest.get("window")))
        name = manifest["scenario"]["name"]
        if name in seen:
            name = f"{name} ({Path(d).name})"
        if name in seen:
            name = f"{manifest['scenario']['name']} ({Path(d).resolve()})"
        seen.append(name)
        if manifest.get("quick"):
            name += " [quick]"
        elif manifest.get("status") == "failed_diagnostics":
            name += " [failed gate]"
        names.append(name)
        frames.append(headline(d).set_index("quantity"))
    if len(kinds) > 1:
        raise ResultsError(
            f"cannot compare runs of different studies or windows: {sorted(map(str, kinds))}"
        )
    out = pd.DataFrame(index=frames[0].index)
    for name, f in zip(names, frames, strict=True):
        for col in ("median", "lower", "upper"):
            out[f"{name}: {col}"] = f[col].reindex(out.index)
    return out.reset_index()
