"""Benchmark the default study end to end and record the numbers in a JSON file.

Runs ``stalin-mortality run`` in a fresh process (so compile time counts), then reads the
run's manifest.  ``--cold`` gives that process an empty PyTensor/numba cache, as on a fresh
machine.  Usage (``make bench`` runs the first)::

    python benchmarks/bench.py --cold
    python benchmarks/bench.py --sampler pymc --name pymc
    python benchmarks/bench.py --backend jax --name nutpie_jax

    python benchmarks/bench.py --cold --window 1927_1959 --backend numba

Targets: for the 1927-1939 window (issue 3), the default run within 180 s from a cold
start; for the whole era, 1927-1959 (issue 11), within 300 s; both with no divergences,
r_hat <= 1.01, min bulk and tail ESS >= 400, peak memory under 4 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: the cold wall-time target of each window (seconds); the other targets are shared
WALL_TARGET = {"1927_1939": 180, "1927_1959": 300}
TARGET = {
    "wall_seconds": 180,
    "max_rhat": 1.01,
    "min_ess_bulk": 400,
    "min_ess_tail": 400,
    "divergences": 0,
    "peak_memory_gib": 4.0,
}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenario", default="default")
    p.add_argument("--study", default=None)
    p.add_argument("--window", default=None, help="window of the engine (default 1927_1939)")
    p.add_argument("--sampler", default="nutpie", choices=["nutpie", "pymc"])
    p.add_argument("--backend", default=None, choices=["numba", "jax"])
    p.add_argument("--seed", type=int, default=20260101)
    p.add_argument("--cold", action="store_true", help="start from an empty compile cache")
    p.add_argument("--name", default=None, help="result file name (default: the settings)")
    p.add_argument("--keep", default=None, help="copy the run's results folder here")
    p.add_argument(
        "--no-precondition", action="store_true", help="without the window's preconditioner"
    )
    args = p.parse_args(argv)

    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="sm-bench-") as tmp:
        out = Path(tmp) / "run"
        if args.cold:
            env["PYTENSOR_FLAGS"] = f"base_compiledir={Path(tmp) / 'pytensor'}"
        cmd = [
            sys.executable,
            "-m",
            "stalin_mortality.cli",
            "run",
            "--quiet",
            "--force",
            "--out",
            str(out),
            "--scenario",
            args.scenario,
            "--seed",
            str(args.seed),
            "--sampler",
            args.sampler,
            "--allow-bad-diagnostics",
        ]
        if args.study:
            cmd += ["--study", args.study]
        if args.window:
            cmd += ["--window", args.window]
        if args.backend:
            cmd += ["--backend", args.backend]
        if args.no_precondition:
            cmd += ["--no-precondition"]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stdout, proc.stderr, sep="\n", file=sys.stderr)
            return proc.returncode
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        manifest = json.loads((out / "manifest.json").read_text())
        if args.keep:
            import shutil

            shutil.copytree(out, args.keep, dirs_exist_ok=False)
    backend = manifest["sampler"].get("backend") if args.sampler == "nutpie" else ""
    window = manifest.get("window") or args.window  # the manifest names the window
    target = dict(TARGET, wall_seconds=WALL_TARGET.get(str(window), TARGET["wall_seconds"]))
    name = args.name or "_".join(
        x
        for x in (
            args.sampler,
            backend,
            "cold" if args.cold else "warm",
            args.window if args.window else "",
        )
        if x
    )
    d = manifest["diagnostics"]
    timing = manifest["timing_seconds"]
    draws_s = timing.get("draws") or timing["sampling"]
    result = {
        "name": name,
        "study": manifest["study"],
        "window": manifest.get("window"),
        "scenario": manifest["scenario"]["name"],
        "sampler": manifest["sampler"],
        "cold_cache": args.cold,
        "compile_seconds": round(timing["sampling"] - draws_s, 1),
        "sampling_seconds": round(draws_s, 1),
        "prior_seconds": timing["prior"],
        "wall_seconds": round(wall, 1),
        "min_ess_bulk": round(d["min_ess_bulk"], 1),
        "min_ess_tail": round(d["min_ess_tail"], 1),
        "ess_bulk_per_second_sampling": round(d["min_ess_bulk"] / draws_s, 2),
        "ess_bulk_per_second_wall": round(d["min_ess_bulk"] / wall, 2),
        "divergences": d["divergences"],
        "max_rhat": round(d["max_rhat"], 4),
        "peak_memory_gib": round(peak_kib / 2**20, 2),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "preconditioner": manifest.get("preconditioner"),
        "versions": manifest["versions"],
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    result["meets_target"] = (
        result["wall_seconds"] <= target["wall_seconds"]
        and result["max_rhat"] <= target["max_rhat"]
        and result["min_ess_bulk"] >= target["min_ess_bulk"]
        and result["min_ess_tail"] >= target["min_ess_tail"]
        and result["divergences"] <= target["divergences"]
        and result["peak_memory_gib"] < target["peak_memory_gib"]
    )
    result["target"] = target
    dest = HERE / "results" / f"{name}.json"
    dest.parent.mkdir(exist_ok=True)
    dest.write_text(json.dumps(result, indent=2) + "\n")
    print(
        json.dumps({k: v for k, v in result.items() if k not in ("versions", "machine")}, indent=2)
    )
    print(f"written to {dest}")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
