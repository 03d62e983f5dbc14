"""The ``stalin-mortality`` command line: run, report, check."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import studies
from .constants import DEFAULT_SEED, DEFAULT_WINDOW, INTERVAL_LABEL
from .exceptions import DataValidationError, Interrupted, StalinMortalityError


def _run(args) -> int:
    from . import study
    from .inference import SamplerConfig

    config = SamplerConfig.quick() if args.quick else SamplerConfig()
    config.nuts_sampler, config.progressbar = args.sampler, not args.quiet
    if args.backend:
        config.backend = args.backend
    for name in ("draws", "tune", "chains", "target_accept"):
        if getattr(args, name) is not None:
            setattr(config, name, getattr(args, name))
    config.precondition = not args.no_precondition
    config.precondition_scope = args.precondition_scope
    what = f"window {args.window}" if args.study == "engine" else f"study {args.study}"
    print(f"running {what} with scenario '{args.scenario}', seed {args.seed}, {args.sampler}")
    # each scenario has its own folder unless --out says otherwise: a run never lands in
    # another scenario's results
    out_dir = Path(args.out) if args.out else Path("results") / Path(args.scenario).stem
    out, diag = study.run(
        out=out_dir,
        scenario=args.scenario,
        study=args.study,
        window=args.window,
        seed=args.seed,
        config=config,
        force=args.force,
        quick=args.quick,
        power_scaling=False if args.no_power_scaling else None,
    )
    print(
        f"diagnostics: max r_hat {diag.max_rhat:.3f}, min bulk ESS {diag.min_ess_bulk:.0f}, "
        f"min tail ESS {diag.min_ess_tail:.0f}, divergences {diag.divergences}"
    )
    _print_table(out)
    print(f"results written to {out}/ (posterior.nc, manifest.json, tables/, figures/)")
    if args.quick:
        print("QUICK RUN (smoke settings): not a result; every table and figure says so")
    if not diag.passed:
        print("convergence gate FAILED: " + "; ".join(diag.failures), file=sys.stderr)
        return 0 if args.allow_bad_diagnostics or args.quick else 3
    return 0


def _print_table(out: Path) -> None:
    from .study import headline

    t = headline(out)
    print(f"\nposterior median [{INTERVAL_LABEL}]:")
    for r in t.itertuples(index=False):
        q = r.quantity if len(r.quantity) <= 56 else r.quantity[:53] + "..."
        if abs(r.median) > 1e4:
            print(
                f"  {q:<56} {r.median / 1e6:8.2f} M  [{r.lower / 1e6:7.2f}, {r.upper / 1e6:7.2f}]"
            )
        else:
            print(f"  {q:<56} {r.median:8.4f}    [{r.lower:7.4f}, {r.upper:7.4f}]")


def _report(args) -> int:
    from .study import regenerate

    paths, notes = regenerate(Path(args.directory))
    for n in notes:
        print(f"warning: {n}", file=sys.stderr)
    print(f"rewrote {len(paths)} files in {args.directory}")
    return 0


def _compare(args) -> int:
    from .study import compare

    table = compare([Path(d) for d in args.directories])
    print(f"posterior median [{INTERVAL_LABEL}] by run:")
    runs = [c[: -len(": median")] for c in table.columns if c.endswith(": median")]
    for r in table.itertuples(index=False):
        row = dict(zip(table.columns, r, strict=True))
        cells = []
        for run in runs:
            m, lo, hi = (row[f"{run}: {k}"] for k in ("median", "lower", "upper"))
            cells.append(
                f"{m / 1e6:7.2f} M [{lo / 1e6:6.2f}, {hi / 1e6:6.2f}]"
                if abs(m) > 1e4
                else f"{m:9.4f} [{lo:.4f}, {hi:.4f}]"
            )
        print(f"  {row['quantity'][:60]:<60} " + "  ".join(cells))
    print("runs: " + ", ".join(runs))
    if any(run.endswith(("[quick]", "[failed gate]")) for run in runs):
        print("runs marked [quick] or [failed gate] are not results")
    if args.out:
        import json

        from .report import csv_text
        from .safety import write_new_file

        target = Path(args.out).expanduser()
        side_path = target.with_name(target.name + "-metadata.json")
        if not args.force and (target.exists() or side_path.exists()):
            from .exceptions import ResultsError

            raise ResultsError(f"{target} or its metadata exists: use --force to replace them")
        out = write_new_file(target, csv_text(table), force=args.force)
        meta = {
            "url": out.name,
            "title": f"Posterior median and {INTERVAL_LABEL} by run",
            "runs": runs,
            "columns": "QUANTITY, then RUN: median, RUN: lower, RUN: upper for each run",
        }
        side = write_new_file(side_path, json.dumps(meta, indent=1) + "\n", force=args.force)
        print(f"written to {out} and {side}")
    return 0


def _sensitivity(args) -> int:
    from .results import load_run
    from .safety import OutputSlot
    from .sensitivity import write_sensitivity

    run = load_run(Path(args.directory))
    with OutputSlot(Path(args.directory), replace_own=True) as slot:
        import shutil

        def fill(tmp: Path) -> None:
            for p in slot.target.rglob("*"):
                if p.is_file():
                    dest = tmp / p.relative_to(slot.target)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(p, dest)
            write_sensitivity(run, tmp, power_scaling=not args.no_power_scaling)

        slot.write(fill)
    print(f"wrote tables/identification and tables/power_scaling in {args.directory}")
    print((Path(args.directory) / "tables" / "identification.md").read_text())
    return 0


def _scenario_table(args) -> int:
    from . import study
    from .inference import SamplerConfig
    from .sensitivity import SCENARIOS, scenario_table

    root = Path(args.root)
    names = args.scenarios or list(SCENARIOS)
    dirs = []
    for name in names:
        out = root / Path(name).stem
        dirs.append(out)
        if (out / "manifest.json").exists() and not args.force:
            print(f"{name}: already in {out} (use --force to run it again)")
            continue
        config = SamplerConfig.quick() if args.quick else SamplerConfig()
        config.progressbar = False
        config.precondition_scope = args.precondition_scope
        if args.target_accept is not None:
            config.target_accept = args.target_accept
        print(f"{name}: running into {out}", flush=True)
        diag = _fit_scenario(study, name, out, args, config)
        if not diag.passed and not args.quick and _preconditioned(out):
            # a scenario far from the preconditioner's posterior (e.g. one that pins a
            # parameter away from it) can fail the gate in its coordinates: the same
            # posterior is then sampled in the model's own, with their longer settings
            print(
                f"{name}: r_hat {diag.max_rhat:.3f}, ESS {diag.min_ess_bulk:.0f}/"
                f"{diag.min_ess_tail:.0f}, divergences {diag.divergences} in the "
                "preconditioner's coordinates: failed the gate; again in the model's own",
                flush=True,
            )
            config.precondition = False
            diag = _fit_scenario(study, name, out, args, config)
        print(
            f"{name}: r_hat {diag.max_rhat:.3f}, ESS {diag.min_ess_bulk:.0f}/"
            f"{diag.min_ess_tail:.0f}, divergences {diag.divergences}",
            flush=True,
        )
    return _write_scenario_table(scenario_table(dirs), root, args.quick)


def _fit_scenario(study, name: str, out: Path, args, config):
    """One scenario of ``scenario-table`` into ``out``; its diagnostics."""
    _, diag = study.run(
        out=out,
        scenario=name,
        window=args.window,
        seed=args.seed,
        config=config,
        force=True,
        quick=args.quick,
        power_scaling=False,  # the table needs the estimands; `sensitivity DIR` adds it
    )
    return diag


def _preconditioned(out: Path) -> bool:
    """Whether the run in ``out`` sampled in a preconditioner's coordinates."""
    manifest = json.loads((out / "manifest.json").read_text())
    return bool((manifest.get("preconditioner") or {}).get("file"))


