"""Projection arithmetic: accounting identities, the numpy/PyTensor twin, a closed form."""

import numpy as np
import pytensor.tensor as pt
import pytest

from stalin_mortality.model.demography import (
    life_table_death_rate_ratio,
    male_share_at_birth,
    project,
    project_year,
)


def test_accounting_identity_exact():
    rng = np.random.default_rng(1)
    for _ in range(50):
        m, f = rng.uniform(1e6, 1e8, 2)
        b, dm, df = rng.uniform(0.0, 0.08, 3)
        share = male_share_at_birth(rng.uniform(1.0, 1.1))
        m1, f1, births, dm1, df1 = project_year(m, f, b, dm, df, share)
        assert m1 == pytest.approx(m + share * births - dm1, rel=1e-14)
        assert f1 == pytest.approx(f + (1 - share) * births - df1, rel=1e-14)
        # births and deaths are rates times the trapezoid exposure
        assert births == pytest.approx(b * ((m + m1) / 2 + (f + f1) / 2), rel=1e-12)
        assert dm1 == pytest.approx(dm * (m + m1) / 2, rel=1e-12)


def test_matches_continuous_growth_when_sexes_alike():
    # equal death rates: the total grows at exp(b - d) up to the Pade(1,1) error
    m1, f1, *_ = project_year(50.0, 50.0, 0.045, 0.025, 0.025, 0.5)
    r = 0.02
    assert m1 + f1 == pytest.approx(100 * (1 + r / 2) / (1 - r / 2), rel=1e-12)
    assert m1 + f1 == pytest.approx(100 * np.exp(r), rel=2e-6)


def test_pytensor_matches_numpy():
    args = (70e6, 76e6, [0.045, 0.044], [0.027, 0.026], [0.022, 0.021], 0.512)
    ref = project(*args)
    sym = [pt.scalar(f"x{i}", dtype="float64") for i in range(2)]
    out = project(sym[0], sym[1], *args[2:])
    got = [o.eval({sym[0]: args[0], sym[1]: args[1]}) for o in out[:2]]
    np.testing.assert_allclose(got, ref[:2], rtol=1e-12)


def test_death_rate_ratio_weights_to_one():
    mx_m, mx_f = np.array([0.1, 0.01, 0.2]), np.array([0.08, 0.008, 0.18])
    pm_, pf = np.array([10.0, 50.0, 5.0]), np.array([11.0, 52.0, 7.0])
    km, kf = life_table_death_rate_ratio(mx_m, mx_f, pm_, pf)
    assert km * pm_.sum() + kf * pf.sum() == pytest.approx(pm_.sum() + pf.sum())
    assert km > 1 > kf
