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


def test_a_value_held_at_none_is_labelled_held_fixed_not_prior_dominated(window):
    """Held at none (sd 0.001), the older cohorts' errors have a posterior sd equal to the
    prior's by construction: the identification table calls them ``held fixed``, not
    ``prior dominates`` (a referee, helper-50); freed by the scenario, they are read like any
    other parameter, and a parameter with no held width never is."""
    from types import SimpleNamespace

    import xarray as xr

    from stalin_mortality import sensitivity
    from stalin_mortality.model.components import initial

    name = initial.old_cohort_name(window)
    labels = initial.old_cohort_labels(window)
    rng = np.random.default_rng(0)

    def group(sd):  # 2000 draws: the ratio's Monte Carlo error far from the 0.8 threshold
        return xr.DataTree(
            xr.Dataset(
                {
                    name: (("chain", "draw", "k"), rng.normal(0, sd, (2, 1000, len(labels)))),
                    "mortality_trend": (("chain", "draw"), rng.normal(0, sd, (2, 1000))),
                },
                coords={"k": labels},
            )
        )

    tree = xr.DataTree.from_dict(
        {"posterior": group(0.001).to_dataset(), "prior": group(0.001).to_dataset()}
    )
    for scenario, want in (("default", "held fixed"), ("old_cohort_error", "prior dominates")):
        run = SimpleNamespace(
            tree=tree, manifest={}, window=window, scenario=sm.load_scenario(scenario)
        )
        table = sensitivity.parameter_table(run).set_index("parameter")
        cohorts = table.index.str.startswith(name)
        assert cohorts.sum() == len(labels)
        assert (table.identified_by[cohorts] == want).all()
        # a prior that happens to be as narrow but declares no held width is read as usual
        assert table.identified_by["mortality_trend"] == "prior dominates"
    # the scenarios that switch a term off are held too (a zero-sum and a half-normal)
    from stalin_mortality.model.components import census, prior_specs
    from stalin_mortality.priors import checked_prior, held

    specs = prior_specs(window)
    for scenario, name in (
        ("no_cohort_error", initial.cohort_name(window)),
        ("no_exaggeration", census.EXAGGERATION),
    ):
        spec = specs[name]
        raw = sm.load_scenario(scenario).overrides[name]
        assert not held(spec, spec.default()) and held(spec, checked_prior(spec, raw, "t"))


def test_the_later_censuses_misstate_the_older_cohorts(observations, window):
    """``old_cohort_misstatement = true``: the observed censuses count each older cohort
    (born 1869-88) off by a factor common to both sexes and both censuses, each group
    taking the factors of the single years it holds (1939: the cohorts are its groups
    50-54 to 65-69; 1937, two years younger: 45-49 holds two years of the youngest), each
    sex's count of those groups and above kept, the younger groups untouched."""
    import pytensor.tensor as pt

    from stalin_mortality.constants import WINDOW_DIR
    from stalin_mortality.model.components import census

    text = (WINDOW_DIR / "1927_1939.toml").read_text()
    old = "old_cohort_error_last_age = 57\n"
    w = window_from_text(text.replace(old, old + "old_cohort_misstatement = true\n", 1), "w")
    c37, c39 = w.observed_censuses
    w39 = census.misstatement_weights(w, c39)
    np.testing.assert_array_equal(w39[10:14], np.eye(4))  # 50-54 ... 65-69
    assert w39[:10].sum() == 0 and w39[14:].sum() == 0  # the open group 70+ too
    w37 = census.misstatement_weights(w, c37)
    np.testing.assert_allclose(w37[9, 0], 0.4)  # 45-49: born 1887-88
    np.testing.assert_allclose(w37[10, :2], [0.6, 0.4])  # 50-54: born 1884-86, 1882-83
    np.testing.assert_allclose(w37.sum(axis=0), 1.0)  # every cohort's five years counted
    error = np.array([-0.06, 0.04, 0.08, 0.09])
    grouped = np.random.default_rng(3).uniform(1e5, 1e6, (2, 15))
    out = census.misstated(grouped, error, w37)
    np.testing.assert_allclose(out.sum(axis=-1), grouped.sum(axis=-1), rtol=1e-12)
    np.testing.assert_array_equal(out[:, :9], grouped[:, :9])  # under 45: untouched
    rescale = out[:, 14] / grouped[:, 14]  # the open group: rescaled only
    np.testing.assert_allclose(
        out[:, 10] / grouped[:, 10], rescale * (1 + 0.6 * np.expm1(-0.06) + 0.4 * np.expm1(0.04))
    )
    got = census.misstated(pt.as_tensor(grouped), pt.as_tensor(error), w37, False, pt).eval()
    np.testing.assert_allclose(got, out, rtol=1e-12)
    # by sex (with old_cohort_error_by_sex), men first: the women's factors leave the men
    women = np.concatenate([np.zeros(4), error])
    by_sex = census.misstated(grouped, women, w37, True)
    np.testing.assert_array_equal(by_sex[0], grouped[0])
    np.testing.assert_allclose(by_sex[1], out[1], rtol=1e-12)
    got = census.misstated(pt.as_tensor(grouped), pt.as_tensor(women), w37, True, pt).eval()
    np.testing.assert_allclose(got, by_sex, rtol=1e-12)
    samples = census.misstated(grouped, np.stack([women, women]), w37, True)
    np.testing.assert_allclose(samples[1], by_sex, rtol=1e-12)
    # off in the shipped window; in the model where the window has it, free (sd 0.05)
    assert census.misstatement_weights(window, c39) is None
    assert census.MISSTATEMENT not in census.priors_names(window)
    model = sm.build_model(observations, w, sm.load_scenario("default"))
    assert census.MISSTATEMENT in model.named_vars
    from stalin_mortality.priors import held

    spec = {s.name: s for s in census.priors(w)}[census.MISSTATEMENT]
    assert spec.parameters["sigma"] == 0.05 and not held(spec, spec.default())
    with pytest.raises(WindowError, match="old_cohort_misstatement"):
        window_from_text(text.replace(old, "old_cohort_misstatement = true\n", 1), "w")