def _write_scenario_table(table, root: Path, quick: bool) -> int:
    """ROOT/scenario_table.csv and .md (``scenario-table`` and ``sweep``); the exit code."""
    from .report import csv_text
    from .safety import write_new_file
    from .sensitivity import scenario_markdown

    csv = write_new_file(root / "scenario_table.csv", csv_text(table), force=True)
    md = write_new_file(root / "scenario_table.md", scenario_markdown(table), force=True)
    print(md.read_text())
    print(f"written {csv} and {md}")
    return 0 if all(table["gate"] == "passed") or quick else EXIT_FAILED_GATE


def _validate(args) -> int:
    from .calibration import Settings, validate

    settings = Settings(
        window=args.window,
        scenario=args.scenario,
        chains=args.chains,
        tune=args.tune,
        draws=args.draws,
        target_accept=args.target_accept,
        rank_draws=args.rank_draws,
        backend=args.backend,
    )
    out = Path(args.out or f"results/validate/{args.kind}")
    result = validate(
        args.kind,
        out,
        settings,
        replicates=args.replicates,
        scheduler=args.scheduler,
        workers=args.workers,
        seed=args.seed,
    )
    print((out / "summary" / "README.md").read_text())
    print(
        f"{result['counts']} in {result['seconds']:.0f} s on {result['workers']} workers; "
        f"written {out}/replicates and {out}/summary"
    )
    return 0 if not result["counts"].get("error") else EXIT_FAILED_GATE


