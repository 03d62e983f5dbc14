"""Sampling, the convergence gate, and saving/loading posteriors with a manifest.

Only this module touches the sampler.  ``nuts_sampler`` and ``random_seed`` are always
explicit (PyMC 6 picks nutpie silently when it is installed).
"""

from __future__ import annotations

import json
import platform
import signal
import threading
import time
import warnings
from dataclasses import asdict, dataclass, field, replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

import arviz as az
import numpy as np
import pymc as pm
import xarray as xr

from . import progress
from .constants import DEFAULT_SEED
from .exceptions import ConvergenceError, Interrupted, ResultsError
from .precondition import WHITE, match, whiten

#: Set by the signal handlers of :func:`install_signal_handlers` (SIGINT, SIGTERM): nutpie
#: catches the interrupt and returns the draws it has, which must never pass for a result.
INTERRUPTED = threading.Event()


def install_signal_handlers() -> None:
    """SIGINT and SIGTERM interrupt the run: the flag is set and ``KeyboardInterrupt``
    raised (the command line turns it into exit status 130, writing nothing)."""

    def handler(signum, frame):
        INTERRUPTED.set()
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


POSTERIOR_FILE = "posterior.nc"
MANIFEST_FILE = "manifest.json"


@dataclass
class SamplerConfig:
    """Sampler settings; ``nuts_sampler`` is chosen by measurement (see docs/sampling.md)."""

    nuts_sampler: str = "nutpie"
    #: PyTensor backend nutpie's log density is compiled with.  "jax" compiles in seconds;
    #: "numba" is faster per gradient but took 170 s to compile the engine from a cold
    #: cache, so JAX wins from a cold start (benchmarks/results, docs/sampling.md).
    backend: str = "jax"
    #: ``None`` (the default) resolves by :meth:`resolved`: 1500 draws after 1000 tuning
    #: steps at target_accept 0.98 with nutpie's low-rank mass matrix; 1000 after 250 at
    #: 0.98 with a diagonal one on top of a window's shipped preconditioner
    #: (``precondition.py``; docs/sampling.md has the measurements behind both).
    #: Without a preconditioner: 1500 draws because with the census totals tied to their
    #: counts the famine's 1934 intensity gave r_hat 1.013 after 1000 draws a chain; 0.98
    #: because 0.95 left 21 divergences in the tail where a lower baseline level trades
    #: against a large 1930 residual; the low-rank matrix learns the correlations (Gulag
    #: deaths of every year with the archive's completeness) a diagonal one cannot.
    draws: int | None = None
    tune: int | None = None
    chains: int = 4
    cores: int = 2
    target_accept: float | None = None
    low_rank_mass_matrix: bool | None = None
    #: Sample in the coordinates of the window's shipped preconditioner when one matches
    #: the model (``precondition.for_window``): the same posterior, a fraction of the
    #: warm-up.  False: the model's own coordinates.
    precondition: bool = True
    #: Where the shipped preconditioner is used: ``"window"`` for any scenario of the
    #: window whose parameters it matches, on the data and window text it was made on
    #: (``precondition.select``), the convergence gate deciding; ``"fitted"`` only for the
    #: window text, scenario and data it was made from (its fingerprint).  ``None``: the
    #: window's own (``Window.precondition_scope``: "window" for 1927-1939, measured on its
    #: twelve matching scenarios; "fitted" for the whole era, where one was measured:
    #: docs/sampling.md).  The posterior is the same either way.
    precondition_scope: str | None = None
    #: Start every chain at the model's initial point (no jitter); ``None`` leaves it to the
    #: model (``model.same_start``, default True).  The engine needs it (jittered chains ran
    #: off to absurd populations); nutpie cannot start where a gradient component is exactly
    #: zero (the shortfall model's standard-normal ``z`` at 0), so that model jitters.
    same_start: bool | None = None
    prior_draws: int = 1000
    progressbar: bool = False

    @classmethod
    def quick(cls) -> SamplerConfig:
        """A smoke run's settings: 2 chains x 200 draws after 200 tuning steps at
        target_accept 0.95 (a smoke run checks the pipeline, not convergence; 0.98 takes
        1.8 times the leapfrog steps a draw)."""
        return cls(draws=200, tune=200, chains=2, prior_draws=200, target_accept=0.95)

    def resolved(self, preconditioned: bool, measured: dict | None = None) -> SamplerConfig:
        """These settings with every ``None`` replaced by its default for a fit with (or
        without) a preconditioner; ``measured``: the preconditioner's own settings, which
        replace the defaults (not what the user set)."""
        d: dict[str, Any] = dict(PRECONDITIONED_DEFAULTS if preconditioned else PLAIN_DEFAULTS)
        d.update({k: v for k, v in (measured or {}).items() if k in d})
        return replace(self, **{k: v for k, v in d.items() if getattr(self, k) is None})


