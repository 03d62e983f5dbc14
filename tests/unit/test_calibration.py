"""The calibration machinery without a cluster: data swapping, the misspecified
generators, the summaries (no sampling)."""

import numpy as np
import pandas as pd
import pymc as pm
import pytest

import stalin_mortality as sm
from stalin_mortality import calibration as cal
from stalin_mortality import calibration_report as rep
from stalin_mortality.model.build import observed_data
from stalin_mortality.simulation import draw_truth, simulate_inputs


@pytest.fixture(scope="module")
def models(observations, window):
    scenario = sm.load_scenario("default")
    inputs = sm.make_inputs(observations, window)
    model = sm.build_model(observations, window, scenario, inputs=inputs)
    truth = draw_truth(model, 11)
    sim = simulate_inputs(truth, inputs, window, np.random.default_rng(11))
    return model, sm.build_model(observations, window, scenario, inputs=sim)


def test_swapping_the_data_gives_the_model_built_on_them(models):
    """A model compiled on the real data, given a simulated replicate's observed values,
    has exactly the log density of the model built on that replicate."""
    real, sim = models
    data = observed_data(sim)
    assert set(data) == set(observed_data(real))
    assert any(not np.allclose(data[k], observed_data(real)[k]) for k in data)
    point = real.initial_point()
    before = real.compile_logp()(point)
    with real:
        pm.set_data(data)
    after = real.compile_logp()(point)
    assert after != before
    assert after == pytest.approx(sim.compile_logp()(point), rel=1e-12)
    with real:  # restore (the fixture is shared)
        pm.set_data(observed_data(models[0]))


def test_heaping_moves_people_to_multiples_of_five_and_keeps_the_total():
    rng = np.random.default_rng(0)
    single = rng.uniform(1e5, 2e5, size=(2, 101))
    heaped = cal._heap(single)
    assert heaped.sum() == pytest.approx(single.sum(), rel=1e-12)
    ages = np.arange(23, 63)

    def whipple(x):
        return 5 * x[(ages % 5 == 0)].sum() / x.sum()

    for s, expected in ((0, 1.45), (1, 1.72)):
        assert whipple(single[s, 23:63]) == pytest.approx(1.0, abs=0.1)
        assert whipple(heaped[s, 23:63]) == pytest.approx(expected, abs=0.1)


def test_padding_at_working_ages_adds_the_same_persons(window):
    census = next(c for c in window.observed_censuses if c.padding)
    single = np.full((2, 101), 1e5)
    hook = cal._misspec_hook("padding_ages", window)
    truth = {f"padding_{census.year}": np.asarray(0.02)}
    grouped, seen = hook(census, single, truth)
    assert seen[f"padding_{census.year}"] == 0.0
    assert grouped.sum() == pytest.approx(single.sum() * 1.02)
    added = grouped - window.group_ages(single)
    labels = list(window.age_group_labels)
    assert added[:, labels.index("0-4")].sum() == 0.0
    assert added[:, labels.index("20-24")].sum() > 0.0


def test_misspecified_truths_move_what_they_say(window, models):
    truth = draw_truth(models[0], 3)
    spike = cal._misspec_truth("abortion_ban", truth, window)
    d = spike["fertility_deviation"] - truth["fertility_deviation"]
    assert np.count_nonzero(d) == 2 and d.sum() == pytest.approx(0.0)
    far = cal._misspec_truth("archives_far", truth, window)
    assert float(far["archival_completeness_gulag"]) == 0.4
    pattern = cal._misspec_truth("famine_pattern", truth, window)
    name = next(c.pattern_prior_name for c in window.causes if c.estimated_pattern)
    assert pattern[name].tolist() == [-2.85, 1.0, 0.0, -2.85, 0.0]
    assert truth[name].tolist() != pattern[name].tolist()  # the draw itself is untouched


def test_task_ids_are_stable_and_cover_each_kind():
    s = cal.Settings()
    assert [t["id"] for t in cal.tasks("sbc", s, 3)] == ["sbc-0000", "sbc-0001", "sbc-0002"]
    assert cal.tasks("sbc", s, 3) == cal.tasks("coverage", s, 3)  # the same fits
    mis = cal.tasks("misspec", s, 2)
    assert len(mis) == 2 * len(cal.MISSPEC) and len({t["seed"] for t in mis}) == 2
    assert "none" in cal.MISSPEC  # the control, with the experiments' own truths
    assert [t["id"] for t in cal.tasks("loco", s, 0)] == ["loco-1937", "loco-1939"]
    with pytest.raises(ValueError, match="unknown validation"):
        cal.tasks("nope", s, 1)