def _sweep(args) -> int:
    from .calibration import sweep

    table = sweep(
        args.scenarios or None,
        Path(args.root),
        window=args.window,
        seed=args.seed,
        scheduler=args.scheduler,
        workers=args.workers,
        quick=args.quick,
        force=args.force,
        precondition_scope=args.precondition_scope,
    )
    return _write_scenario_table(table, Path(args.root), args.quick)


def _scenarios(args) -> int:
    from .scenarios import list_scenarios, load_scenario

    for name in list_scenarios():
        sc = load_scenario(name)
        import textwrap

        first = " ".join(sc.description.split()).split(". ")[0].rstrip(".")
        if sc.windows:
            first = f"({', '.join(sc.windows)} only) {first}"
        print(f"{name:<24} {textwrap.shorten(first, 76, placeholder=' ...')}")
    return 0


def _check(args) -> int:
    from .data import load_tables, observations_from, verify_registry, write_registry
    from .model.account import make_inputs
    from .model.build import build_model
    from .model.components import prior_specs
    from .scenarios import load_scenario
    from .validation import check_model
    from .window import load_window

    tables = load_tables(check_registry=False)
    if args.register:
        print(f"recorded the checksums of every data file in {write_registry(tables.directory)}")
    problems = verify_registry(tables.directory)
    for p in problems:
        print(f"data/{p}", file=sys.stderr)
    sc = load_scenario(args.scenario)
    window = load_window(args.window)
    observations = observations_from(tables)
    inputs = make_inputs(observations, window)
    priors = sc.resolve(prior_specs(window))
    model = build_model(observations, window, sc, inputs=inputs, priors=priors)
    check_model(model, window, inputs, priors, gradient=True)
    if problems:
        raise DataValidationError(
            "registry.csv",
            f"{len(problems)} data file(s) differ from their registered checksums (above); if "
            "the change is deliberate and the files validate, record it with "
            "'stalin-mortality check --register' (docs/data.md)",
        )
    print(
        f"data: {len(tables.frames)} files valid; "
        f"scenario '{sc.name}' valid ({len(sc.overrides)} overrides)"
    )
    return 1 if problems else 0


def _precondition(args) -> int:
    from . import precondition
    from .exceptions import ResultsError
    from .results import load_run

    run = load_run(args.directory)
    if run.manifest.get("quick"):
        raise ResultsError(f"{args.directory}: a quick run's draws are too few to estimate from")
    if run.manifest.get("status") != "ok" and not args.allow_failed_gate:
        raise ResultsError(
            f"{args.directory}: the run failed the convergence gate; estimate from a run that "
            "passed it (or pass --allow-failed-gate, recorded in the file's provenance)"
        )
    model = run.model()
    prov = {
        "window": run.window.name,
        "scenario": run.scenario.name,
        "seed": run.manifest.get("seed"),
        "run_version": run.manifest.get("versions", {}).get("stalin_mortality"),
        "run_commit": run.manifest.get("versions", {}).get("git_commit"),
        "run_status": run.manifest.get("status"),
        "run_max_rhat": round(float(run.manifest["diagnostics"]["max_rhat"]), 4),
        "run_preconditioner": (run.manifest.get("preconditioner") or {}).get("sha256"),
    }
    settings = {k: getattr(args, k) for k in ("target_accept", "tune", "draws") if getattr(args, k)}
    fitted_to = precondition.fingerprint(
        run.window, run.scenario, run.manifest.get("data_checksums", {})
    )
    posterior = run.tree["posterior"].to_dataset()
    pre = precondition.from_posterior(model, posterior, prov, settings, fitted_to)
    out = Path(args.out)
    if out.exists() and not args.force:
        raise ResultsError(f"{out} exists: pass --force to replace it")
    pre.save(out)
    print(f"preconditioner of window '{run.window.name}' ({pre.dim} values) written to {out}")
    return 0


