"""Sampler time per gradient of the default model for a nutpie backend (docs/sampling.md).

    python benchmarks/backend_speed.py CORES jax|numba

4 chains x (300 tuning + 300 draws) at target_accept 0.98 from the model's initial point;
prints compile and sampling seconds, leapfrog steps of the kept draws, and microseconds of
wall time per gradient (tuning assumed to take as many steps a draw as sampling).
"""

import sys
import time

import nutpie

import stalin_mortality as sm


def main() -> None:
    cores, backend = int(sys.argv[1]), sys.argv[2]
    model = sm.build_model(
        sm.load_observations(), sm.load_window("1927_1939"), sm.load_scenario("default")
    )
    t0 = time.perf_counter()
    compiled = nutpie.compile_pymc_model(
        model,
        backend=backend,
        gradient_backend="jax" if backend == "jax" else "pytensor",
        jitter_rvs=set(),
    )
    compile_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    post = nutpie.sample(
        compiled,
        draws=300,
        tune=300,
        chains=4,
        cores=cores,
        seed=1,
        target_accept=0.98,
        progress_bar=False,
        adaptation="low_rank",
    )
    sample_s = time.perf_counter() - t0
    steps = int(post.sample_stats["n_steps"].sum())
    print(
        f"{backend}, {cores} cores: compile {compile_s:.1f} s, sampling {sample_s:.1f} s, "
        f"{steps / 1200:.1f} steps a draw, {sample_s / (2 * steps) * 1e6:.0f} us of wall "
        "time per gradient"
    )


if __name__ == "__main__":
    main()
