"""Studies: data -> model -> posterior -> tables and figures, written atomically.

A study run writes into a temporary folder beside ``out`` and renames it into place only
when everything is written, so an interrupted run never leaves a half-written result.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from . import inference, studies
from .constants import DEFAULT_SEED, INTERVAL_KIND, INTERVAL_PROB
from .data import load_tables, observations_from
from .exceptions import ResultsError
from .scenarios import Scenario, load_scenario

DEFAULT_STUDY = studies.DEFAULT_STUDY


def manifest_for(
    scenario: Scenario, checksums: dict, config, seed, diagnostics, study, tree
) -> dict:
    return {
        "study": study,
        "scenario": scenario.to_dict(),
        "priors_used": list(studies.get(study).PRIORS_USED),
        "data_checksums": checksums,
        "seed": seed,
        # the settings fit() used (the model's start policy resolved)
        "sampler": json.loads(tree.attrs["sampler"]),
        "timing_seconds": {
            "prior": tree.attrs.get("prior_seconds"),
            "sampling": tree.attrs.get("sampling_seconds"),
            "draws": tree.attrs.get("draws_seconds"),
        },
        "diagnostics": asdict(diagnostics),
        "interval": {"prob": INTERVAL_PROB, "kind": INTERVAL_KIND},
        "versions": inference.versions(),
    }


def run(
    *,
    out: Path,
    scenario: str | Path = "default",
    study: str = DEFAULT_STUDY,
    seed: int = DEFAULT_SEED,
    config: inference.SamplerConfig | None = None,
    force: bool = False,
) -> tuple[Path, inference.Diagnostics]:
    """Run a study end to end and write posterior, manifest, tables and figures to ``out``."""
    out = Path(out)
    if out.exists() and not force:
        raise ResultsError(f"{out} exists; pass --force to overwrite it")
    module = studies.get(study)
    sc = load_scenario(scenario)
    tables = load_tables()
    observations = observations_from(tables)
    config = config or inference.SamplerConfig()
    model = module.build(observations, sc)
    tree = inference.fit(model, config, seed, prior_var_names=module.PRIOR_VAR_NAMES)
    diagnostics = inference.diagnose(tree, var_names=module.diagnostic_vars(model))
    manifest = manifest_for(sc, tables.checksums, config, seed, diagnostics, study, tree)
    manifest["status"] = "ok" if diagnostics.passed else "failed_diagnostics"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as err:
        raise ResultsError(f"cannot write to {out.parent}: {err}") from None
    try:
        inference.save(tree, tmp, manifest)
        write_outputs(tree, manifest, tmp, tables)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out, diagnostics


def write_outputs(tree, manifest: dict, directory: Path, tables=None) -> list[Path]:
    """All tables and figures of a results folder, from its saved posterior only."""
    tables = tables or load_tables()
    module = studies.get(manifest.get("study", DEFAULT_STUDY))
    return module.write_outputs(tree, manifest, Path(directory), tables)


def regenerate(directory: Path) -> list[Path]:
    """Rewrite every table and figure of a results folder from its saved posterior."""
    tree, manifest = inference.load(directory)
    tables = load_tables()
    changed = [
        k for k, v in manifest.get("data_checksums", {}).items() if tables.checksums.get(k) != v
    ]
    current = load_scenario(manifest["scenario"].get("path") or manifest["scenario"]["name"])
    notes = []
    if changed:
        notes.append(
            f"data changed since this posterior was computed: {', '.join(sorted(changed))}"
        )
    if current.hash != manifest["scenario"]["hash"]:
        notes.append(f"scenario '{current.name}' changed since this posterior was computed")
    paths = write_outputs(tree, manifest, directory, tables)
    return paths, notes


def headline(directory: Path) -> pd.DataFrame:
    """The study's headline table (as written by :func:`write_outputs`)."""
    _, manifest = inference.load_manifest(directory)
    return studies.get(manifest.get("study", DEFAULT_STUDY)).headline(directory)


def compare(directories: list[Path]) -> pd.DataFrame:
    """The headline estimands of several saved runs (e.g. scenarios) side by side: one row
    per quantity, and median, lower and upper columns for each run (named by its
    scenario, or its folder when two runs share a scenario)."""
    if len(directories) < 2:
        raise ResultsError("compare needs at least two results folders")
    frames, names, study_names = [], [], set()
    for d in directories:
        _, manifest = inference.load_manifest(d)
        study_names.add(manifest.get("study", DEFAULT_STUDY))
        name = manifest["scenario"]["name"]
        names.append(name if name not in names else f"{name} ({Path(d).name})")
        frames.append(headline(d).set_index("quantity"))
    if len(study_names) > 1:
        raise ResultsError(f"cannot compare runs of different studies: {sorted(study_names)}")
    out = pd.DataFrame(index=frames[0].index)
    for name, f in zip(names, frames, strict=True):
        for col in ("median", "lower", "upper"):
            out[f"{name}: {col}"] = f[col].reindex(out.index)
    return out.reset_index()