def _add_precondition_scope(p: argparse.ArgumentParser) -> None:
    """``--precondition-scope`` of ``run``, ``scenario-table`` and ``sweep``."""
    p.add_argument(
        "--precondition-scope",
        choices=["fitted", "window"],
        default=None,
        help="where the window's preconditioner is used: 'window' for any scenario whose "
        "parameters it matches, on the data and window text it was made on, the "
        "convergence gate deciding; 'fitted' only for the scenario it was made from too. "
        "Default: the window's own ('window' for 1927_1939, 'fitted' for 1927_1959; "
        "docs/sampling.md)",
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="stalin-mortality",
        description="Bayesian estimation of excess mortality in the USSR under Stalin.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = p.add_subparsers(dest="command", required=True)
    sc = sub.add_parser("scenarios", help="list the shipped scenarios, one line each")
    sc.set_defaults(func=_scenarios)
    r = sub.add_parser("run", help="validate, build, sample, check convergence, write results")
    r.add_argument(
        "--study",
        default=studies.DEFAULT_STUDY,
        choices=studies.STUDIES,
        help="engine (a window of the cohort-component account) or shortfall_1937",
    )
    r.add_argument(
        "--window",
        default=DEFAULT_WINDOW,
        help="window name (models/windows/) or path (default %(default)s)",
    )
    r.add_argument(
        "--scenario",
        default="default",
        help="scenario name or path to a .toml file (default %(default)s)",
    )
    r.add_argument("--out", help="results folder (default: results/<scenario name>)")
    r.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help="default %(default)s")
    r.add_argument(
        "--sampler",
        default="nutpie",
        choices=["nutpie", "pymc"],
        help="NUTS implementation (default %(default)s; docs/sampling.md)",
    )
    r.add_argument(
        "--backend",
        choices=["numba", "jax"],
        help="compile backend for nutpie (default jax: compiles in seconds; numba samples "
        "faster once its cache is warm)",
    )
    r.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run with few draws (2 chains x 200); its convergence gate only warns",
    )
    r.add_argument(
        "--draws",
        type=_count,
        help="draws per chain (default 1000 with the window's preconditioner, else 1500)",
    )
    r.add_argument(
        "--tune",
        type=_count,
        help="tuning steps per chain (default 250 with the window's preconditioner, else 1000)",
    )
    r.add_argument("--chains", type=_count, help="chains (default 4)")
    r.add_argument(
        "--target-accept",
        type=_probability,
        help="NUTS target acceptance (default 0.98; 0.95 with --quick)",
    )
    r.add_argument(
        "--no-precondition",
        action="store_true",
        help="sample in the model's own coordinates, not the window's shipped preconditioner "
        "(the same posterior; docs/sampling.md)",
    )
    _add_precondition_scope(r)
    r.add_argument("--force", action="store_true", help="overwrite an existing results folder")
    r.add_argument(
        "--allow-bad-diagnostics",
        action="store_true",
        help="exit 0 when the convergence gate fails (default: exit 3); the run is still "
        "marked as failed in every output",
    )
    r.add_argument(
        "--no-power-scaling",
        action="store_true",
        help="skip the power-scaling tables (about 20 s; default: written by full runs)",
    )
    r.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar or progress lines (default: a bar on a terminal, lines otherwise)",
    )
    r.set_defaults(func=_run)
    pc = sub.add_parser(
        "precondition",
        help="estimate a window's preconditioner (mean and covariance of the unconstrained "
        "parameters) from a saved run of it and write it (docs/sampling.md)",
    )
    pc.add_argument("directory", help="a results folder written by `run` (the gate passed)")
    pc.add_argument(
        "--out",
        required=True,
        help="the .npz to write (a window's shipped one is "
        "src/stalin_mortality/resources/preconditioners/<window>.npz in a checkout)",
    )
    pc.add_argument("--force", action="store_true", help="replace an existing --out file")
    pc.add_argument(
        "--target-accept",
        type=_probability,
        help="the window's target acceptance with it (default 0.98; docs/sampling.md)",
    )
    pc.add_argument("--tune", type=_count, help="tuning steps per chain with it (default 250)")
    pc.add_argument("--draws", type=_count, help="draws per chain with it (default 1000)")
    pc.add_argument(
        "--allow-failed-gate",
        action="store_true",
        help="estimate from a run that failed the convergence gate (a covariance is still a "
        "usable preconditioner; the file's provenance records the run's status)",
    )
    pc.set_defaults(func=_precondition)
    rep = sub.add_parser("report", help="regenerate tables and figures from a saved posterior")
    rep.add_argument("directory", help="a results folder written by `run`")
    rep.set_defaults(func=_report)
    cmp = sub.add_parser("compare", help="the same estimands across saved runs, side by side")
    cmp.add_argument("directories", nargs="+", help="results folders (two or more)")
    cmp.add_argument("--out", help="also write the comparison as CSV (a new file)")
    cmp.add_argument("--force", action="store_true", help="overwrite the --out file")
    cmp.set_defaults(func=_compare)
    sen = sub.add_parser(
        "sensitivity",
        help="identification report of a results folder: prior vs posterior of every "
        "headline, and power-scaling sensitivity (arviz_stats.psense_summary)",
    )
    sen.add_argument("directory", help="a results folder written by `run`")
    sen.add_argument(
        "--no-power-scaling", action="store_true", help="the prior-vs-posterior table only"
    )
    sen.set_defaults(func=_sensitivity)
    st = sub.add_parser(
        "scenario-table",
        help="run every scenario of the identification report (skipping those already in "
        "--root; a preconditioned fit that fails the gate is run again in the model's own "
        "coordinates) and write ROOT/scenario_table.csv and .md",
    )
    st.add_argument(
        "--scenarios",
        nargs="+",
        help="scenario names (default: every scenario of the identification report)",
    )
    st.add_argument("--root", default="results/scenarios", help="default %(default)s")
    st.add_argument("--window", default=DEFAULT_WINDOW, help="default %(default)s")
    st.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help="default %(default)s")
    st.add_argument("--quick", action="store_true", help="smoke runs (2 x 200 draws)")
    st.add_argument("--force", action="store_true", help="run scenarios already there again")
    st.add_argument(
        "--target-accept",
        type=_probability,
        default=None,
        help="NUTS target acceptance of these runs (default: run's; 0.99 for a scenario "
        "whose run had divergences at 0.98; the table records each run's)",
    )
    _add_precondition_scope(st)
    st.set_defaults(func=_scenario_table)
    v = sub.add_parser(
        "validate",
        help="calibration on simulated data at scale (dask.distributed): sbc, coverage, "
        "misspec (misspecification experiments) or loco (leave one census out)",
    )
    v.add_argument("kind", choices=["sbc", "coverage", "misspec", "loco"], help="which check")
    v.add_argument("--window", default=DEFAULT_WINDOW, help="default %(default)s")
    v.add_argument("--scenario", default="default", help="default %(default)s")
    v.add_argument(
        "--replicates",
        type=int,
        default=100,
        help="replicates (per experiment for misspec; loco has one per census) "
        "(default %(default)s)",
    )
    v.add_argument(
        "--scheduler",
        default=None,
        help="address of a running dask scheduler (default: a LocalCluster on this machine)",
    )
    v.add_argument(
        "--workers", type=int, default=None, help="LocalCluster workers (default: the cores)"
    )
    v.add_argument(
        "--out", default=None, help="folder (default results/validate/KIND); a rerun resumes it"
    )
    v.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help="default %(default)s")
    v.add_argument("--chains", type=int, default=2, help="chains a fit (default %(default)s)")
    v.add_argument("--tune", type=int, default=300, help="tuning steps (default %(default)s)")
    v.add_argument("--draws", type=int, default=300, help="draws a chain (default %(default)s)")
    v.add_argument("--target-accept", type=float, default=0.98, help="default %(default)s")
    v.add_argument(
        "--backend",
        default="numba",
        choices=["numba", "jax"],
        help="nutpie backend of the fits (default %(default)s: slower to compile, once per "
        "worker, faster to sample)",
    )
    v.add_argument(
        "--rank-draws",
        type=int,
        default=49,
        help="posterior draws (evenly thinned) the truth is ranked among (default %(default)s)",
    )
    v.set_defaults(func=_validate)
    sw = sub.add_parser(
        "sweep",
        help="several scenarios run through one dask cluster (one full run each) and their "
        "comparison table (ROOT/scenario_table.csv and .md)",
    )
    sw.add_argument("scenarios", nargs="*", help="default: the identification report's")
    sw.add_argument("--root", default="results/sweep", help="default %(default)s")
    sw.add_argument("--window", default=DEFAULT_WINDOW, help="default %(default)s")
    sw.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help="default %(default)s")
    sw.add_argument("--scheduler", default=None, help="a running dask scheduler's address")
    sw.add_argument("--workers", type=int, default=None, help="LocalCluster workers")
    sw.add_argument("--quick", action="store_true", help="smoke runs (2 x 200 draws)")
    sw.add_argument("--force", action="store_true", help="run scenarios already there again")
    _add_precondition_scope(sw)
    sw.set_defaults(func=_sweep)
    c = sub.add_parser("check", help="validate data and a scenario only")
    c.add_argument(
        "--scenario", default="default", help="scenario name or path (default %(default)s)"
    )
    c.add_argument("--window", default=DEFAULT_WINDOW, help="default %(default)s")
    c.add_argument(
        "--register",
        action="store_true",
        help="after a deliberate change to data/: record the files' checksums (they must "
        "validate first)",
    )
    c.set_defaults(func=_check)
    return p


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stalin_mortality")
    except PackageNotFoundError:
        return "unknown"