#: The defaults of :class:`SamplerConfig`'s ``None`` fields, measured (docs/sampling.md)
PLAIN_DEFAULTS: dict[str, Any] = {
    "draws": 1500,
    "tune": 1000,
    "target_accept": 0.98,
    "low_rank_mass_matrix": True,
}
PRECONDITIONED_DEFAULTS: dict[str, Any] = {
    "draws": 1000,
    "tune": 250,
    "target_accept": 0.98,
    "low_rank_mass_matrix": False,
}


@dataclass
class Gate:
    """Convergence thresholds; a posterior failing any of them is not reported as a result."""

    max_rhat: float = 1.01
    min_ess_bulk: float = 400.0
    min_ess_tail: float = 400.0
    max_divergences: int = 0


@dataclass
class Diagnostics:
    max_rhat: float
    min_ess_bulk: float
    min_ess_tail: float
    divergences: int
    passed: bool
    failures: list[str] = field(default_factory=list)


def fit(
    model: pm.Model,
    config: SamplerConfig | None = None,
    seed: int = DEFAULT_SEED,
    prior_var_names: list[str] | None = None,
    preconditioner=None,
) -> xr.DataTree:
    """Sample the prior (predictive) and the posterior of ``model``; return one DataTree.

    ``prior_var_names`` limits the prior draws to those variables (e.g. the free parameters,
    whose consequences are then computed draw by draw in numpy); ``None`` draws them all.
    Every chain starts at the same point (the model's initial point, no jitter): jittered
    starts sent chains of the cohort-component toy to absurd populations.
    ``preconditioner`` (a :class:`~stalin_mortality.precondition.Preconditioner` matching
    ``model``; nutpie only): sample in its whitened coordinates, with the settings of
    :meth:`SamplerConfig.resolved` for a preconditioned fit.
    """
    config = config or SamplerConfig()
    if config.nuts_sampler != "nutpie" or not config.precondition:
        preconditioner = None
    config = config.resolved(
        preconditioned=preconditioner is not None,
        measured=preconditioner.settings if preconditioner is not None else None,
    )
    INTERRUPTED.clear()
    if config.same_start is None:
        config = replace(config, same_start=getattr(model, "same_start", True))
    rng = np.random.default_rng(seed)
    prior_seed, post_seed = (int(s) for s in rng.integers(0, 2**31 - 1, size=2))
    t0 = time.perf_counter()
    with model, warnings.catch_warnings():
        # PyTensor's numba backend draws truncated normals in object mode and says so; the
        # draws are correct, only slower (prior draws only).
        warnings.filterwarnings("ignore", "Numba will use object mode", UserWarning)
        # The engine's only Potentials are the census compositions' zero-sum corrections
        # (``log noise``: part of the likelihood, not of the prior), so prior draws that
        # ignore them are the prior's.
        warnings.filterwarnings("ignore", "The effect of Potentials", UserWarning)
        # FAST_COMPILE: the draws are numpy's either way; compiling the forward graph to C
        # took 13 s from a cold cache against 1.6 s (measured on the engine, docs/sampling.md)
        progress.say(f"prior: {config.prior_draws} draws")
        with progress.quiet_logger("pymc"):  # its "Sampling: [every variable]" line, not ours
            prior = pm.sample_prior_predictive(
                draws=config.prior_draws,
                random_seed=prior_seed,
                var_names=prior_var_names,
                compile_kwargs={"mode": "FAST_COMPILE"},
            )
        t1 = time.perf_counter()
        if config.nuts_sampler == "nutpie":
            post, draws_seconds = _sample_nutpie(model, config, post_seed, preconditioner)
        else:
            progress.say(f"sampling with {config.nuts_sampler}")
            post = pm.sample(
                draws=config.draws,
                tune=config.tune,
                chains=config.chains,
                cores=config.cores,
                nuts_sampler=config.nuts_sampler,
                random_seed=post_seed,
                progressbar=progress.use_bar(config.progressbar),
                target_accept=config.target_accept,
                init="adapt_diag",
            )
            draws_seconds = None
    t2 = time.perf_counter()
    _check_complete(post, config)
    progress.say(f"sampled in {t2 - t1:.0f} s")
    tree = post.copy()
    for group in ("prior", "prior_predictive"):
        if group in prior.children:
            tree[group] = prior[group]
    tree.attrs.update(
        seed=seed,
        prior_seconds=round(t1 - t0, 2),
        sampling_seconds=round(t2 - t1, 2),
        # nutpie's own sampling time; the rest of sampling_seconds is compilation
        draws_seconds=round(draws_seconds if draws_seconds is not None else t2 - t1, 2),
        sampler=json.dumps(asdict(config)),
        preconditioner=json.dumps(
            preconditioner.describe() if preconditioner is not None else None
        ),
        preconditioner_match=post.attrs.get("preconditioner_match", "null"),
    )
    if preconditioner is not None:
        # the coordinates the draws were made in, kept with them (results are
        # self-contained: the shipped file may change with a later version)
        tree["preconditioner"] = xr.DataTree(preconditioner.to_dataset())
    return tree


