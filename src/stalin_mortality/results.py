"""A fitted run of a window, self-contained: :func:`run`, :class:`Run`, :func:`load_run`.

A saved run (``posterior.nc`` and ``manifest.json`` in a results folder) carries everything
needed to recompute every estimand, table and figure: the draws, the observations it was
fitted to, the account's inputs, the published claims it was compared with, and the window
and scenario as text.  ``report`` never reads the current ``data/``; if it changed since,
that is reported, not used.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from . import inference, precondition, progress
from .constants import DEFAULT_SEED, DEFAULT_WINDOW, INTERVAL_KIND, INTERVAL_PROB
from .data import load_tables, observations_from
from .exceptions import ConvergenceError, ResultsError
from .model import account
from .model.build import build_model
from .model.components import prior_specs
from .safety import OutputSlot
from .scenarios import Scenario, load_scenario
from .validation import check_model
from .window import Window, load_window, window_from_text

STUDY = "engine"
#: Groups of ``posterior.nc`` that make a run self-contained (beside the ArviZ groups).
SELF_CONTAINED = ("observations", "inputs", "published_claims")


@dataclass
class Run:
    """A fitted (or loaded) run: the draws, and everything they were computed from."""

    tree: xr.DataTree
    window: Window
    scenario: Scenario
    inputs: account.Inputs
    published_claims: pd.DataFrame
    manifest: dict
    observations: xr.Dataset | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def diagnostics(self) -> inference.Diagnostics:
        return inference.Diagnostics(**self.manifest["diagnostics"])

    @property
    def status(self) -> str:
        return self.manifest.get("status", "ok")

    def model(self):
        """The model rebuilt from the saved observations, window, scenario and inputs."""
        if self.observations is None:
            raise ResultsError("the run has no saved observations: it cannot rebuild its model")
        return build_model(self.observations, self.window, self.scenario, inputs=self.inputs)

    def estimands(self, group: str = "posterior") -> xr.Dataset:
        """Every estimand of ``group`` (``posterior`` or ``prior``), by chain and draw."""
        from .estimands import compute

        if group not in self._cache:
            if group not in self.tree.children:
                raise ResultsError(f"this run has no {group} draws")
            self._cache[group] = compute(self.tree, self.inputs, self.window, group)
        return self._cache[group]

    def summary(self, kind: str = INTERVAL_KIND, prob: float = INTERVAL_PROB) -> pd.DataFrame:
        """The headline table: mean, median and the stated interval of each quantity."""
        from .outputs import headline_rows, rows_table

        return rows_table(headline_rows(self.estimands(), self.window), kind, prob)[0]

    def claims(self) -> pd.DataFrame:
        """Every published claim against the matching posterior quantity."""
        from .estimands import claims_table

        return claims_table(self.estimands(), self.published_claims, self.window)

    def save(self, path: str | Path, force: bool = False) -> Path:
        """Write the run (posterior, manifest, tables, figures) to the folder ``path``,
        atomically: a temporary folder beside it is renamed into place when complete."""
        return write_run(self, Path(path), force=force)


def run(
    window: str | Path | Window = DEFAULT_WINDOW,
    *,
    scenario: str | Path | Scenario = "default",
    seed: int = DEFAULT_SEED,
    config: inference.SamplerConfig | None = None,
    observations: xr.Dataset | None = None,
    accept_failed_gate: bool = False,
    quick: bool = False,
    **sampler: Any,
) -> Run:
    """Fit a window with a scenario; return the :class:`Run`.

    ``sampler`` keywords (``draws``, ``tune``, ``chains``, ``progressbar`` ...) override
    the :class:`~stalin_mortality.inference.SamplerConfig` defaults; ``quick`` uses a smoke
    test's settings (2 chains x 200 draws) and marks the run as such.  Raises
    :class:`~stalin_mortality.exceptions.ConvergenceError` (with the run as ``.result``)
    when the convergence gate fails, unless ``accept_failed_gate``.
    """
    win = window if isinstance(window, Window) else load_window(window)
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    checksums = {}
    if observations is None:
        tables = load_tables()
        observations = observations_from(tables)
        claims = tables["published_claims.csv"]
        checksums = tables.checksums
    else:
        claims = load_tables()["published_claims.csv"]
        checksums = dict(
            kv.split("=", 1) for kv in observations.attrs.get("data_checksums", "").split(";") if kv
        )
    config = config or (inference.SamplerConfig.quick() if quick else inference.SamplerConfig())
    unknown = set(sampler) - {f.name for f in dataclasses.fields(config)}
    if unknown:
        raise TypeError(f"unknown sampler setting(s) {sorted(unknown)}")
    config = dataclasses.replace(config, **sampler)
    inputs = account.make_inputs(observations, win)
    priors = sc.resolve(prior_specs(win))
    model = build_model(observations, win, sc, inputs=inputs, priors=priors)
    # the value checks of `check` (0.5 s); the JAX gradient check (9 s) is `check`'s alone
    check_model(model, win, inputs, priors)
    pre, fitted_to = None, {}
    if config.precondition and config.nuts_sampler == "nutpie":
        fitted_to = precondition.fingerprint(win, sc, checksums)
        scope = config.precondition_scope or win.precondition_scope
        config = dataclasses.replace(config, precondition_scope=scope)  # recorded as used
        pre, why = precondition.select(win.name, model, fitted_to, scope)
        progress.say(why)
    tree = inference.fit(
        model, config, seed, prior_var_names=prior_var_names(model), preconditioner=pre
    )
    diagnostics = inference.diagnose(tree, var_names=diagnostic_vars(model, win))
    manifest = inference.manifest(
        tree,
        diagnostics,
        study=STUDY,
        scenario=sc,
        seed=seed,
        data_checksums=checksums,
        quick=quick,
        window=win.name,
        priors_used=[v.name for v in model.free_RVs],
    )
    result = Run(tree, win, sc, inputs, claims.reset_index(drop=True), manifest, observations)
    if not diagnostics.passed and not accept_failed_gate:
        hint = ""
        if pre is not None and pre.differs(fitted_to):
            hint = (
                " (sampled with a preconditioner made for another scenario or data: "
                "--target-accept 0.99, or --no-precondition for the model's own coordinates "
                "and the long settings)"
            )
        raise ConvergenceError(
            "convergence gate failed: " + "; ".join(diagnostics.failures) + hint, result=result
        )
    return result


def prior_var_names(model) -> list[str]:
    """The prior group holds the free parameters only; everything else follows from them."""
    return [v.name for v in model.free_RVs]


def diagnostic_vars(model, window: Window) -> list[str]:
    """Every free parameter and the headline deterministics."""
    names = [v.name for v in model.free_RVs]
    names += ["excess_deaths", "lost_births", f"undercount_{window.initial_census.year}"]
    names += [f"padding_{c.year}_persons" for c in window.observed_censuses if c.padding]
    return names


# ---------------------------------------------------------------------------------------
# Saving and loading
# ---------------------------------------------------------------------------------------


def claims_dataset(claims: pd.DataFrame) -> xr.Dataset:
    df = claims.copy()
    for col in df.columns:
        if not pd.api.types.is_numeric_dtype(df[col]):
            df[col] = df[col].fillna("").astype(str)
    return xr.Dataset.from_dataframe(df.reset_index(drop=True).rename_axis("claim_row"))


def claims_frame(ds: xr.Dataset) -> pd.DataFrame:
    df = ds.to_dataframe().reset_index(drop=True)
    for col in df.columns:
        if not pd.api.types.is_numeric_dtype(df[col]):
            df[col] = df[col].astype(str).replace({"": np.nan})
    return df


def to_tree(r: Run) -> xr.DataTree:
    """The run as one DataTree: the ArviZ groups plus the self-contained groups."""
    tree = r.tree.copy()
    tree["inputs"] = xr.DataTree(r.inputs.to_dataset())
    tree["published_claims"] = xr.DataTree(claims_dataset(r.published_claims))
    if r.observations is not None:
        tree["observations"] = xr.DataTree(r.observations)
    tree.attrs["window_text"] = r.window.text
    tree.attrs["window_name"] = r.window.name
    tree.attrs["scenario_json"] = json.dumps(
        {
            "name": r.scenario.name,
            "description": r.scenario.description,
            "overrides": r.scenario.overrides,
            "path": r.scenario.path,
            "text": r.scenario.text,
            "exclude": list(r.scenario.exclude),
        },
        default=_jsonable,
    )
    return tree


def _jsonable(x):
    return x.tolist() if isinstance(x, np.ndarray) else str(x)


def write_run(r: Run, out: Path, force: bool = False) -> Path:
    """Save ``r`` with its tables and figures into ``out`` (see :meth:`Run.save`)."""
    with OutputSlot(out, force) as slot:
        return slot.write(lambda tmp: fill_folder(r, tmp))


def save_draws(r: Run, directory: Path) -> None:
    """The posterior file and manifest of a results folder (all ``report`` needs)."""
    to_tree(r).to_netcdf(directory / inference.POSTERIOR_FILE, engine="h5netcdf")
    inference.write_manifest(directory, r.manifest)


def fill_folder(r: Run, directory: Path) -> None:
    """Every file of a results folder: posterior, manifest, tables, figures."""
    from .outputs import write_outputs

    save_draws(r, directory)
    write_outputs(r, directory)


def load_run(path: str | Path) -> Run:
    """Load a saved run; needs nothing but the results folder."""
    tree, manifest = inference.load(Path(path))
    missing = [g for g in ("inputs", "published_claims") if g not in tree.children]
    if missing or "window_text" not in tree.attrs or "scenario_json" not in tree.attrs:
        raise ResultsError(
            f"{path}: not a self-contained result (missing {', '.join(missing) or 'window'}); "
            "it was written by an older version: run it again"
        )
    window = window_from_text(tree.attrs["window_text"], f"{path} (saved window)", saved=True)
    saved = json.loads(tree.attrs["scenario_json"])
    scenario = Scenario(
        saved["name"],
        saved["description"],
        saved["overrides"],
        saved["path"],
        saved["text"],
        tuple(saved.get("exclude", ())),
    )
    inputs = account.Inputs.from_dataset(tree["inputs"].to_dataset())
    claims = claims_frame(tree["published_claims"].to_dataset())
    obs = tree["observations"].to_dataset() if "observations" in tree.children else None
    arviz = xr.DataTree.from_dict(
        {k: tree[k].to_dataset() for k in tree.children if k not in SELF_CONTAINED}
    )
    arviz.attrs.update(tree.attrs)
    return Run(arviz, window, scenario, inputs, claims, manifest, obs)
