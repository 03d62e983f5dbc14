"""Validation at scale on ``dask.distributed``: simulation-based calibration (SBC), interval
coverage, misspecification and leave-one-census-out (``stalin-mortality validate``).

Each replicate is one task: draw a truth from the prior (or take the real data, for
leave-one-census-out), simulate observations through the model's own observation models
(or through a deliberately different generator, for misspecification), fit, and summarise
the truth against the posterior: its rank among thinned posterior draws, and the 50/80/90%
equal-tailed intervals, for every free parameter element and every headline estimand.

- **One compile per worker.** A worker compiles the window's model once (nutpie, JAX) and
  swaps each replicate's observations in (``with_data``: the observed values are model data,
  :func:`stalin_mortality.model.build.observed_data`); only the leave-one-census-out fits,
  whose models differ, compile once per left-out census.
- **Nothing lost, nothing faked.** Every finished replicate is written at once as
  ``replicates/<id>.json`` (atomic rename); a rerun skips those already written. A replicate
  that raised, or whose worker died, is written with status ``error`` and its reason, and is
  retried by the next run (its earlier failures stay in ``attempts``). A fit that ran but
  failed the replicate gate is kept with status ``not_converged``: calibration is summarised
  over every fit, and the count that failed the gate is stated beside it (dropping them would
  select the replicates).
- **Summaries** (``summary/``): ranks and a uniformity test per quantity (``arviz_stats``'
  ``uniformity_test``, method ``pot_c``), coverage of the 50/80/90% intervals with a binomial
  (Jeffreys) interval, bias under each misspecification, the predictive error of each
  left-out census by age group; rank-ECDF figures by ``arviz_plots.plot_ecdf_pit``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import sys
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .constants import DEFAULT_SEED, DEFAULT_WINDOW, SINGLE_THREAD_XLA

KINDS = ("sbc", "coverage", "misspec", "loco")
#: Central interval probabilities whose coverage is reported.
PROBS = (0.5, 0.8, 0.9)
QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
#: Ages (single years, both sexes) the padding goes to in the ``padding_ages`` experiment.
PADDING_AGES = (20, 49)

#: The misspecification experiments: how the world of the truth differs from the model's.
MISSPEC = {
    "none": "the control: the model's own world, with the same truths (seeds) as every "
    "experiment, so each experiment's bias and coverage read against it",
    "heaping": "every census heaps ages on multiples of 5 (Whipple about 145 men, 172 women, "
    "as the 1926 census): 15% (men) / 24% (women) of those one year off and half that of "
    "those two years off report the multiple of 5",
    "padding_ages": "the 1939 padding is added at ages 20-49 only (the model spreads it "
    "over every age in proportion)",
    "abortion_ban": "a birth spike in 1937 after the June 1936 abortion ban (prior-truth "
    "conflict: inside the random walk's family): log TFR's deviation jumps +0.25 in 1937 and "
    "back in 1938 (1.7 prior sd each way)",
    "archives_far": "(prior-truth conflict) archival series far from their priors: Gulag "
    "deaths recorded at 40% "
    "(completeness 0.4, series share 0.4), 1.6 death sentences per execution in 1930-36",
    "famine_pattern": "a child-light famine age pattern (prior-truth conflict, not a "
    "misspecification): children's log relative rise set 1.4 below the prior centre (which "
    "is already near the Ukrainian share, 2 prior sd), adult men's 1.0 above (1.4 sd), the "
    "old at the centre",
}


@dataclass(frozen=True)
class Settings:
    """What every replicate of one validation shares (reduced draws, stated in its output)."""

    window: str = DEFAULT_WINDOW
    scenario: str = "default"
    chains: int = 2
    tune: int = 300
    draws: int = 300
    target_accept: float = 0.98
    #: nutpie's backend.  numba: about 3 min to compile cold (once per worker, then cached
    #: on disk), then 19-33 s a replicate against JAX's 108-165 s (docs/sampling.md)
    backend: str = "numba"
    #: NUTS's maximum tree depth (nutpie's ``maxdepth``; 10 as in a run): the smoke test's
    #: tiny fits use less, so its first, badly adapted steps stay cheap.
    max_depth: int = 10
    #: Posterior draws kept (evenly thinned) for the ranks: ranks run 0..rank_draws.  Kept
    #: near the fits' effective sample size: ranks among autocorrelated draws are not
    #: uniform even for a calibrated model (Talts et al. 2018, section 5.1).
    rank_draws: int = 49
    #: The replicate gate: reduced draws cannot meet the run gate's ESS of 400.
    max_rhat: float = 1.05
    min_ess_bulk: float = 100.0
    max_divergences: int = 0

    def gate(self):
        """The replicate gate as the run's :class:`~stalin_mortality.inference.Gate`."""
        from .inference import Gate

        return Gate(
            max_rhat=self.max_rhat,
            min_ess_bulk=self.min_ess_bulk,
            min_ess_tail=self.min_ess_bulk,
            max_divergences=self.max_divergences,
        )


