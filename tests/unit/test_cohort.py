"""The cohort-component arithmetic: against a plain reference, the identity, both backends."""

import numpy as np
import pytensor.tensor as pt
import pytest

from stalin_mortality.model import cohort


def _small_inputs(rng, n_ages=6):
    P = rng.uniform(50, 150, size=(2, n_ages))
    S = rng.uniform(0.8, 0.99, size=(2, n_ages))
    S_birth = rng.uniform(0.8, 0.9, size=2)
    schedule = np.zeros(n_ages)
    schedule[2:4] = [0.6, 0.4]
    patterns = rng.uniform(0.0, 2.0, size=(2, 2, n_ages))
    weight = rng.uniform(1.0, 1.5, size=(2, n_ages))
    return P, S, S_birth, schedule, patterns, weight


def _reference_year(
    P, S, S_birth, tfr, schedule, male_share, fs, fsb, counts, patterns, prop, emig
):
    """One year written out element by element, as a demographer would on paper; the
    ``emig`` net emigrants leave at the year's end, from each cell's survivors in
    proportion."""
    n = P.shape[1]
    surv = np.zeros_like(P)
    norms = [sum(P[s, a] * patterns[c, s, a] for s in range(2) for a in range(n)) for c in range(2)]
    base = P * (1 - S)
    base_total = base.sum()
    for s in range(2):
        for a in range(n):
            x = P[s, a] * S[s, a] * fs[s, a]
            for c in range(2):
                x -= counts[c] * P[s, a] * patterns[c, s, a] / norms[c]
            x -= prop * base[s, a] / base_total
            surv[s, a] = x
    left = surv.sum()
    for s in range(2):
        for a in range(n):
            surv[s, a] -= emig * surv[s, a] / left
    end = np.zeros_like(P)
    for s in range(2):
        for a in range(1, n - 1):
            end[s, a] = surv[s, a - 1]
        end[s, n - 1] = surv[s, n - 2] + surv[s, n - 1]
    births = tfr * sum(schedule[a] * 0.5 * (P[1, a] + end[1, a]) for a in range(1, n))
    for s, share in enumerate((male_share, 1 - male_share)):
        end[s, 0] = births * share * S_birth[s] * fsb[s]
    return end, births


def test_project_year_matches_reference():
    rng = np.random.default_rng(1)
    P, S, S_birth, schedule, patterns, weight = _small_inputs(rng)
    fs, fsb = cohort.famine_survival(S, S_birth, np.array(0.7), weight)
    counts = np.array([3.0, 5.0])
    emig = np.array(0.01 * P.sum())
    f = cohort.project_year(
        P,
        S,
        S_birth,
        5.0,
        schedule,
        0.512,
        fs,
        fsb,
        counts,
        patterns,
        np.array([2.0]),
        emig,
        detail=True,
    )
    end, births = _reference_year(
        P, S, S_birth, 5.0, schedule, 0.512, fs, fsb, counts, patterns, 2.0, emig
    )
    np.testing.assert_allclose(f.end, end, rtol=1e-12)
    np.testing.assert_allclose(f.births, births, rtol=1e-12)
    # deaths by cause are the counts given, exactly
    np.testing.assert_allclose(f.cause_deaths.sum(axis=(-2, -1)), [3.0, 5.0, 2.0], rtol=1e-12)


def test_accounting_identity_holds_exactly():
    rng = np.random.default_rng(2)
    P, S, S_birth, schedule, patterns, weight = _small_inputs(rng)
    fs, fsb = cohort.famine_survival(S, S_birth, np.array(1.3), weight)
    emig = np.array(rng.normal(0, 0.01) * P.sum())
    f = cohort.project_year(
        P,
        S,
        S_birth,
        6.0,
        schedule,
        0.51,
        fs,
        fsb,
        np.array([4.0, 1.0]),
        patterns,
        np.array([3.0]),
        emig,
    )
    lhs = f.end.sum()
    rhs = P.sum() + f.births - cohort.total_deaths(f) - emig
    np.testing.assert_allclose(f.migration.sum(), -emig, rtol=1e-13)
    assert lhs == pytest.approx(rhs, rel=1e-14, abs=1e-9)
    # and by sex, from the detailed deaths
    f = cohort.project_year(
        P,
        S,
        S_birth,
        6.0,
        schedule,
        0.51,
        fs,
        fsb,
        np.array([4.0, 1.0]),
        patterns,
        np.array([3.0]),
        emig,
        detail=True,
    )
    by_sex = P.sum(-1) + f.births_by_sex - cohort.deaths_by_sex(f) + f.migration.sum(-1)
    np.testing.assert_allclose(f.end.sum(-1), by_sex, rtol=1e-13)