#: Exit statuses (docs/reliability.md).
EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_FAILED_GATE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def single_thread_xla() -> None:
    """Add :data:`~stalin_mortality.constants.SINGLE_THREAD_XLA` to ``XLA_FLAGS`` (kept
    with any flags already there, unless they set the same one): read by XLA when JAX
    first runs, so this must come before."""
    from .constants import SINGLE_THREAD_XLA

    flags = os.environ.get("XLA_FLAGS", "")
    if SINGLE_THREAD_XLA.split("=")[0] not in flags:
        os.environ["XLA_FLAGS"] = f"{flags} {SINGLE_THREAD_XLA}".strip()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    single_thread_xla()
    from . import progress

    quiet_before = progress.quiet()
    progress.set_quiet(quiet_before or getattr(args, "quiet", False))
    try:
        import matplotlib

        from .inference import install_signal_handlers

        matplotlib.use("Agg")  # the command line draws into files only
        install_signal_handlers()
        return args.func(args)
    except (KeyboardInterrupt, Interrupted) as err:
        detail = f": {err}" if isinstance(err, Interrupted) else ""
        print(f"interrupted{detail}; nothing was written or replaced", file=sys.stderr)
        return EXIT_INTERRUPTED
    except StalinMortalityError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as err:
        log = _crash_log()
        print(
            f"internal error: {type(err).__name__}: {err} (traceback in {log}); please report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        progress.set_quiet(quiet_before)  # --quiet holds for this command only


def _crash_log() -> str:
    import tempfile
    import traceback

    fd, path = tempfile.mkstemp(prefix="stalin-mortality-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(traceback.format_exc())
    return path


def _whole(lo: int, hi: int | None = None):
    """An argparse type: a whole number from ``lo`` (to ``hi``, exclusive)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < lo or (hi is not None and value >= hi):
            bound = f"at least {lo}" if hi is None else f"between {lo} and {hi - 1}"
            raise argparse.ArgumentTypeError(f"must be {bound}, got {value}")
        return value

    return parse


#: Draws, tuning steps, chains; and a seed (numpy's seeds are 32-bit).
_count, _seed = _whole(1), _whole(0, 2**32)


def _probability(text: str) -> float:
    """An argparse type: a number strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}")
    return value


if __name__ == "__main__":
    sys.exit(main())