def _records(rank_of, n=200, draws=99, seed=0):
    """Synthetic replicate records: truth 0, posterior draws placed to give ``rank_of(i)``."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        r = rank_of(rng)
        d = np.concatenate([-np.ones(r), np.ones(draws - r)])
        rec = {"id": f"sbc-{i:04d}", "status": "ok", "quantities": {}}
        rec["quantities"]["x"] = cal._summarise_quantity(0.0, d, np.arange(draws), rng)
        out.append(rec)
    return out


def test_calibration_table_tells_uniform_from_biased_ranks():
    good = rep.calibration_table(rep._ranks_frame(_records(lambda g: int(g.integers(0, 100)))))
    bad = rep.calibration_table(rep._ranks_frame(_records(lambda g: int(g.integers(60, 100)))))
    assert good["ranks"].item() == "consistent with uniform"
    assert bad["ranks"].item() == "non-uniform" and bad["uniformity_p"].item() < 0.001


def test_coverage_counts_truths_inside_each_interval():
    df = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "quantity": ["x"] * 4,
            "truth": [0.0, 0.0, 0.0, 5.0],
            "rank": [50, 50, 50, 99],
            "n": [99] * 4,
            **{q: [-1.0, -1.0, -1.0, -1.0] for q in ("q05", "q10", "q25")},
            "q50": [0.0] * 4,
            **{q: [1.0, 1.0, 1.0, 1.0] for q in ("q75", "q90", "q95")},
        }
    )
    t = rep.calibration_table(df)
    assert t["coverage_90"].item() == 0.75 and t["replicates"].item() == 4
    lo, hi = rep.jeffreys(3, 4)
    assert lo < 0.75 < hi and t["coverage_90_lower"].item() == lo


def test_expected_coverage_of_intervals_from_few_draws():
    """Exact draws and a truth from the same distribution: a 90% interval from 49 draws
    covers 86.4% on average (the SBC of December had 86-87%: the draws, not the model)."""
    rng = np.random.default_rng(1)
    for n, expected in ((49, 0.864), (300, 0.894)):
        assert rep.expected_coverage(n, 0.9) == pytest.approx(expected, abs=5e-4)
        d = rng.normal(size=(20000, n))
        lo, hi = np.quantile(d, [0.05, 0.95], axis=1)
        t = rng.normal(size=20000)
        assert np.mean((lo <= t) & (t <= hi)) == pytest.approx(expected, abs=0.01)


def test_ranks_use_the_thinned_draws_and_intervals_all_draws():
    draws = np.arange(100.0)
    keep = np.arange(0, 100, 10)  # 0, 10, ..., 90
    out = cal._summarise_quantity(35.0, draws, keep, np.random.default_rng(0))
    assert out["rank"] == 4 and out["n"] == 10 and out["n_interval"] == 100
    assert out["q50"] == pytest.approx(49.5)


def test_a_rerun_with_other_settings_refuses_to_resume(tmp_path):
    """Records fitted with other settings are never merged into a resumed run."""
    old = cal.tasks("sbc", cal.Settings(draws=100), 1)[0]
    cal._write_record(tmp_path / "replicates", {**old, "status": "ok", "quantities": {}})
    todo = cal.tasks("sbc", cal.Settings(draws=300), 1)
    with pytest.raises(ValueError, match="other settings"):
        cal.run_tasks(todo, tmp_path, dask_client=None)


def test_prediction_row_and_replicate_gate():
    row = cal._prediction_row("male", "0-4", np.arange(101.0), 50.0)
    assert row["predicted_median"] == 50.0 and row["inside_90"] and row["relative_error"] == 0.0
    assert row["lower_90"] == 5.0 and row["upper_90"] == 95.0
    gate = cal.Settings(max_rhat=1.1, min_ess_bulk=50).gate()
    assert (gate.max_rhat, gate.min_ess_bulk, gate.min_ess_tail) == (1.1, 50, 50)


def test_nudged_start_moves_only_flat_directions():
    """A start off the prior's mode only where the gradient vanishes (a parameter the
    left-out census alone informed), in the unconstrained space, transforms respected."""
    with pm.Model() as model:
        a = pm.Normal("a", 0.0, 1.0)
        pm.HalfNormal("b", 1.0)  # log transform: flat at its initial point
        pm.Normal("c", 0.0, 1.0, shape=3)  # no data: flat
        pm.Normal("y", a, 1.0, observed=[1.0])
    start = cal.nudged_start(model)
    assert set(start) == {"b", "c"}
    np.testing.assert_allclose(start["c"], [cal.NUDGE] * 3)
    b0 = float(model.initial_point()["b_log__"])
    assert float(start["b"]) == pytest.approx(np.exp(b0 + cal.NUDGE))
