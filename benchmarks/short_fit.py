"""A short diagnostic fit of the default window: how a model change samples, in about a minute.

2 chains x 300 tuning + 150 draws, nutpie JAX, low-rank mass matrix, target_accept 0.95;
every chain starts at the model's initial point, as ``stalin-mortality run`` does (``--jitter``
lets nutpie jitter the starts instead).  Prints the sampling time, leapfrog steps a draw,
divergences and step size per chain, a few parameters and each cause's excess deaths per
chain (docs/sampling.md)::

    .venv/bin/python benchmarks/short_fit.py [SCENARIO] [--jitter] [--seed N] [--tune N]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("scenario", nargs="?", default="default")
    p.add_argument("--jitter", action="store_true")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tune", type=int, default=300)
    args = p.parse_args()
    warnings.filterwarnings("ignore")
    import nutpie

    import stalin_mortality as sm

    model = sm.build_model(
        sm.load_observations(), sm.load_window(), sm.load_scenario(args.scenario)
    )
    t = time.time()
    jitter = {} if args.jitter else {"jitter_rvs": set()}
    compiled = nutpie.compile_pymc_model(model, backend="jax", gradient_backend="jax", **jitter)
    print("compile", round(time.time() - t, 1), "s", flush=True)
    t = time.time()
    tr = nutpie.sample(
        compiled,
        chains=2,
        tune=args.tune,
        draws=150,
        seed=args.seed,
        progress_bar=False,
        low_rank_modified_mass_matrix=True,
        target_accept=0.95,
        cores=2,
    )
    print("sample", round(time.time() - t, 1), "s")
    ss = tr.sample_stats
    print("leapfrog steps a draw", ss["n_steps"].mean("draw").values.round(1))
    print("divergences", ss["diverging"].sum("draw").values)
    print("step size", ss["step_size"].mean("draw").values.round(3))
    post = tr.posterior
    for v in ("census_age_noise", "coverage_1937", "padding_1939", "mortality_level"):
        if v in post:
            print(v, np.round(post[v].mean("draw").values, 4))
    pop = post["population_total"].sel(date=1937).mean("draw").values / 1e6
    print("latent population 1 Jan 1937 (M)", pop.round(2))
    ex = post["excess_deaths"].sum("year").mean("draw")
    for cause in ex["cause"].values:
        print(cause, (ex.sel(cause=cause).values / 1e6).round(3))


if __name__ == "__main__":
    main()
