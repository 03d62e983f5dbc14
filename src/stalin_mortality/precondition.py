"""A fixed linear preconditioner of a window's posterior, shipped with the window.

NUTS spends most of a whole-era fit learning a metric: the posterior of the unconstrained
parameters is correlated in many directions (each archive's completeness with every year of
its cause, the fertility walk's levels with its innovations; the correlation matrix's
eigenvalues run from 0.0007 to 8), and nutpie's low-rank adaptation needs about 400 tuning
iterations of 250-500 leapfrog steps before it has them (``docs/sampling.md``).

A :class:`Preconditioner` holds the mean ``m`` and the Cholesky factor ``L`` of the
covariance of a converged run's unconstrained draws.  :func:`whiten` builds a model in a new
free vector ``z`` with ``u = m + L z`` (``u`` the original model's unconstrained
parameters) and the original model's log density (with its Jacobians) at ``u``.  The map is
linear with a constant Jacobian, so the posterior of ``u``, and of everything computed from
it, is exactly the original one: only the sampler's geometry changes, and the adaptation
still adapts on top of it.  A preconditioner estimated on one scenario or data set is a
valid (if less well matched) one for any other; the convergence gate judges every fit.

The file of a window is ``resources/preconditioners/<window>.npz``, written by
``stalin-mortality precondition RUN_DIR --out FILE`` from a saved run of that window.  It
records the value variables' names and sizes and a fingerprint of what the run was fitted
to (the window file's text, the scenario's hash, the data files' checksums).  Where it is
used is the scope (:func:`select`), by default the window's own (``precondition_scope`` in
its file, ``"fitted"`` unless stated).  Scope ``"window"`` uses it for any scenario whose
parameters match, on the window text and data it was made on, and says what differs from
what it was made for: 1927-1939 states it, as the short settings it allows
(``PRECONDITIONED_DEFAULTS``) passed the gate on the twelve matching scenarios of that
window on the model before 7 December's third session, and on fourteen of the fifteen
matching ones of 8 December (docs/sampling.md, docs/engine.md "Scenarios"; the fifteenth,
which pins a parameter far from the default posterior, failed the gate and
``scenario-table`` refits such a scenario in the model's own coordinates).  Scope
``"fitted"`` uses it only when the fingerprint matches too; any other fit is made in the
model's own coordinates with the long settings, and says why.  The whole era keeps
``"fitted"``: one of its scenarios was measured under the wider scope.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt
import xarray as xr
from pytensor.graph.replace import clone_replace, graph_replace

from .constants import PRECONDITION_SCOPES, RESOURCES_DIR

PRECONDITIONER_DIR = RESOURCES_DIR / "preconditioners"
#: the whitened model's free vector; dropped from the posterior after sampling
WHITE = "z_white"


@dataclass
class Preconditioner:
    """Mean and Cholesky factor of the unconstrained parameters' posterior covariance."""

    #: the value variables (unconstrained) in the model's order, with their sizes
    names: list[str]
    sizes: list[int]
    mean: np.ndarray
    chol: np.ndarray
    #: where it came from: window, scenario, seed, draws, the run's commit and date
    provenance: dict = field(default_factory=dict)
    #: sampler settings measured with it (``target_accept``, ``tune``, ``draws``): they
    #: replace :data:`~stalin_mortality.inference.PRECONDITIONED_DEFAULTS`, and a user's
    #: own settings replace them
    settings: dict = field(default_factory=dict)
    #: what the run it was estimated from was fitted to (:func:`fingerprint`)
    fingerprint: dict = field(default_factory=dict)
    #: the file it was read from and that file's sha256 (empty when made in memory)
    file: str = ""
    sha256: str = ""

    def describe(self) -> dict:
        """What a manifest records of it."""
        return {
            "file": self.file,
            "sha256": self.sha256,
            "settings": self.settings,
            "fingerprint": self.fingerprint,
            **self.provenance,
        }

    def to_dataset(self) -> xr.Dataset:
        """The preconditioner as a Dataset (saved with every fit that used it, so a results
        folder holds the coordinates it was sampled in)."""
        return xr.Dataset(
            {
                "mean": ("unconstrained", self.mean),
                "chol": (("unconstrained", "unconstrained_col"), self.chol),
            },
            attrs={
                "names": json.dumps(self.names),
                "sizes": json.dumps(self.sizes),
                "describe": json.dumps(self.describe()),
            },
        )

    @property
    def dim(self) -> int:
        return int(sum(self.sizes))

    def differs(self, fitted_to: dict, keys=("window", "scenario", "data")) -> list[str]:
        """The parts of the fingerprint ``fitted_to`` (:func:`fingerprint`) that differ from
        what this preconditioner was made for."""
        return [k for k in keys if self.fingerprint.get(k) != fitted_to.get(k)]

    def matches(self, model: pm.Model, point: dict | None = None) -> bool:
        """True when ``model``'s value variables have these names and sizes, in order
        (``point``: the model's initial point, if the caller has it)."""
        names, sizes = _value_layout(model, point)
        return names == self.names and sizes == self.sizes

    def save(self, path: Path) -> Path:
        """Write to ``path`` (``.npz``) atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            mean=self.mean,
            chol=self.chol,
            layout=np.array(json.dumps({"names": self.names, "sizes": self.sizes})),
            provenance=np.array(json.dumps(self.provenance)),
            settings=np.array(json.dumps(self.settings)),
            fingerprint=np.array(json.dumps(self.fingerprint)),
        )
        tmp = path.with_suffix(".npz.tmp")
        tmp.write_bytes(buf.getvalue())
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: Path) -> Preconditioner:
        path = Path(path)
        data = path.read_bytes()  # read once: np.load leaves a damaged file's handle open
        digest = hashlib.sha256(data).hexdigest()
        with np.load(io.BytesIO(data)) as f:
            layout = json.loads(str(f["layout"]))

            def extra(key: str) -> dict:
                return json.loads(str(f[key])) if key in f.files else {}

            pre = cls(
                names=list(layout["names"]),
                sizes=[int(s) for s in layout["sizes"]],
                mean=np.asarray(f["mean"], dtype=float),
                chol=np.asarray(f["chol"], dtype=float),
                provenance=extra("provenance"),
                settings=extra("settings"),
                fingerprint=extra("fingerprint"),
                file=path.name,
                sha256=digest,
            )
        n = pre.dim
        if pre.mean.shape != (n,) or pre.chol.shape != (n, n):
            raise ValueError(
                f"{path.name}: mean {pre.mean.shape}, chol {pre.chol.shape}, {n} values"
            )
        if not (np.isfinite(pre.mean).all() and np.isfinite(pre.chol).all()):
            raise ValueError(f"{path.name}: non-finite values")
        return pre


#: Data files no model reads (the bibliography, the published claims compared afterwards):
#: editing them leaves every posterior as it was, so they are not in a fingerprint.
NOT_MODEL_DATA = ("sources.csv", "published_claims.csv")


def fingerprint(window, scenario, data_checksums: dict) -> dict:
    """What a fit is fitted to: the window file's text, the scenario's hash and the
    checksums of the data files the model reads (``{}`` when the observations were the
    caller's own)."""
    model_data = {k: v for k, v in (data_checksums or {}).items() if k not in NOT_MODEL_DATA}
    data = json.dumps(sorted(model_data.items()))
    return {
        "window": hashlib.sha256(window.text.encode()).hexdigest(),
        "scenario": scenario.hash,
        "data": hashlib.sha256(data.encode()).hexdigest() if data_checksums else "",
    }


def _value_layout(model: pm.Model, point: dict | None = None) -> tuple[list[str], list[int]]:
    point = model.initial_point() if point is None else point
    names = [v.name for v in model.value_vars]
    return names, [int(np.size(point[n])) for n in names]


def path_for(window_name: str, directory: Path = PRECONDITIONER_DIR) -> Path:
    return Path(directory) / f"{window_name}.npz"


def select(
    window_name: str,
    model: pm.Model,
    fitted_to: dict,
    scope: str = "window",
    directory: Path = PRECONDITIONER_DIR,
):
    """:func:`for_window` under a scope (``SamplerConfig.precondition_scope``): ``"fitted"``
    uses the file only for the fingerprint ``fitted_to`` it was made for; ``"window"`` for
    any scenario on the same window text and data (what was measured: docs/sampling.md),
    and the message says what differs.  Returns ``(preconditioner or None, message)``."""
    if scope not in PRECONDITION_SCOPES:
        raise ValueError(f"precondition_scope must be one of {PRECONDITION_SCOPES}, not {scope!r}")
    if scope == "fitted":
        return for_window(window_name, model, directory, fitted_to=fitted_to)
    pre, why = for_window(window_name, model, directory)
    if pre is not None:
        other = pre.differs(fitted_to, ("window", "data"))
        if other:
            return None, (
                f"{pre.file or 'the preconditioner'} was made on the shipped window text and "
                f"data; this fit's {', '.join(other)} differ(s): fitted in the model's own "
                "coordinates with the long settings (a scenario may differ, the data and "
                "window may not: docs/sampling.md)"
            )
        differ = pre.differs(fitted_to)
        if differ:
            why += (
                f" (made for scenario '{pre.provenance.get('scenario', '?')}' on the shipped "
                f"data and window; this fit's {', '.join(differ)} differ(s): used by "
                "precondition_scope 'window', the convergence gate decides)"
            )
    return pre, why


def for_window(
    window_name: str,
    model: pm.Model,
    directory: Path = PRECONDITIONER_DIR,
    fitted_to: dict | None = None,
):
    """The shipped preconditioner of ``window_name`` if it exists, can be read, matches
    ``model``'s parameters and (when ``fitted_to``, a :func:`fingerprint`, is given) was
    made for the same window text, scenario and data; else ``(None, reason)``."""
    path = path_for(window_name, directory)
    if not path.exists():
        return None, f"no preconditioner for window '{window_name}'"
    try:
        pre = Preconditioner.load(path)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
        return None, f"{path.name} could not be read ({err}): not preconditioned"
    if not pre.matches(model):
        return None, (
            f"{path.name} does not match the model of window '{window_name}' (its parameters "
            "changed since it was made: rerun `stalin-mortality precondition` on a new run)"
        )
    if fitted_to is not None:
        differ = pre.differs(fitted_to)
        if differ:
            made = pre.provenance.get("scenario", "?")
            return None, (
                f"{path.name} was made for scenario '{made}' on the shipped data and window; "
                f"this fit's {', '.join(differ)} differ(s): fitted in the model's own "
                "coordinates with the long settings (docs/sampling.md)"
            )
    return pre, f"preconditioned by {path.name}"


def match(z: np.ndarray) -> dict:
    """How well a preconditioner fits a posterior, from the draws in its coordinates ``z``
    (``[draw, k]``; ``z = L^-1 (u - m)``): the largest ``|mean z|`` and the extreme
    eigenvalues of ``cov(z)``; 0 and 1 where it is the posterior's own, a small eigenvalue
    a direction the posterior is narrower in than the one it was made from."""
    z = np.asarray(z, dtype=float).reshape(-1, np.shape(z)[-1])
    eig = np.linalg.eigvalsh(np.atleast_2d(np.cov(z, rowvar=False)))
    return {
        "max_abs_mean_z": round(float(np.abs(z.mean(axis=0)).max()), 4),
        "cov_eigenvalue_min": round(float(eig.min()), 4),
        "cov_eigenvalue_max": round(float(eig.max()), 4),
    }


def unconstrained_draws(model: pm.Model, posterior: xr.Dataset) -> np.ndarray:
    """The posterior's draws of ``model``'s free parameters on the unconstrained scale, one
    row per draw, columns in the order of ``model.value_vars`` (each flattened in C order)."""
    free = list(model.free_RVs)
    missing = [rv.name for rv in free if rv.name not in posterior]
    if missing:
        raise ValueError(f"the posterior lacks the model's parameters {missing}")
    placeholders = {rv: rv.type() for rv in free}
    outs = []
    for rv in free:
        tr = model.rvs_to_transforms.get(rv)
        outs.append(tr.forward(rv, *rv.owner.inputs) if tr is not None else rv)
    outs = clone_replace(outs, replace=placeholders)
    f = pytensor.function(
        [placeholders[rv] for rv in free], outs, on_unused_input="ignore", mode="FAST_COMPILE"
    )
    values = [
        posterior[rv.name].values.reshape(-1, *posterior[rv.name].shape[2:]).astype(rv.dtype)
        for rv in free
    ]
    n = values[0].shape[0]
    return np.array(
        [np.concatenate([np.ravel(o) for o in f(*[v[i] for v in values])]) for i in range(n)]
    )


def from_posterior(
    model: pm.Model,
    posterior: xr.Dataset,
    provenance: dict | None = None,
    settings: dict | None = None,
    fitted_to: dict | None = None,
):
    """Estimate the preconditioner of ``model`` from a converged posterior of it;
    ``fitted_to``: the run's :func:`fingerprint`."""
    u = unconstrained_draws(model, posterior)
    if not np.isfinite(u).all():
        bad = sorted({int(j) for j in np.where(~np.isfinite(u).all(axis=0))[0]})
        raise ValueError(
            f"non-finite unconstrained values in columns {bad[:10]} (a draw on a bound?)"
        )
    names, sizes = _value_layout(model)
    if u.shape[1] != sum(sizes):
        raise ValueError(f"{u.shape[1]} unconstrained columns for {sum(sizes)} values")
    cov = np.cov(u.T)
    # a ridge of 1e-8 of the mean variance: a draw-count-limited covariance can be singular
    ridge = 1e-8 * float(np.mean(np.diag(cov)))
    chol = np.linalg.cholesky(cov + ridge * np.eye(len(cov)))
    prov = dict(provenance or {})
    prov.setdefault("draws", int(u.shape[0]))
    prov.setdefault("made", time.strftime("%Y-%m-%d"))
    return Preconditioner(
        names, sizes, u.mean(axis=0), chol, prov, dict(settings or {}), dict(fitted_to or {})
    )


def whiten(model: pm.Model, pre: Preconditioner) -> pm.Model:
    """The model reparametrised as ``u = mean + chol @ z``: one free vector ``z_white`` (flat
    prior) whose density is ``model``'s log density at ``u``; every free parameter (on its
    own scale) and deterministic of ``model`` is a deterministic of the new model, with the
    same name and dims."""
    point = model.initial_point()  # the value variables' shapes (computed once: it compiles)
    if not pre.matches(model, point):
        raise ValueError("the preconditioner does not match the model's parameters")
    logp = model.logp()
    named = list(model.free_RVs) + list(model.deterministics)
    graphs = model.replace_rvs_by_values(named)
    coords = {
        k: (v if v is not None else np.arange(int(model.dim_lengths[k].eval())))
        for k, v in model.coords.items()
    }
    with pm.Model(coords=coords, model=None) as white:  # never a sub-model of a context
        z = pm.Flat(WHITE, shape=pre.dim)
        u = pt.constant(pre.mean) + pt.dot(pt.constant(pre.chol), z)
        replace, start = {}, 0
        for vv, size in zip(model.value_vars, pre.sizes, strict=True):
            shape = np.shape(point[vv.name])
            piece = u[start : start + size]
            replace[vv] = (piece.reshape(shape) if shape else piece[0]).astype(vv.dtype)
            start += size
        # graph_replace, not clone_replace: the latter would clone z itself, leaving a
        # copy of the random variable that the model does not know
        pm.Potential("log_density", graph_replace(logp, replace=replace, strict=False))
        for var, g in zip(named, graph_replace(graphs, replace=replace, strict=False), strict=True):
            pm.Deterministic(var.name, g, dims=model.named_vars_to_dims.get(var.name))
    return white
