"""Regenerate ``golden_1927_1939.json`` from the current model (run by hand, deliberately).

    .venv/bin/python -m tests.golden.make_golden

Only when the model is meant to change (a new prior, likelihood or cause): the golden test
then pins the new arithmetic so later refactors cannot change it unnoticed.  Say in the
commit and in ``docs/windows.md`` why it was regenerated.  What it stores:

- ``logp``: the default model's log density at its initial point and two perturbed points;
- ``estimands``: the estimands of three fixed parameter draws (``tests.unit.test_engine._draws``);
- ``quick_fit``: headline posterior medians, their Monte Carlo standard errors and sd, of a
  quick fit of the default scenario (seed 20260101, 2 chains x 200 draws, 200 tuning).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import arviz_stats as azs
import numpy as np

import stalin_mortality as sm
from stalin_mortality.outputs import headline_rows
from tests.unit.test_engine import _draws

HERE = Path(__file__).parent
SEED = 20260101


def logp_values(observations, window) -> list[float]:
    model = sm.build_model(observations, window, sm.load_scenario("default"))
    ip = model.initial_point()
    logp = model.compile_logp()
    rng = np.random.default_rng(3)
    out = []
    for i in range(3):
        point = {k: v + (rng.normal(0, 0.05, size=np.shape(v)) if i else 0) for k, v in ip.items()}
        out.append(float(logp(point)))
    return out


def fixed_draw_estimands(observations, window) -> dict:
    p = _draws(n=3, seed=0)
    p["padding_1939"] = np.array([0.0, 0.01, 0.02])
    p["coverage_1939"] = np.array([0.99, 0.995, 1.0])
    inputs = sm.make_inputs(observations, window)
    ds = sm.estimands.compute_from_params(p, inputs, window)
    got = {
        "excess": ds["excess_deaths"].sum("year").values,
        "ladder": ds["ladder"].values,
        "lost": ds["lost_births"].sum("year").values,
        "echo": ds["echo_births"].sum("year").values,
        "pop": ds["population"].values,
        "cf": ds["counterfactual_population"].values,
        "by_age": ds["excess_deaths_by_age_group"].values.sum(axis=1),
        "cdr": ds["crude_death_rate"].values,
        "pad": ds["padding_1939_persons"].values,
        "under": ds["undercount_1926"].values,
        "tfr": ds["tfr"].values,
        "e0": ds["baseline_e0"].values,
    }
    return {k: np.asarray(v).tolist() for k, v in got.items()}


def quick_fit() -> dict:
    run = sm.run(scenario="default", seed=SEED, quick=True, accept_failed_gate=True)
    est = run.estimands()
    headline = {}
    for q, v, _ in headline_rows(est, run.window):
        median = float(v.median())
        mcse = float(azs.mcse(v, sample_dims=["chain", "draw"], method="median"))
        headline[q] = [median, mcse, float(v.std())]
    cfg = run.manifest["sampler"]
    return {
        "seed": SEED,
        "draws": cfg.get("draws"),
        "tune": cfg.get("tune"),
        "chains": cfg.get("chains"),
        "headline": headline,
    }


def main(keep_fit: bool = False) -> None:
    """Write the golden file.  ``keep_fit`` (``--keep-fit``): recompute the log densities and
    the fixed draws' estimands, and keep the stored quick fit, for a change of arithmetic
    too small to move a posterior median beyond Monte Carlo error (the slow golden test,
    ``check_quick_fit`` on a new fit, must then still pass)."""
    observations, window = sm.load_observations(), sm.load_window()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    golden = {
        "generated_from": f"commit {commit} plus the working tree (tests/golden/make_golden.py)",
        "logp": logp_values(observations, window),
        "estimands": fixed_draw_estimands(observations, window),
        "quick_fit": (
            json.loads((HERE / "golden_1927_1939.json").read_text())["quick_fit"]
            if keep_fit
            else quick_fit()
        ),
    }
    (HERE / "golden_1927_1939.json").write_text(json.dumps(golden, indent=1) + "\n")
    print(f"wrote {HERE / 'golden_1927_1939.json'}")


if __name__ == "__main__":
    import sys

    main(keep_fit="--keep-fit" in sys.argv[1:])