def _fit_status(diag) -> dict:
    """A fitted replicate's status, reason and diagnostics (from ``inference.diagnose``)."""
    return {
        "status": "ok" if diag.passed else "not_converged",
        "reason": None if diag.passed else "; ".join(diag.failures),
        "diagnostics": {
            "max_rhat": diag.max_rhat,
            "min_ess_bulk": diag.min_ess_bulk,
            "min_ess_tail": diag.min_ess_tail,
            "divergences": diag.divergences,
        },
    }


# ----------------------------------------------------------------------------- worker side

#: A worker process's compiled models: (settings key, excluded series) -> (compiled, model)
_COMPILED: dict = {}
_SETUP: dict = {}


def _setup(settings: Settings):
    from . import load_observations, load_scenario, load_window, make_inputs

    key = (settings.window, settings.scenario)
    if key not in _SETUP:
        obs = load_observations()
        window = load_window(settings.window)
        scenario = load_scenario(settings.scenario)
        _SETUP[key] = (obs, window, scenario, make_inputs(obs, window))
    return _SETUP[key]


def _compiled(settings: Settings, exclude: tuple[str, ...] = ()):
    """The worker's compiled model (built on the real observations; data swapped later)."""
    import nutpie

    from .model.build import build_model

    key = (settings.window, settings.scenario, settings.backend, exclude)
    if key not in _COMPILED:
        obs, window, scenario, inputs = _setup(settings)
        if exclude:
            scenario = dataclasses.replace(scenario, exclude=tuple(scenario.exclude) + exclude)
        model = build_model(obs, window, scenario, inputs=inputs)
        # not frozen: the observed values stay inputs of the compiled function
        compiled = nutpie.compile_pymc_model(
            model,
            backend=settings.backend,
            gradient_backend="jax" if settings.backend == "jax" else "pytensor",
            jitter_rvs=set(),
            freeze_model=False,
            initial_points=nudged_start(model) if exclude else None,
        )
        _COMPILED[key] = (compiled, model, scenario)
    return _COMPILED[key]


#: How far (in the sampler's unconstrained space) a start is moved off a flat direction.
NUDGE = 0.01


def nudged_start(model) -> dict:
    """Starting values (constrained, by variable name) that move only the elements whose
    log-density gradient is exactly zero at the model's initial point by :data:`NUDGE`.

    Without a series (a census left out) a parameter only that series informed sits at its
    prior's mode, where the gradient vanishes, and nutpie will not start ("bad initial
    gradient"); jittering every parameter instead sent the engine's chains apart (r_hat 2.3).
    Deterministic: the same model gives the same start."""
    point = model.initial_point()
    grad = np.asarray(model.compile_dlogp(jacobian=True)(point))
    out, i = {}, 0
    for rv in model.free_RVs:
        value = model.rvs_to_values[rv]
        x = np.asarray(point[value.name], dtype=float)
        n = x.size
        flat = grad[i : i + n] == 0.0
        i += n
        if not flat.any():
            continue
        moved = x.reshape(-1).copy()
        moved[flat] += NUDGE
        moved = moved.reshape(x.shape)
        transform = model.rvs_to_transforms.get(rv)
        if transform is not None:
            moved = transform.backward(moved, *rv.owner.inputs).eval()
        out[rv.name] = np.asarray(moved)
    return out


