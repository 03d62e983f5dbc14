"""Sampler settings against the warm-up of a window: compile once, sample with each setting.

Reports, for each setting, the leapfrog steps of the warm-up (by blocks of 50 iterations)
and of the draws, the step size, divergences, min bulk / tail ESS and max r_hat over the
free variables, and the sampling seconds (docs/sampling.md, "Why the warm-up is long")::

    python benchmarks/warmup_study.py --window 1927_1959 \\
        '[{"name": "t600", "tune": 600, "draws": 300, "target_accept": 0.98}]'

Each setting is a JSON object of ``nutpie.sample`` keywords (``adaptation`` defaults to
``"low_rank"``, ``chains`` to 4) with a ``name``; ``--init-from DIR`` starts every chain at
the posterior medians of a saved run. numba backend, 2 cores, seed 20260101.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("settings", help="JSON list of settings")
    p.add_argument("--window", default="1927_1959")
    p.add_argument("--init-from", default=None, help="a results folder (posterior.nc)")
    p.add_argument("--seed", type=int, default=20260101)
    args = p.parse_args(argv)

    import arviz_stats as azs
    import nutpie
    import xarray as xr

    import stalin_mortality as sm

    t0 = time.time()
    obs = sm.load_observations()
    window = sm.load_window(args.window)
    model = sm.build_model(obs, window, sm.load_scenario("default"))
    init = None
    if args.init_from:
        post = xr.open_datatree(f"{args.init_from}/posterior.nc")["posterior"].to_dataset()
        init = {v.name: post[v.name].median(("chain", "draw")).values for v in model.free_RVs}
    compiled = nutpie.compile_pymc_model(
        model, backend="numba", gradient_backend="pytensor", jitter_rvs=set(), initial_points=init
    )
    print(json.dumps({"compiled_seconds": round(time.time() - t0)}), flush=True)
    free = [v.name for v in model.free_RVs]
    for setting in json.loads(args.settings):
        setting = dict(setting)
        name = setting.pop("name")
        setting.setdefault("adaptation", "low_rank")
        setting.setdefault("chains", 4)
        t = time.time()
        tree = nutpie.sample(
            compiled, seed=args.seed, cores=2, progress_bar=False, save_warmup=True, **setting
        )
        seconds = time.time() - t
        stats = tree["sample_stats"].to_dataset()
        warm = tree["warmup_sample_stats"].to_dataset()
        post = tree["posterior"].to_dataset()[free]
        ess_bulk = azs.ess(post, method="bulk")
        ess_tail = azs.ess(post, method="tail")
        rhat = azs.rhat(post)

        def low(d):
            return min(float(np.nanmin(d[v].values)) for v in d.data_vars)

        steps = warm["n_steps"].values.mean(0)
        result = {
            "name": name,
            "seconds": round(seconds),
            "warmup_steps": int(warm["n_steps"].sum()),
            "draw_steps": int(stats["n_steps"].sum()),
            "steps_per_draw": round(float(stats["n_steps"].mean()), 1),
            "warmup_steps_by_50": [
                round(float(steps[i : i + 50].mean())) for i in range(0, len(steps), 50)
            ],
            "step_size": round(float(stats["step_size"].mean()), 4),
            "divergences": int(stats["diverging"].sum()),
            "min_ess_bulk": round(low(ess_bulk)),
            "min_ess_tail": round(low(ess_tail)),
            "max_rhat": round(max(float(np.nanmax(rhat[v].values)) for v in rhat.data_vars), 4),
        }
        total = result["warmup_steps"] + result["draw_steps"]
        result["ms_per_gradient_per_core"] = round(seconds * 2 / total * 1000, 3)
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