def test_batch_dimension_is_the_same_as_a_loop():
    rng = np.random.default_rng(3)
    P, S, S_birth, schedule, patterns, _ = _small_inputs(rng)
    tfr = np.array([4.0, 5.0, 6.0])
    counts = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, 0.0]])
    batch = cohort.project_year(
        np.stack([P] * 3),
        S,
        S_birth,
        tfr,
        schedule,
        np.full(3, 0.51),
        counts=counts,
        patterns=patterns,
    )
    for i in range(3):
        one = cohort.project_year(
            P, S, S_birth, tfr[i], schedule, 0.51, counts=counts[i], patterns=patterns
        )
        np.testing.assert_allclose(batch.end[i], one.end, rtol=1e-13)


def test_pytensor_and_numpy_agree():
    rng = np.random.default_rng(4)
    P, S, S_birth, schedule, patterns, weight = _small_inputs(rng)
    tfr = pt.scalar("tfr")
    k = pt.scalar("k")
    fs, fsb = cohort.famine_survival(pt.as_tensor(S), pt.as_tensor(S_birth), k, weight)
    f = cohort.project_year(
        pt.as_tensor(P),
        pt.as_tensor(S),
        pt.as_tensor(S_birth),
        tfr,
        schedule,
        pt.as_tensor(0.51),
        fs,
        fsb,
        pt.as_tensor(np.array([2.0, 1.0])),
        patterns,
        pt.as_tensor(np.array([1.5])),
    )
    got = f.end.eval({tfr: 5.5, k: 0.4})
    fs_n, fsb_n = cohort.famine_survival(S, S_birth, np.array(0.4), weight)
    want = cohort.project_year(
        P, S, S_birth, 5.5, schedule, 0.51, fs_n, fsb_n, np.array([2.0, 1.0]), patterns, [1.5]
    ).end
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_brass_standard_is_reproduced():
    lx = np.linspace(1.0, 0.01, 101)[None, :] ** 1.5
    lx = np.concatenate([lx, lx], axis=0)
    y = cohort.brass_logit_standard(lx)
    S, S_birth = cohort.brass_survival(0.0, 1.0, y)
    L = np.concatenate(
        [lx[:, 1:2] + cohort.A0 * (1 - lx[:, 1:2]), 0.5 * (lx[:, 1:-1] + lx[:, 2:])], 1
    )
    np.testing.assert_allclose(S[:, :99], L[:, 1:] / L[:, :-1], rtol=1e-12)
    np.testing.assert_allclose(S_birth, L[:, 0], rtol=1e-12)
    # a higher level means higher mortality at every age
    S_hi, _ = cohort.brass_survival(0.2, 1.0, y)
    assert np.all(S_hi[:, :99] < S[:, :99])


def test_famine_survival_is_one_without_famine():
    rng = np.random.default_rng(5)
    _, S, S_birth, _, _, weight = _small_inputs(rng)
    fs, fsb = cohort.famine_survival(S, S_birth, np.array(0.0), weight)
    np.testing.assert_array_equal(fs, 1.0)
    np.testing.assert_array_equal(fsb, 1.0)