def _sample(compiled, settings: Settings, seed: int):
    import nutpie

    return nutpie.sample(
        compiled,
        draws=settings.draws,
        tune=settings.tune,
        chains=settings.chains,
        cores=1,
        seed=seed,
        target_accept=settings.target_accept,
        progress_bar=False,
        adaptation="low_rank",
        maxdepth=settings.max_depth,
    )


def _heap(single: np.ndarray) -> np.ndarray:
    """Age heaping on multiples of 5 (ages 25-75), people moved, none created."""
    out = single.astype(float).copy()
    for s, h in enumerate((0.15, 0.24)):  # men, women
        for a in range(25, 80, 5):
            for off, share in ((1, h), (2, h / 2)):
                for b in (a - off, a + off):
                    moved = share * single[s, b]
                    out[s, b] -= moved
                    out[s, a] += moved
    return out


def _misspec_hook(variant: str | None, window):
    if variant == "heaping":

        def hook(c, single, truth):
            return window.group_ages(_heap(single)), truth

        return hook
    if variant == "padding_ages":

        def hook(c, single, truth):
            grouped = window.group_ages(single)
            if not c.padding:
                return grouped, truth
            # the same number of persons added, all at ages 20-49 (in proportion there)
            persons = float(truth[f"padding_{c.year}"]) * single.sum()
            mask = np.zeros_like(single)
            mask[:, PADDING_AGES[0] : PADDING_AGES[1] + 1] = 1.0
            added = persons * mask * single / (mask * single).sum()
            return window.group_ages(single + added), {**truth, f"padding_{c.year}": 0.0}

        return hook
    return None


def _misspec_truth(variant: str | None, truth: dict, window) -> dict:
    truth = {k: np.array(v, dtype=float, copy=True) for k, v in truth.items()}
    if variant == "abortion_ban":
        years = next(d.year_list for d in window.deviations if d.name == "fertility_deviation")
        i = list(years).index(1937)
        truth["fertility_deviation"][i] += 0.25
        if i + 1 < len(years):
            truth["fertility_deviation"][i + 1] -= 0.25
    elif variant == "archives_far":
        for name, value in (
            ("archival_completeness_gulag", 0.4),
            ("gulag_series_share_1930_34", 0.4),
            ("sentence_ratio_1930_36", 1.6),
        ):
            if name in truth:
                truth[name] = np.full_like(truth[name], value)
    elif variant == "famine_pattern":
        pattern = next((c.pattern_prior_name for c in window.causes if c.estimated_pattern), "")
        if pattern in truth:
            # bands: male 0-9, male 10-59, male 60+, female 0-9, female 60+
            truth[pattern] = truth[pattern] * 0 + np.array([-2.85, 1.0, 0.0, -2.85, 0.0])
    return truth


def _element_labels(da) -> list[str]:
    """``name`` or ``name[coord, ...]`` for each element of a draw of ``da``."""
    rest = [d for d in da.dims if d not in ("chain", "draw")]
    if not rest:
        return [str(da.name)]
    grids = np.meshgrid(*[da[d].values for d in rest], indexing="ij")
    flat = [g.ravel() for g in grids]
    return [f"{da.name}[{', '.join(str(v[i]) for v in flat)}]" for i in range(flat[0].size)]