def _check_complete(post, config: SamplerConfig) -> None:
    """Refuse a truncated posterior: an interrupt during sampling, or fewer draws than
    asked in any chain (nutpie returns what it has when interrupted)."""
    sizes = post["posterior"].sizes
    if INTERRUPTED.is_set():
        raise Interrupted("interrupted during sampling: nothing was written")
    if sizes.get("chain") != config.chains or sizes.get("draw") != config.draws:
        raise Interrupted(
            f"sampling stopped early ({sizes.get('chain')} chains x {sizes.get('draw')} draws "
            f"of {config.chains} x {config.draws}): nothing was written"
        )


def _sample_nutpie(model: pm.Model, config: SamplerConfig, seed: int, preconditioner=None):
    """nutpie called directly: ``pm.sample`` first assigns PyMC step methods, which takes a
    gradient per free variable through the ``scan`` of the engine (110 s measured) only to
    discard them.  Returns the DataTree and the seconds spent drawing (after compiling).

    With a preconditioner, the chains start at jittered points around its mean (z uniform
    in [-1, 1] per whitened coordinate, inside the posterior's bulk) rather than at one
    point, so that r_hat can see chains that disagree."""
    import nutpie
    from pymc.backends.arviz import patch_nutpie_idata

    target = model
    if preconditioner is not None:  # results.run has said which file
        target = whiten(model, preconditioner)
    progress.say(f"compiling the model ({config.backend})")
    if preconditioner is not None:
        # nutpie's default: every free variable jittered, here z alone (naming z would not
        # do: for JAX, nutpie freezes the model into a copy with other variables)
        jitter: dict = {}
    else:
        jitter = {"jitter_rvs": set()} if config.same_start else {}
    compiled = nutpie.compile_pymc_model(
        target,
        backend=config.backend,
        gradient_backend="jax" if config.backend == "jax" else "pytensor",
        **jitter,
    )
    bar = progress.use_bar(config.progressbar)
    progress.say(
        f"sampling: {config.chains} chains x ({config.tune} tuning + {config.draws} draws), "
        f"target_accept {config.target_accept}"
    )
    t0 = time.perf_counter()
    post = nutpie.sample(
        compiled,
        draws=config.draws,
        tune=config.tune,
        chains=config.chains,
        cores=config.cores,
        seed=seed,
        target_accept=config.target_accept,
        progress_bar=bar,
        progress_callback=None if bar or progress.quiet() else progress.SamplingLines(),
        adaptation="low_rank" if config.low_rank_mass_matrix else "diag",
    )
    seconds = time.perf_counter() - t0
    if preconditioner is not None and not INTERRUPTED.is_set():
        # (an interrupted run has few or no draws: it is refused by _check_complete)
        z = post["posterior"][WHITE].values if "posterior" in post.children else None
        if z is not None and z.size // z.shape[-1] > z.shape[-1]:
            fit = match(z)
            post.attrs["preconditioner_match"] = json.dumps(fit)
            progress.say(
                f"the posterior in the preconditioner's coordinates: max |mean| "
                f"{fit['max_abs_mean_z']:.2f}, covariance eigenvalues "
                f"{fit['cov_eigenvalue_min']:.2f}-{fit['cov_eigenvalue_max']:.2f} "
                "(0 and 1 where it fits)"
            )
        for group in ("posterior", "warmup_posterior"):
            if group in post.children:
                post[group] = post[group].to_dataset().drop_vars(WHITE, errors="ignore")
        for group in ("sample_stats", "warmup_sample_stats"):
            if group in post.children:
                post[group].attrs["sampled_in"] = (
                    f"whitened by {preconditioner.file or 'a preconditioner'}: step sizes, "
                    "energies and divergence locations are in those coordinates"
                )
    patch_nutpie_idata(post, model, sampling_time=seconds)
    return post, seconds


