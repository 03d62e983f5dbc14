"""Windows are data: loading, validation, and a new cause as a window-file edit only."""

import re

import numpy as np
import pytest

import stalin_mortality as sm
from stalin_mortality.constants import WINDOW_DIR
from stalin_mortality.exceptions import WindowError
from stalin_mortality.window import window_from_text

TEXT = (WINDOW_DIR / "1927_1939.toml").read_text()


def test_shipped_window_loads():
    w = sm.load_window("1927_1939")
    assert (w.first_year, w.last_year) == (1927, 1938)
    assert list(w.dates) == list(range(1927, 1940))
    assert [c.year for c in w.observed_censuses] == [1937, 1939]
    assert w.initial_census.year == 1926
    assert w.cause("famine_1930_34").kind == "hazard"
    assert w.cause("executions").has("executions") and w.cause("gulag").has("custodial")
    assert [c.name for c in w.proportional_causes] == ["residual"]
    assert w.age_group_labels[0] == "0-4" and w.age_group_labels[-1] == "70+"
    assert "1927_1939" in sm.list_windows()
    # the preconditioner serves every scenario of 1927-1939 (measured), the whole era's own only
    assert w.precondition_scope == "window"
    assert sm.load_window("1927_1959").precondition_scope == "fitted"


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('kind = "hazard"', 'kind = "plague"', "cause famine_1930_34: unknown kind 'plague'"),
        ("years = [1930, 1934]", "years = [1930, 1944]", "lie outside the window 1927-1938"),
        ('tags = ["regime", "famine"]', 'tags = ["regime", "war"]', "cannot be 'regime'"),
        ('tags = ["regime", "famine"]', 'tags = ["regime", "hunger"]', "unknown tag"),
        ('tags = ["regime", "famine"]', 'tags = ["famine"]', "it must also be 'regime'"),
        ('role = "initial"', 'role = "observed"', "census 1926: an observed census must fall"),
        ('role = "initial"', 'role = "start"', "census 1926: unknown role 'start'"),
        ('cause = "gulag"', 'cause = "camps"', "cause 'camps' is not a cause"),
        ("first_year = 1927", "first_year = 1940", "are not a period"),
        ("male = [[18, 69, 19.0]]", "male = [[18, 169, 19.0]]", "is not [first_age"),
        ('reference = "female 10-59"', 'reference = "female 10-60"', "is not one of"),
        ("estimated = [[0, 9], [10, 59]", "estimated = [[0, 9], [11, 59]", "must cover ages"),
        ('structure = "random_walk"', 'structure = "drift"', "unknown structure 'drift'"),
        ('source = "goskomstat1989"\n', "\n", "prior mortality_trend: a window's prior needs"),
        ("smooth_ages = [10, 89]", "smooth_ages = [10, 99]", "lie outside the window"),
        (
            "ladder_years = [1931, 1933]",
            "ladder_years = [1929, 1933]",
            "lie outside the cause's years 1930-1934",
        ),
        ('ladder_label = "famine 1931-33"', "", "cause famine_1930_34: missing 'ladder_label'"),
        ("completeness = false", 'completeness = "no"', "'completeness' must be true or false"),
        (
            "cohort_error_last_age = 37",
            "cohort_error_last_age = 1",
            "'cohort_error_last_age' needs cohort_error = true and an age between 3 and 99",
        ),
        (
            "old_cohort_error_last_age = 57",
            "old_cohort_error_last_age = 30",
            "'old_cohort_error_last_age' needs cohort_error_last_age and an age above it",
        ),
        (
            'precondition_scope = "window"',
            'precondition_scope = "all"',
            "window: unknown precondition_scope 'all'; known: fitted, window",
        ),
    ],
)
def test_bad_window_names_the_entry(old, new, message):
    assert old in TEXT
    with pytest.raises(WindowError, match=re.escape(message)):
        window_from_text(TEXT.replace(old, new, 1), "w.toml")


def test_window_priors_replace_the_component_defaults_and_must_be_known():
    w = sm.load_window("1927_1939")
    specs = sm.prior_specs(w)
    assert specs["mortality_trend"].parameters == {"mu": -0.0054, "sigma": 0.005}
    assert specs["mortality_trend"].source == "goskomstat1989"
    assert specs["mortality_trend"].support == "real"  # the component's, not the window's
    bad = window_from_text(
        TEXT + '\n[priors.plague]\ndistribution = "Normal"\nmu = 0.0\n'
        'sigma = 1.0\ndescription = "x"\nsource = "adh1993"\n',
        "w.toml",
    )
    with pytest.raises(WindowError, match=r"w\.toml: prior plague: not a prior of this window"):
        sm.prior_specs(bad)


def test_estimated_pattern_only_for_a_hazard_cause():
    text = TEXT.replace('pattern = "baseline"', "pattern = { estimated = [[0, 100]] }", 1)
    with pytest.raises(WindowError, match="cause residual: only a hazard cause"):
        window_from_text(text, "w.toml")