def _summarise_quantity(truth: float, draws: np.ndarray, rank_index: np.ndarray, rng) -> dict:
    """The truth's rank among ``draws[rank_index]`` (thinned) and the quantiles of all
    ``draws``: intervals from few draws cover less than their nominal share even for exact
    draws (numpy's 5%-95% of 49 draws: 86.4% expected, 300 draws: 89.4%)."""
    draws = np.asarray(draws, dtype=float)
    ranked = draws[rank_index]
    below = int(np.sum(ranked < truth))
    ties = int(np.sum(ranked == truth))
    rank = below + (int(rng.integers(0, ties + 1)) if ties else 0)
    q = np.quantile(draws, QUANTILES)
    return {
        "truth": float(truth),
        "rank": rank,
        "n": int(ranked.size),
        "n_interval": int(draws.size),
        **{f"q{round(p * 100):02d}": float(v) for p, v in zip(QUANTILES, q, strict=True)},
        "sd": float(np.std(draws)),
    }


def _thin(n_total: int, keep: int) -> np.ndarray:
    return np.unique(np.linspace(0, n_total - 1, keep).round().astype(int))


def _fit_and_rank(task: dict, settings: Settings) -> dict:
    """SBC, coverage and misspecification: truth, simulated data, fit, ranks."""
    from . import build_model
    from .estimands import compute_from_params, parameter_draws
    from .inference import diagnose
    from .model.build import observed_data
    from .outputs import headline_rows
    from .simulation import draw_truth, simulate_inputs, truth_params

    obs, window, scenario, inputs = _setup(settings)
    compiled, model, _ = _compiled(settings)
    seed = int(task["seed"])
    variant = task.get("variant")
    t0 = time.perf_counter()
    truth = _misspec_truth(variant, draw_truth(model, seed), window)
    rng = np.random.default_rng(seed)
    sim = simulate_inputs(truth, inputs, window, rng, census_hook=_misspec_hook(variant, window))
    sim_model = build_model(obs, window, scenario, inputs=sim)
    data = observed_data(sim_model)
    bad = [k for k, v in data.items() if not np.all(np.isfinite(v))]
    if bad:
        raise ValueError(f"the simulated observations are not finite: {', '.join(bad)}")
    t1 = time.perf_counter()
    post = _sample(compiled.with_data(**data), settings, seed)
    t2 = time.perf_counter()
    free = [v.name for v in model.free_RVs]
    diag = diagnose(post, var_names=free, gate=settings.gate())
    # ranks on evenly thinned draws (chain-major), the same draws for every quantity
    p, (chains, draws) = parameter_draws(post, window)
    keep = _thin(chains * draws, settings.rank_draws)
    qrng = np.random.default_rng(seed + 1)
    quantities = {}
    ds_post = post["posterior"].to_dataset()
    import arviz as az

    ess = az.ess(post, var_names=free, method="bulk").dataset
    for name in free:
        da = ds_post[name].transpose("chain", "draw", ...)
        values = np.asarray(da.values, dtype=float).reshape(chains * draws, -1)
        t = np.asarray(truth[name], dtype=float).ravel()
        e = np.asarray(ess[name].values, dtype=float).ravel()
        for j, label in enumerate(_element_labels(da)):
            quantities[label] = _summarise_quantity(t[j], values[:, j], keep, qrng)
            quantities[label]["ess_bulk"] = float(e[j])
    est_truth = compute_from_params(truth_params(truth, window), sim, window)
    est_post = compute_from_params(p, sim, window)  # every draw: the intervals use them all
    rows_post = {q: v for q, v, _ in headline_rows(est_post, window)}
    for q, v, _ in headline_rows(est_truth, window):
        if q in rows_post:
            quantities[q] = _summarise_quantity(
                float(np.ravel(v.values)[0]), np.ravel(rows_post[q].values), keep, qrng
            )
    return {
        **_fit_status(diag),
        "seconds_simulate": round(t1 - t0, 2),
        "seconds_sample": round(t2 - t1, 2),
        "quantities": quantities,
    }


