"""Studies: data -> model -> posterior -> tables and figures, written atomically.

A study run writes into a temporary folder beside ``out`` and renames it into place only
when everything is written, so an interrupted run never leaves a half-written result.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from . import inference, plots, report
from .constants import DEFAULT_SEED, INTERVAL_KIND, INTERVAL_PROB
from .data import census_totals, load_tables, observations_from
from .exceptions import ResultsError
from .model.shortfall import PRIORS_USED, build_shortfall_model
from .scenarios import Scenario, load_scenario

STUDIES = {"shortfall_1937": build_shortfall_model}
DEFAULT_STUDY = "shortfall_1937"

SHORTFALL_ROWS = [
    ("expected population 1937 (both sexes)", "expected_population_1937_total", {}),
    ("expected population 1937, male", "expected_population_1937", {"sex": "male"}),
    ("expected population 1937, female", "expected_population_1937", {"sex": "female"}),
    ("true population 1937 (both sexes)", "population_1937_total", {}),
    ("shortfall 1937 (both sexes)", "shortfall_1937_total", {}),
    ("shortfall 1937, male", "shortfall_1937", {"sex": "male"}),
    ("shortfall 1937, female", "shortfall_1937", {"sex": "female"}),
    ("baseline birth rate 1926", "birth_rate_1926", {}),
    ("baseline death rate 1926", "death_rate_1926", {}),
    ("1926 census undercount, male", "undercount_1926", {"sex": "male"}),
    ("1926 census undercount, female", "undercount_1926", {"sex": "female"}),
    ("1937 census coverage", "coverage_1937", {}),
]
UNITS = {r[0]: "persons" for r in SHORTFALL_ROWS[:7]} | {
    "baseline birth rate 1926": "per_1000",
    "baseline death rate 1926": "per_1000",
    "1926 census undercount, male": "percent",
    "1926 census undercount, female": "percent",
    "1937 census coverage": "percent",
}
KEY_VARS = [
    "expected_population_1937_total",
    "shortfall_1937_total",
    "birth_rate_1926",
    "death_rate_1926",
]


def manifest_for(
    scenario: Scenario, checksums: dict, config, seed, diagnostics, study, tree
) -> dict:
    return {
        "study": study,
        "scenario": scenario.to_dict(),
        "priors_used": list(PRIORS_USED),
        "data_checksums": checksums,
        "seed": seed,
        "sampler": asdict(config),
        "timing_seconds": {
            "prior": tree.attrs.get("prior_seconds"),
            "sampling": tree.attrs.get("sampling_seconds"),
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
    sc = load_scenario(scenario)
    tables = load_tables()
    observations = observations_from(tables)
    config = config or inference.SamplerConfig()
    model = STUDIES[study](observations, sc)
    tree = inference.fit(model, config, seed)
    diagnostics = inference.diagnose(
        tree, var_names=[*KEY_VARS, "coverage_1937", "undercount_1926"]
    )
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
    """All tables and figures of a study, from its saved posterior only."""
    tables = tables or load_tables()
    directory = Path(directory)
    scenario = manifest["scenario"]["name"]
    paths = []
    table = report.summary_table(tree, SHORTFALL_ROWS)
    title = f"1937 census shortfall, scenario '{scenario}'"
    paths += report.write_table(table, directory / "tables", "shortfall_1937", title, UNITS)
    prior_table = report.summary_table(
        tree, SHORTFALL_ROWS[:1] + SHORTFALL_ROWS[4:5], group="prior"
    )
    paths += report.write_table(
        prior_table, directory / "tables", "shortfall_1937_prior", f"Prior of the {title}", UNITS
    )
    claims = tables["published_claims.csv"]
    expectations = claims[claims.estimand == "expected_population_1937"].astype({"figure": float})
    census = float(census_totals(tables).sel(census=1937).sum())
    prior = report.draws(tree, "expected_population_1937_total", "prior").values
    post = report.draws(tree, "expected_population_1937_total").values
    fig, _ = plots.plot_shortfall(
        prior=prior, posterior=post, census=census, expectations=expectations, scenario=scenario
    )
    data = plots.shortfall_data(prior=prior, posterior=post, census=census)
    paths += plots.save_figure(fig, directory / "figures", "shortfall_1937", data)
    return paths


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
    return pd.read_csv(Path(directory) / "tables" / "shortfall_1937.csv", comment="#")