def test_smoothing_keeps_counts_and_removes_heaping(observations, window):
    from stalin_mortality.model.account import smooth_heaping

    raw = observations["census_count"].sel(census=1926).transpose("sex", "age").values
    smooth = smooth_heaping(raw.astype(float), window.initial_census.smooth_ages)
    np.testing.assert_allclose(smooth.sum(axis=1), raw.sum(axis=1), rtol=1e-12)
    np.testing.assert_array_equal(smooth[:, :10], raw[:, :10])  # children untouched

    def whipple(x):  # ages 23-62: ages ending in 0 or 5 against a fifth of all
        ages = np.arange(23, 63)
        return 100 * x[:, ages[ages % 5 == 0]].sum(1) / (x[:, ages].sum(1) / 5)

    assert (whipple(raw) > 140).all() and (abs(whipple(smooth) - 100) < 5).all()


def test_missing_prior_description_is_an_error():
    text = TEXT.replace('description = "Deaths of deported peasant families', 'note = "x', 1)
    with pytest.raises(WindowError, match="cause dekulakisation: its prior needs a 'description'"):
        window_from_text(text, "w.toml")


def test_unknown_window_lists_known():
    with pytest.raises(WindowError, match=r"unknown window 'nope'; known: .*1927_1939"):
        sm.load_window("nope")


NEW_CAUSES = """
[[causes]]
name = "border_shootings"
kind = "count"
years = [1934, 1936]
tags = ["regime", "executions"]
[causes.pattern]
male = [[18, 59, 1.0]]
female = [[18, 59, 0.1]]
[causes.prior]
distribution = "LogNormal"
mu = 8.0
sigma = 0.5
description = "A test cause: about 3 thousand deaths a year."

[[causes]]
name = "typhus_1933"
kind = "hazard"
years = [1933, 1933]
tags = ["regime", "other"]
[causes.pattern]
male = [[0, 100, 1.0]]
female = [[0, 100, 1.0]]
[causes.prior]
distribution = "LogNormal"
mu = -2.0
sigma = 0.3
description = "A second hazard cause in a famine year (test)."
"""


def test_adding_causes_is_a_window_file_edit(tmp_path):
    """A count cause and a second hazard cause, with their priors, in the window file alone:
    the model, the account and the ladder take them with no engine change."""
    path = tmp_path / "extended.toml"
    marker = "# ---- flows"
    path.write_text(TEXT.replace(marker, NEW_CAUSES + "\n" + marker, 1))
    w = sm.load_window(path)
    assert w.cause_names[-2:] == ["border_shootings", "typhus_1933"]
    obs = sm.load_observations()
    model = sm.build_model(obs, w, sm.load_scenario("default"))
    assert {"excess_border_shootings", "typhus_1933_intensity"} <= {v.name for v in model.free_RVs}
    assert list(model.coords["cause"])[-2:] == ["border_shootings", "typhus_1933"]
    inputs = sm.make_inputs(obs, w)
    point = model.initial_point()
    names = sm.estimands.account_parameters(w)
    fn = model.compile_fn(
        [model["excess_deaths"], *(model[n] for n in names)],
        inputs=model.value_vars,
        on_unused_input="ignore",
    )
    excess, *values = fn(point)
    assert excess.shape == (len(w.causes), len(w.years))
    assert excess[-1, w.index(1933)] > 0 and excess[-1, w.index(1932)] == 0
    count = dict(zip(names, values, strict=True))["excess_border_shootings"]
    np.testing.assert_allclose(excess[-2, w.index(1934) : w.index(1936) + 1], count, rtol=1e-12)
    # draws through the numpy path: each cause's deaths by age add up to its total
    draws = {n: np.asarray(v)[None] for n, v in zip(names, values, strict=True)}
    out = sm.simulate(draws, inputs, w, detail=True)
    np.testing.assert_allclose(out["excess"][0], excess, rtol=1e-9)
    np.testing.assert_allclose(
        out["excess_by_age"].sum(axis=(-2, -1)), out["excess"], rtol=1e-10, atol=1e-6
    )
    rung1 = sm.estimands.rung_causes(w, sm.LADDER[0])
    assert rung1 == ["executions", "border_shootings"]


def test_importing_the_library_never_selects_a_backend():
    import subprocess
    import sys

    code = (
        "import matplotlib; import stalin_mortality as sm; sm.plot_ladder; sm.run; "
        "print(matplotlib.get_backend())"
    )
    env = {"MPLBACKEND": "pdf", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "pdf", out.stderr


def test_import_and_help_do_not_load_pymc():
    """The public names are imported on first use: ``import stalin_mortality`` and the
    command line's ``--help`` stay fast (no PyMC, PyTensor or JAX)."""
    import subprocess
    import sys

    code = (
        "import sys, stalin_mortality as sm, stalin_mortality.cli as cli\n"
        "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pymc', 'pytensor', 'jax', 'matplotlib') if m in sys.modules]\n"
        "print(','.join(heavy) or 'none')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == "none", out.stdout + out.stderr


def test_public_api_is_explicit():
    assert "run" in sm.__all__ and "load_run" in sm.__all__
    for name in sm.__all__:
        assert hasattr(sm, name), name


def test_group_ages_is_the_same_on_tensors_and_arrays():
    """The model groups ages by one matrix product; the numpy path by slices."""
    import pytensor.tensor as pt

    from stalin_mortality.window import load_window

    w = load_window("1927_1959")
    x = np.random.default_rng(1).uniform(0, 1e5, size=(2, 101))
    got = w.group_ages(pt.as_tensor(x), xp=pt).eval()
    np.testing.assert_allclose(got, w.group_ages(x), rtol=1e-13)
    assert got.shape == (2, len(w.age_group_labels))