def _loco(task: dict, settings: Settings) -> dict:
    """Refit the real data without one census and predict that census by age group."""
    from .estimands import compute_from_params, parameter_draws
    from .inference import diagnose
    from .model.components import census as census_obs

    _, window, _, inputs = _setup(settings)
    year = int(task["census"])
    compiled, model, _ = _compiled(settings, exclude=(f"census_{year}",))
    t1 = time.perf_counter()
    post = _sample(compiled, settings, int(task["seed"]))
    t2 = time.perf_counter()
    free = [v.name for v in model.free_RVs]
    diag = diagnose(post, var_names=free, gate=settings.gate())
    p, (chains, draws) = parameter_draws(post, window)
    keep = _thin(chains * draws, 400)
    est = compute_from_params({k: v[keep] for k, v in p.items()}, inputs, window)
    census = next(c for c in window.observed_censuses if c.year == year)
    grouped = est["population_by_age_group"].sel(census=year).values  # [draw, sex, group]
    ds = post["posterior"].to_dataset()
    names = [n for n in census_obs.priors_names(window) if n in ds]
    par = {
        n: np.asarray(ds[n].values).reshape(chains * draws, *ds[n].shape[2:])[keep] for n in names
    }
    rng = np.random.default_rng(int(task["seed"]))
    pred = np.stack(
        [
            census_obs.simulate({n: v[i] for n, v in par.items()}, window, census, grouped[i], rng)
            for i in range(len(keep))
        ]
    )
    observed = inputs.census_observed[year]
    rows = [
        _prediction_row(sex, str(label), pred[:, k, g], float(observed[k, g]))
        for k, sex in enumerate(("male", "female"))
        for g, label in enumerate(window.age_group_labels)
    ]
    rows.append(_prediction_row("both", "total", pred.sum(axis=(1, 2)), float(observed.sum())))
    return {
        **_fit_status(diag),
        "seconds_sample": round(t2 - t1, 2),
        "prediction": rows,
    }


def _prediction_row(sex: str, age_group: str, draws: np.ndarray, observed: float) -> dict:
    """An observed count against its predictive draws: median, 90% interval, error."""
    lo, med, hi = (float(v) for v in np.quantile(draws, [0.05, 0.5, 0.95]))
    return {
        "sex": sex,
        "age_group": age_group,
        "observed": observed,
        "predicted_median": med,
        "lower_90": lo,
        "upper_90": hi,
        "relative_error": observed / med - 1.0,
        "inside_90": bool(lo <= observed <= hi),
    }


def run_replicate(task: dict) -> dict:
    """One replicate, on a worker: never raises (an error is a record with its reason)."""
    import warnings

    settings = Settings(**task["settings"])
    t0 = time.perf_counter()
    record = dict(task)
    record["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    try:
        if task.get("fail"):  # the smoke test's deliberate failure
            raise RuntimeError("deliberate failure (testing the failure record)")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compiled_before = len(_COMPILED)
            if task["kind"] == "loco":
                record.update(_loco(task, settings))
            else:
                record.update(_fit_and_rank(task, settings))
            record["compiled_here"] = len(_COMPILED) > compiled_before
    except Exception as e:  # every failure is recorded, with its reason
        record.update(
            status="error",
            reason=f"{type(e).__name__}: {e}",
            traceback=traceback.format_exc(limit=8),
        )
    record["seconds"] = round(time.perf_counter() - t0, 2)
    return record


# ----------------------------------------------------------------------------- driver side


def tasks(kind: str, settings: Settings, replicates: int, seed: int = DEFAULT_SEED) -> list[dict]:
    """The replicates of ``kind`` (ids are stable: a rerun finds the same ones)."""
    if kind not in KINDS:
        raise ValueError(f"unknown validation '{kind}' (one of {', '.join(KINDS)})")
    base = {"kind": kind, "settings": asdict(settings)}
    if kind in ("sbc", "coverage"):
        # coverage is read from the same fits as SBC: truths from the prior
        return [
            {**base, "kind": "sbc", "id": f"sbc-{i:04d}", "seed": seed + 7919 * (i + 1)}
            for i in range(replicates)
        ]
    if kind == "misspec":
        return [
            {**base, "id": f"misspec-{v}-{i:04d}", "variant": v, "seed": seed + 7919 * (i + 1)}
            for v in MISSPEC
            for i in range(replicates)
        ]
    from .window import load_window

    window = load_window(settings.window)
    return [
        {**base, "id": f"loco-{c.year}", "census": c.year, "seed": seed}
        for c in window.observed_censuses
    ]


def _write_record(directory: Path, record: dict) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{record['id']}.json"
    previous = read_record(path)
    if previous is not None and previous.get("status") == "error":
        record["attempts"] = [
            *previous.get("attempts", []),
            {"reason": previous.get("reason"), "worker": previous.get("worker")},
        ]
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, indent=1, default=float))
    os.replace(tmp, path)
    return path