def test_two_hazard_causes_add_their_hazards_and_split_their_deaths():
    """Any number of hazard causes: extra hazards add, deaths split by each one's share, and
    one cause is exactly the single-famine arithmetic."""
    rng = np.random.default_rng(5)
    P, S, S_birth, schedule, _patterns, weight = _small_inputs(rng)
    weights = np.stack([weight, weight[::-1]])
    k = np.array([0.6, 0.3])
    hs, _hsb = cohort.hazard_survival(S, S_birth, k, weights)
    K = 0.6 * weight + 0.3 * weight[::-1]
    np.testing.assert_allclose(hs, np.exp(K * np.log(S)), rtol=1e-14)
    one = cohort.hazard_survival(S, S_birth, k[:1], weights[:1])
    np.testing.assert_array_equal(one[0], cohort.famine_survival(S, S_birth, k[0], weight)[0])
    const = cohort.StepConstants(schedule, 0.51, weights, None, 0)
    r = cohort.year_step(P, S, S_birth, 5.0, 5.0, k, None, None, const, detail=True)
    total = r.flows.hazard_deaths.sum() + r.flows.hazard_infant_deaths.sum()
    np.testing.assert_allclose(r.hazard_totals.sum(), total, rtol=1e-12)
    np.testing.assert_allclose(r.hazard_by_age.sum(axis=(-2, -1)), r.hazard_totals, rtol=1e-12)
    assert (r.hazard_totals > 0).all()


def test_table_ends_come_from_the_standard_table(observations, window):
    """a0 and e100 are the 1926-27 table's own (L0 and the open group's person-years are
    reproduced exactly at alpha 0, beta 1), per sex, and are saved with the inputs."""
    import stalin_mortality as sm
    from stalin_mortality.model.account import Inputs

    inputs = sm.make_inputs(observations, window)
    np.testing.assert_allclose(inputs.a0, [0.304, 0.319], atol=0.001)  # men, women
    np.testing.assert_allclose(inputs.e100, [2.43, 2.59], atol=0.01)
    std = {
        c: observations[f"life_table_{c}"].sel(life_table=window.standard_life_table) / 1e5
        for c in ("Lx", "Tx")
    }
    L, T100 = cohort.brass_person_years(0.0, 1.0, inputs.y_std, *inputs.table_ends)
    np.testing.assert_allclose(L[:, 0], std["Lx"].sel(age=0).values, rtol=1e-9)
    np.testing.assert_allclose(T100[:, 0], std["Tx"].sel(age=100).values, rtol=1e-9)
    again = Inputs.from_dataset(inputs.to_dataset())
    np.testing.assert_array_equal(again.a0, inputs.a0)
    np.testing.assert_array_equal(again.e100, inputs.e100)
    # results saved before the table ends were inputs keep the round values they used
    old = inputs.to_dataset().drop_vars(["life_table_a0", "life_table_e100"])
    assert Inputs.from_dataset(old).table_ends == (cohort.A0, cohort.E100)


def test_emigration_never_empties_an_age_below_zero():
    """Emigrants leave from the year's survivors in proportion: an age whose survival is
    nearly nil loses nearly no emigrants (taken from the 1 January population, a 5% outflow
    drove the oldest ages below zero in a year of high mortality)."""
    rng = np.random.default_rng(4)
    P, S, S_birth, schedule, _, _ = _small_inputs(rng)
    S = S.copy()
    S[:, -3:] = 1e-4
    f = cohort.project_year(P, S, S_birth, 5.0, schedule, 0.51, emigration=np.array(0.05 * P.sum()))
    assert (f.end > 0).all()
    np.testing.assert_allclose(f.migration.sum(), -0.05 * P.sum(), rtol=1e-13)
    # each age of the survivors loses the same share
    survivors = P * S
    np.testing.assert_allclose(f.migration / survivors, f.migration[0, 0] / survivors[0, 0])