def diagnose(
    tree: xr.DataTree, var_names: list[str] | None = None, gate: Gate | None = None
) -> Diagnostics:
    """Compute r_hat, bulk and tail ESS (over ``var_names``) and divergences; apply the gate."""
    gate = gate or Gate()
    with warnings.catch_warnings():
        # constant deterministics (a cause's excess outside its years is 0) have no r_hat
        warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
        rhat = az.rhat(tree, var_names=var_names)
        ess_bulk = az.ess(tree, var_names=var_names, method="bulk")
        ess_tail = az.ess(tree, var_names=var_names, method="tail")

    post = tree["posterior"].to_dataset()
    names = var_names or [str(v) for v in post.data_vars]
    # elements that vary (a cause's excess outside its years is a constant 0: no r_hat)
    varying = {
        n: (post[n].max(("chain", "draw")) > post[n].min(("chain", "draw"))).values for n in names
    }

    def values(result: xr.DataTree) -> np.ndarray:
        # every varying element of every variable, flattened (vector variables included)
        ds = result.dataset
        return np.concatenate([np.ravel(ds[n].values)[np.ravel(varying[n])] for n in names])

    diverging = tree["sample_stats"]["diverging"] if "sample_stats" in tree.children else None
    r, b, t = values(rhat), values(ess_bulk), values(ess_tail)
    nan = not (r.size and np.isfinite(r).all() and np.isfinite(b).all() and np.isfinite(t).all())
    d = Diagnostics(
        max_rhat=float(np.max(r)) if r.size else float("nan"),
        min_ess_bulk=float(np.min(b)) if b.size else float("nan"),
        min_ess_tail=float(np.min(t)) if t.size else float("nan"),
        divergences=int(diverging.sum()) if diverging is not None else -1,
        passed=True,
    )
    if nan:
        d.failures.append("a diagnostic is not a number (or there are no draws to check)")
    if diverging is None:
        d.failures.append("no sampler statistics: divergences unknown")
    if not d.max_rhat <= gate.max_rhat:
        d.failures.append(f"max r_hat {d.max_rhat:.3f} > {gate.max_rhat}")
    if not d.min_ess_bulk >= gate.min_ess_bulk:
        d.failures.append(f"min bulk ESS {d.min_ess_bulk:.0f} < {gate.min_ess_bulk:.0f}")
    if not d.min_ess_tail >= gate.min_ess_tail:
        d.failures.append(f"min tail ESS {d.min_ess_tail:.0f} < {gate.min_ess_tail:.0f}")
    if d.divergences > gate.max_divergences:
        d.failures.append(f"{d.divergences} divergences > {gate.max_divergences}")
    d.passed = not d.failures
    return d