def read_record(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def records(out: Path) -> list[dict]:
    d = Path(out) / "replicates"
    return [r for p in sorted(d.glob("*.json")) if (r := read_record(p)) is not None]


class _Progress:
    def __init__(self, total: int, skipped: int, label: str):
        self.total, self.done, self.failed, self.label = total, skipped, 0, label
        self.t0 = time.perf_counter()
        self.new = 0
        self.tty = sys.stderr.isatty()

    def update(self, record: dict) -> None:
        from . import progress

        self.done += 1
        self.new += 1
        self.failed += record.get("status") == "error"
        hours = (time.perf_counter() - self.t0) / 3600
        rate = self.new / hours if hours > 0 else float("nan")
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {self.label}: {self.done}/{self.total} "
            f"done, {self.failed} failed, {rate:.0f} replicates/hour "
            f"(last: {record['id']} {record.get('status')}, {record.get('seconds', 0):.0f} s)"
        )
        if progress.quiet():
            return
        if self.tty:
            print("\r" + line, end="" if self.done < self.total else "\n", file=sys.stderr)
        else:
            print(line, file=sys.stderr, flush=True)


#: Each worker computes on one core: XLA's own thread pools, one per worker process, made
#: two workers on two cores spend two thirds of their CPU time in the kernel (measured with
#: ``top``: 67% system time, 230 s a replicate against about 90 s).
WORKER_ENV = {
    "XLA_FLAGS": SINGLE_THREAD_XLA,
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def client(scheduler: str | None = None, workers: int | None = None):
    """A ``dask.distributed`` client: to ``scheduler`` (an address) or to a new
    ``LocalCluster`` of ``workers`` single-threaded processes (default: the machine's cores)."""
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        env=WORKER_ENV,
    )
    c = Client(cluster)
    _pin_workers(c)
    return c


def _pin(core: int) -> int:
    os.sched_setaffinity(0, {core})
    return core


def _pin_workers(c) -> None:
    """Pin each local worker process to its own core (before it first imports JAX, whose
    thread pools then hold one thread): two unpinned workers on two cores spent 40-67% of
    their CPU time in the kernel, switching between each other's XLA threads (``top -H``)."""
    if not hasattr(os, "sched_setaffinity"):
        return
    cores = sorted(os.sched_getaffinity(0))
    workers = sorted(c.scheduler_info()["workers"])
    if len(workers) > len(cores):
        return
    for i, w in enumerate(workers):
        c.run(_pin, cores[i], workers=[w])


def run_tasks(
    todo: list[dict], out: Path, dask_client, label: str = "validate", retries: int = 0
) -> dict:
    """Submit every task not yet done in ``out/replicates``; write each record as it ends.
    Returns counts by status (the skipped ones included)."""
    from distributed import as_completed

    rep = Path(out) / "replicates"
    done = {}
    for t in todo:
        r = read_record(rep / f"{t['id']}.json")
        if r is not None and r.get("status") in ("ok", "not_converged"):
            if r.get("settings") != t["settings"]:
                # resuming must not merge fits made with other settings into one summary
                raise ValueError(
                    f"{rep / (t['id'] + '.json')} was fitted with other settings "
                    f"({r.get('settings')}) than this run ({t['settings']}): use another --out"
                )
            done[t["id"]] = r
    pending = [t for t in todo if t["id"] not in done]
    bar = _Progress(len(todo), len(done), label)
    futures = {
        dask_client.submit(run_replicate, t, key=f"{t['id']}-{time.time_ns()}", retries=retries): t
        for t in pending
    }
    for fut in as_completed(futures):
        task = futures[fut]
        try:
            record = fut.result()
        except Exception as e:  # a lost worker: recorded, retried next run
            record = dict(task)
            record.update(
                status="error",
                reason=f"worker lost or task failed outside the replicate: {type(e).__name__}: {e}",
            )
        _write_record(rep, record)
        done[task["id"]] = record
        bar.update(record)
    counts: dict[str, int] = {}
    for r in done.values():
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return counts