def test_a_flow_with_ages_moves_only_those_ages():
    """Two groups of flows: one from every age, one (the adults' flow) from ages 15-49 of both
    sexes only; each in proportion to the survivors it may take from."""
    rng = np.random.default_rng(5)
    P, S, S_birth, schedule, _, _ = _small_inputs(rng, n_ages=60)
    n_age = P.shape[-1]
    masks = np.zeros((2, 2, n_age))
    masks[0] = 1.0
    masks[1, :, 15:50] = 1.0
    everyone, adults = 0.01 * P.sum(), 0.02 * P.sum()
    f = cohort.project_year(
        P,
        S,
        S_birth,
        5.0,
        schedule,
        0.51,
        emigration=np.array([everyone, adults]),
        migration_masks=masks,
    )
    survivors = P * S
    np.testing.assert_allclose(f.migration.sum(), -(everyone + adults), rtol=1e-12)
    outside = np.ones(n_age, bool)
    outside[15:50] = False
    # outside the band: only the every-age flow, the same share of each age's survivors
    expected_out = -everyone * survivors[:, outside] / survivors.sum()
    np.testing.assert_allclose(f.migration[:, outside], expected_out, rtol=1e-12)
    # inside: that share plus the adults' flow in proportion to the band's survivors
    band = survivors[:, 15:50]
    expected_in = -everyone * band / survivors.sum() - adults * band / band.sum()
    np.testing.assert_allclose(f.migration[:, 15:50], expected_in, rtol=1e-12)
    # one group with a mask of every age is the flow without masks
    g = cohort.project_year(
        P,
        S,
        S_birth,
        5.0,
        schedule,
        0.51,
        emigration=np.array([everyone]),
        migration_masks=masks[:1],
    )
    h = cohort.project_year(P, S, S_birth, 5.0, schedule, 0.51, emigration=np.array(everyone))
    np.testing.assert_allclose(g.end, h.end, rtol=1e-13)


def test_hazard_totals_are_the_share_split_without_forming_it():
    """The contraction ``hazard_totals`` gives each cause's deaths as the explicit split by
    ``hazard_shares`` does: draws as a batch dimension, weights fixed or drawn, and cells
    where no cause is active (K = 0) contributing nothing."""
    rng = np.random.default_rng(11)
    weights = rng.uniform(0.0, 3.0, size=(3, 2, 7))
    weights[:, 1, 4] = 0.0  # no cause here
    k = rng.uniform(0.0, 1.0, size=(5, 3))
    k[0, 1] = 0.0
    deaths = rng.uniform(0.0, 10.0, size=(5, 2, 7))
    deaths[:, 1, 4] = 0.0
    infants = rng.uniform(0.0, 5.0, size=(5, 2))
    for w in (
        weights,
        np.broadcast_to(weights, (5, 3, 2, 7)) * rng.uniform(0.5, 1.5, (5, 1, 1, 1)),
    ):
        share = cohort.hazard_shares(k, w)
        want = (deaths[:, None] * share).sum(axis=(-2, -1)) + (
            infants[:, None] * share[..., 0]
        ).sum(-1)
        got = cohort.hazard_totals(k, w, deaths, infants)
        np.testing.assert_allclose(got, want, rtol=1e-12)
        K = (k[..., None, None] * w).sum(axis=-3)
        np.testing.assert_allclose(cohort.combined_hazard(k, w), K, rtol=1e-14)


def test_year_step_with_every_component_agrees_between_backends():
    """Two hazard causes, patterned and proportional count causes and two groups of flows:
    the PyTensor step (the model's) and the numpy step (the estimands') agree."""
    rng = np.random.default_rng(12)
    P, S, S_birth, schedule, patterns, weight = _small_inputs(rng, n_ages=9)
    weights = np.stack([weight, weight[:, ::-1]])
    masks = np.zeros((2, 2, 9))
    masks[0] = 1.0
    masks[1, 0, 3:6] = 1.0
    const = cohort.StepConstants(schedule, 0.51, weights, patterns, 1, None, masks)
    k, counts, emig = np.array([0.5, 0.2]), np.array([3.0, 2.0, 4.0]), np.array([5.0, -2.0])
    want = cohort.year_step(P, S, S_birth, 4.0, 5.0, k, counts, emig, const)
    tk, tc, te = pt.vector("k"), pt.vector("c"), pt.vector("e")
    const_t = cohort.StepConstants(
        pt.as_tensor(schedule),
        pt.as_tensor(0.51),
        pt.as_tensor(weights),
        pt.as_tensor(patterns),
        1,
        2,
        pt.as_tensor(masks),
    )
    got = cohort.year_step(
        pt.as_tensor(P), pt.as_tensor(S), pt.as_tensor(S_birth), 4.0, 5.0, tk, tc, te, const_t
    )
    given = {tk: k, tc: counts, te: emig}
    np.testing.assert_allclose(got.flows.end.eval(given), want.flows.end, rtol=1e-12)
    np.testing.assert_allclose(got.hazard_totals.eval(given), want.hazard_totals, rtol=1e-12)
    np.testing.assert_allclose(got.baseline_births.eval(given), want.baseline_births, rtol=1e-12)
