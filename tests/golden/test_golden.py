"""Golden test: the 1927-1939 default study, pinned so a refactor cannot change it unnoticed.

History: first stored from the pre-redesign engine (commit c2a2b03) and reproduced by the
window design of issue 8 to rel 1e-10.  Regenerated deliberately for issue 10, whose model
changes (sourced trend priors, a yearly fertility random walk, a famine from 1930 with an
estimated age pattern, the residual outside the ladder, the census total observed apart
from its composition, child coverage) change every number; ``make_golden.py`` wrote it and
``docs/windows.md`` says why.  It stores:

- ``logp``: the model's log density at its initial point and at two perturbed points;
  the same graph must give the same value (arithmetic unchanged: rtol 1e-10);
- ``estimands``: the estimands of three fixed parameter draws, run through the numpy path
  (arithmetic unchanged: rtol 1e-9);
- ``quick_fit``: headline posterior medians of a real fit of the default scenario (seed
  20260101, 2 chains x 200 draws after 200 tuning steps), with their Monte Carlo standard
  errors.  A redesign that changes the sampling order must agree within Monte Carlo error
  (|difference| <= 4 x sqrt(2) x MCSE: two independent runs); one that keeps it gives the
  same draws.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import stalin_mortality as sm

GOLDEN = json.loads((Path(__file__).parent / "golden_1927_1939.json").read_text())


def test_log_density_unchanged(observations, window):
    model = sm.build_model(observations, window, sm.load_scenario("default"))
    ip = model.initial_point()
    logp = model.compile_logp()
    rng = np.random.default_rng(3)
    for i, expected in enumerate(GOLDEN["logp"]):
        point = {k: v + (rng.normal(0, 0.05, size=np.shape(v)) if i else 0) for k, v in ip.items()}
        assert float(logp(point)) == pytest.approx(expected, rel=1e-10)


def test_estimands_of_fixed_draws_unchanged(observations, window):
    from tests.golden.make_golden import fixed_draw_estimands

    g = GOLDEN["estimands"]
    got = fixed_draw_estimands(observations, window)
    assert set(got) == set(g)
    for key, value in got.items():
        np.testing.assert_allclose(value, np.asarray(g[key]), rtol=1e-9, err_msg=key)


def _key(quantity: str) -> str:
    """Rows are matched by name; ladder rows by rung (their labels now list the causes each
    rung adds, derived from the causes' tags)."""
    return quantity.split(" (")[0] if quantity.startswith("ladder ") else quantity


def check_quick_fit(summary: pd.DataFrame) -> None:
    """Headline medians of a quick fit (seed 20260101) against the stored ones."""
    medians = {_key(q): m for q, m in zip(summary["quantity"], summary["median"], strict=True)}
    stored = GOLDEN["quick_fit"]["headline"]
    assert {_key(q) for q in stored} == set(medians)  # every headline row, no more
    for quantity, (median, mcse, _) in stored.items():
        tol = 4 * np.sqrt(2) * mcse
        got = medians[_key(quantity)]
        assert abs(got - median) <= tol, (quantity, got, median)
