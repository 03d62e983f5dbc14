"""The preconditioner's settings study (docs/sampling.md, "A shipped preconditioner").

Fits a window's default model with nutpie directly, in the coordinates of a preconditioner
estimated from a saved run (or in the model's own), and prints the warm-up's leapfrog
steps by blocks of 50 iterations, the steps a draw, the step size, the divergences, and the
min ESS and max r_hat over the free parameters.  Usage::

    python benchmarks/precondition_study.py RUN_DIR --window 1927_1959 \\
        --tune 250 --draws 750 --target-accept 0.95 --adaptation diag

Set ``XLA_FLAGS=--xla_cpu_multi_thread_eigen=false`` to run XLA on one thread, as the
command line does.  The rows of docs/sampling.md were measured with a first draft of this
script (the same computation, seed 1, chains started at the preconditioner's mean).
"""

from __future__ import annotations

import argparse
import json
import time

import arviz_stats as azs
import nutpie

import stalin_mortality as sm
from stalin_mortality import precondition as P
from stalin_mortality.data import load_tables, observations_from
from stalin_mortality.model.build import build_model


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run", help="a saved run of the window (the preconditioner's source)")
    p.add_argument("--window", default="1927_1959")
    p.add_argument("--backend", default="jax", choices=["jax", "numba"])
    p.add_argument("--tune", type=int, default=250)
    p.add_argument("--draws", type=int, default=750)
    p.add_argument("--target-accept", type=float, default=0.98)
    p.add_argument("--adaptation", default="diag", choices=["diag", "low_rank"])
    p.add_argument("--plain", action="store_true", help="the model's own coordinates")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)

    model = build_model(
        observations_from(load_tables()), sm.load_window(args.window), sm.load_scenario("default")
    )
    target = model
    if not args.plain:
        run = sm.load_run(args.run)
        target = P.whiten(model, P.from_posterior(model, run.tree["posterior"].to_dataset()))
    t0 = time.perf_counter()
    compiled = nutpie.compile_pymc_model(
        target,
        backend=args.backend,
        gradient_backend="jax" if args.backend == "jax" else "pytensor",
        jitter_rvs=set(),
    )
    t1 = time.perf_counter()
    res = nutpie.sample(
        compiled,
        draws=args.draws,
        tune=args.tune,
        chains=4,
        cores=2,
        seed=args.seed,
        target_accept=args.target_accept,
        progress_bar=False,
        adaptation=args.adaptation,
        save_warmup=True,
    )
    t2 = time.perf_counter()
    ss, ws = res["sample_stats"], res["warmup_sample_stats"]
    post = res["posterior"].to_dataset()[[rv.name for rv in model.free_RVs]]
    ess_b, ess_t, rhat = (
        azs.ess(post, method="bulk"),
        azs.ess(post, method="tail"),
        azs.rhat(post),
    )
    warm = ws["n_steps"].values
    print(
        json.dumps(
            {
                **{k: v for k, v in vars(args).items() if k != "run"},
                "compile_seconds": round(t1 - t0, 1),
                "sampling_seconds": round(t2 - t1, 1),
                "warmup_steps_by_50": [
                    int(warm[:, i : i + 50].mean()) for i in range(0, args.tune, 50)
                ],
                "steps_per_draw": round(float(ss["n_steps"].mean()), 1),
                "step_size": round(float(ss["step_size"].mean()), 3),
                "divergences": int(ss["diverging"].sum()),
                "min_ess_bulk": round(min(float(ess_b[v].min()) for v in ess_b.data_vars), 1),
                "min_ess_tail": round(min(float(ess_t[v].min()) for v in ess_t.data_vars), 1),
                "max_rhat": round(max(float(rhat[v].max()) for v in rhat.data_vars), 4),
            }
        )
    )


if __name__ == "__main__":
    main()