def manifest(
    tree: xr.DataTree,
    diagnostics: Diagnostics,
    *,
    study: str,
    scenario,
    seed: int,
    data_checksums: dict,
    quick: bool,
    **extra,
) -> dict:
    """The manifest of a fit: what was run, on what, how, and whether it passed the gate."""
    from .constants import INTERVAL_KIND, INTERVAL_PROB

    return {
        "study": study,
        **extra,
        "scenario": scenario.to_dict(),
        "data_checksums": data_checksums,
        "seed": seed,
        "sampler": json.loads(tree.attrs["sampler"]),
        "preconditioner": json.loads(tree.attrs.get("preconditioner", "null")),
        "preconditioner_match": json.loads(tree.attrs.get("preconditioner_match", "null")),
        "quick": bool(quick),
        "timing_seconds": {
            "prior": tree.attrs.get("prior_seconds"),
            "sampling": tree.attrs.get("sampling_seconds"),
            "draws": tree.attrs.get("draws_seconds"),
        },
        "diagnostics": asdict(diagnostics),
        "interval": {"prob": INTERVAL_PROB, "kind": INTERVAL_KIND},
        "versions": versions(),
        "status": "ok" if diagnostics.passed else "failed_diagnostics",
    }


def check_convergence(diagnostics: Diagnostics) -> None:
    if not diagnostics.passed:
        raise ConvergenceError("convergence gate failed: " + "; ".join(diagnostics.failures))


def versions() -> dict[str, str]:
    names = [
        "stalin_mortality",
        "pymc",
        "pytensor",
        "arviz",
        "arviz-stats",
        "xarray",
        "numpy",
        "nutpie",
        "numba",
        "jax",
    ]
    out = {"python": platform.python_version()}
    for n in names:
        try:
            out[n] = version(n)
        except Exception:
            out[n] = "not installed"
    commit = _git_commit()
    if commit:
        out["git_commit"] = commit
    return out


def _git_commit() -> str:
    """The commit of the checkout the package runs from (``+dirty`` with uncommitted
    changes under ``src/``), or ``""`` for an installed wheel or without git."""
    import subprocess

    here = Path(__file__).resolve().parent
    try:
        # a wheel installed in a virtual environment inside a checkout is not the checkout
        subprocess.run(
            ["git", "-C", str(here), "ls-files", "--error-unmatch", "__init__.py"],
            capture_output=True,
            timeout=5,
            check=True,
        )
        head = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain", "--", str(here)],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return f"{head}+dirty" if dirty else head


def save(tree: xr.DataTree, directory: Path, manifest: dict) -> Path:
    """Write ``posterior.nc`` and ``manifest.json`` into ``directory`` (which must exist)."""
    directory = Path(directory)
    tree.to_netcdf(directory / POSTERIOR_FILE, engine="h5netcdf")
    return write_manifest(directory, manifest)


def write_manifest(directory: Path, manifest: dict) -> Path:
    """Write ``manifest.json`` into ``directory``."""
    path = Path(directory) / MANIFEST_FILE
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return Path(directory)


def load_manifest(directory: Path) -> tuple[Path, dict]:
    """The manifest of a results folder; a clear error if it is missing or corrupt."""
    man = Path(directory) / MANIFEST_FILE
    if not man.exists():
        raise ResultsError(f"{man}: not found (is {directory} a results folder?)")
    try:
        manifest = json.loads(man.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ResultsError(f"{man}: corrupted manifest: {err}") from None
    if not isinstance(manifest, dict) or "scenario" not in manifest:
        raise ResultsError(f"{man}: not a stalin_mortality manifest")
    return man, manifest


def load(directory: Path) -> tuple[xr.DataTree, dict]:
    """Load a saved posterior and its manifest; a clear error if either is missing or corrupt."""
    directory = Path(directory)
    post = directory / POSTERIOR_FILE
    _, manifest = load_manifest(directory)
    if not post.exists():
        raise ResultsError(f"{post}: not found (is {directory} a results folder?)")
    try:
        tree = xr.open_datatree(post, engine="h5netcdf").load()
    except Exception as err:
        raise ResultsError(f"{post}: cannot be read as a posterior: {err}") from None
    if "posterior" not in tree.children:
        raise ResultsError(f"{post}: has no posterior group")
    return tree, manifest