def validate(
    kind: str,
    out: str | Path,
    settings: Settings | None = None,
    replicates: int = 100,
    scheduler: str | None = None,
    workers: int | None = None,
    seed: int = DEFAULT_SEED,
) -> dict:
    """Run (or resume) validation ``kind`` into ``out`` and write its summaries.

    Returns the counts of replicates by status and the summary files written."""
    settings = settings or Settings()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    todo = tasks(kind, settings, replicates, seed)
    (out / "settings.json").write_text(
        json.dumps(
            {"kind": kind, "replicates": replicates, "seed": seed, **asdict(settings)}, indent=1
        )
    )
    t0 = time.perf_counter()
    with client(scheduler, workers) as c:
        n_workers = len(c.scheduler_info().get("workers", {}))
        counts = run_tasks(todo, out, c, label=f"validate {kind}")
    seconds = time.perf_counter() - t0
    from . import calibration_report

    files = calibration_report.write(out, kind, [t["id"] for t in todo])
    timing = {"seconds": round(seconds, 1), "workers": n_workers, "counts": counts}
    (out / "summary" / "timing.json").write_text(json.dumps(timing, indent=1))
    return {"counts": counts, "files": files, **timing}


def _run_scenario(
    name: str, out: str, window: str, seed: int, quick: bool, scope: str | None = None
) -> dict:
    """One scenario's full run, on a worker (its chains on the worker's one core);
    ``scope``: ``SamplerConfig.precondition_scope`` (``None``: the window's)."""
    from . import study
    from .inference import SamplerConfig

    config = SamplerConfig.quick() if quick else SamplerConfig()
    config.progressbar = False
    config.precondition_scope = scope
    config.cores = 1
    _, diag = study.run(
        out=Path(out),
        scenario=name,
        window=window,
        seed=seed,
        config=config,
        force=True,
        quick=quick,
        power_scaling=False,
    )
    return {"scenario": name, "passed": diag.passed, "max_rhat": diag.max_rhat}


def sweep(
    scenarios: list[str] | None,
    root: Path,
    window: str = DEFAULT_WINDOW,
    seed: int = DEFAULT_SEED,
    scheduler: str | None = None,
    workers: int | None = None,
    quick: bool = False,
    force: bool = False,
    precondition_scope: str | None = None,
):
    """Run ``scenarios`` (default: the identification report's) through one cluster, each
    into ``root/<name>`` (skipping those already there unless ``force``), and return the
    scenario table (:func:`stalin_mortality.sensitivity.scenario_table`)."""
    from distributed import as_completed

    from .sensitivity import SCENARIOS, scenario_table

    names = scenarios or list(SCENARIOS)
    root = Path(root)
    dirs = [root / Path(n).stem for n in names]
    todo = [
        (n, d)
        for n, d in zip(names, dirs, strict=True)
        if force or not (d / "manifest.json").exists()
    ]
    if todo:
        with client(scheduler, workers) as c:
            futures = {
                c.submit(
                    _run_scenario,
                    n,
                    str(d),
                    window,
                    seed,
                    quick,
                    precondition_scope,
                    key=f"sweep-{n}",
                ): n
                for n, d in todo
            }
            for fut in as_completed(futures):
                name = futures[fut]
                try:
                    r = fut.result()
                    print(
                        f"{name}: {'passed' if r['passed'] else 'failed'} the gate",
                        file=sys.stderr,
                        flush=True,
                    )
                except Exception as e:  # reported; the table marks it missing
                    print(f"{name}: failed: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
    return scenario_table([d for d in dirs if (d / "manifest.json").exists()])
