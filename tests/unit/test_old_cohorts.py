"""The 1926 census's older cohorts' error (docs/engine.md, "The older cohorts"): in the
1927-1939 window only, held at none by default, freed by the scenario old_cohort_error."""

import numpy as np
import pytest

import stalin_mortality as sm
from stalin_mortality.exceptions import WindowError
from stalin_mortality.window import window_from_text


@pytest.fixture(scope="module")
def inputs(observations, window):
    return sm.make_inputs(observations, window)


def test_the_whole_era_has_no_older_cohorts_error(era):
    """The whole era leaves them out: the scenario was never fitted there, and four
    parameters held at none cost its sampler (docs/sampling.md)."""
    from stalin_mortality.model.components import initial

    assert initial.old_cohort_groups(era) is None and initial.old_cohort_labels(era) == []
    assert initial.old_cohort_name(era) not in {s.name for s in initial.priors(era)}


def test_the_older_cohorts_error_follows_the_1939_age_groups(window, inputs):
    """The 1926 census's older cohorts (ages 38-57 in 1927, below the 1939 census's open
    group) have a factor each, grouped by the 1939 age groups 50-54 to 65-69; their count
    is kept with the ages 58+ (they trade people with their neighbours, not with the young:
    a referee's objection to a first form that kept the count of ages 3-57), and ages 0-37
    are untouched.  The default holds them at none; old_cohort_error frees them."""
    import pytensor.tensor as pt

    from stalin_mortality.model.components import initial

    matrix, labels = initial.old_cohort_groups(window)
    assert labels == ["born 1884-1888", "born 1879-1883", "born 1874-1878", "born 1869-1873"]
    assert matrix[0, 38:43].all() and matrix[-1, 53:58].all()
    assert (matrix.sum(axis=0)[38:58] == 1).all() and matrix.sum() == 20
    young = initial.cohort_groups(window)[0]
    assert (young.sum(axis=0) + matrix.sum(axis=0) <= 1).all()  # one cohort per age
    name = initial.old_cohort_name(window)
    p = {
        "undercount_1926_ages_0_2": np.array([0.06, 0.06]),
        "undercount_1926_other_ages": np.array([0.005, 0.005]),
        initial.cohort_name(window): np.zeros((2, 7)),
        name: np.array([np.zeros(4), [-0.06, 0.04, 0.08, 0.09]]),
    }
    P = initial.population(p, window, inputs.initial)
    ratio = P[1] / P[0]
    np.testing.assert_allclose(P[1].sum(), P[0].sum(), rtol=1e-12)
    np.testing.assert_allclose(P[1][:, 38:].sum(), P[0][:, 38:].sum(), rtol=1e-12)
    np.testing.assert_allclose(ratio[:, :38], 1.0, rtol=1e-12)
    # the ages 58+ share one factor, below 1 here: the older cohorts' net gain is theirs
    assert np.allclose(ratio[:, 58:], ratio[0, 58]) and ratio[0, 58] < 1.0
    for g, e in enumerate(p[name][1]):
        np.testing.assert_allclose(ratio[:, matrix[g] == 1], ratio[0, 58] * np.exp(e))
    tp = {k: pt.as_tensor(v[1]) for k, v in p.items()}
    np.testing.assert_allclose(initial.population(tp, window, inputs.initial).eval(), P[1])
    # held at none by default, freed by the scenario
    spec = {s.name: s for s in initial.priors(window)}[name]
    assert spec.parameters["sigma"] == 0.001
    prior = sm.load_scenario("old_cohort_error").overrides[name]
    assert prior["sigma"] == 0.05


def test_the_older_cohorts_error_by_sex(window, inputs):
    """``old_cohort_error_by_sex = true``: one error per sex and older cohort (men first),
    each sex's count of ages 38+ kept on its own; the shipped windows leave it off.  The
    1927-1939 fit with it and the errors freed (docs/engine.md, "The older cohorts") took
    the census residuals as far as the common form without moving the famine."""
    import pytensor.tensor as pt

    from stalin_mortality.constants import WINDOW_DIR
    from stalin_mortality.model.components import initial

    assert not window.initial_census.old_cohort_error_by_sex
    text = (WINDOW_DIR / "1927_1939.toml").read_text()
    old = "old_cohort_error_last_age = 57\n"
    w = window_from_text(text.replace(old, old + "old_cohort_error_by_sex = true\n", 1), "w")
    labels = initial.old_cohort_labels(w)
    assert len(labels) == 8 and labels[0] == "male born 1884-1888"
    assert labels[4] == "female born 1884-1888"
    spec = {s.name: s for s in initial.priors(w)}[initial.old_cohort_name(w)]
    assert spec.size == 8
    name = initial.old_cohort_name(w)
    women = [0.05, 0.08, 0.1, 0.1]
    p = {
        "undercount_1926_ages_0_2": np.array([0.06, 0.06]),
        "undercount_1926_other_ages": np.array([0.005, 0.005]),
        initial.cohort_name(w): np.zeros((2, 7)),
        name: np.array([np.zeros(8), [0.0] * 4 + women]),
    }
    P = initial.population(p, w, inputs.initial)
    ratio = P[1] / P[0]
    np.testing.assert_allclose(ratio[0], 1.0, rtol=1e-12)  # men's errors are zero
    men = np.array([np.zeros(8), [-0.05, -0.04, 0.05, 0.06] + [0.0] * 4])
    Pm = initial.population({**p, name: men}, w, inputs.initial)
    np.testing.assert_allclose(Pm[1][0, 38:].sum(), Pm[0][0, 38:].sum(), rtol=1e-12)
    np.testing.assert_allclose(Pm[1][1], Pm[0][1], rtol=1e-12)  # women untouched
    np.testing.assert_allclose(P[1][1, 38:].sum(), P[0][1, 38:].sum(), rtol=1e-12)
    np.testing.assert_allclose(ratio[1, :38], 1.0, rtol=1e-12)
    matrix = initial.old_cohort_groups(w)[0]
    for g, e in enumerate(women):
        np.testing.assert_allclose(ratio[1, matrix[g] == 1], ratio[1, 58] * np.exp(e))
    tp = {k: pt.as_tensor(v[1]) for k, v in p.items()}
    np.testing.assert_allclose(initial.population(tp, w, inputs.initial).eval(), P[1])
    with pytest.raises(WindowError, match="needs old_cohort_error_last_age"):
        window_from_text(text.replace(old, "old_cohort_error_by_sex = true\n", 1), "w")
