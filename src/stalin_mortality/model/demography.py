"""Pure demographic arithmetic, written once for numpy arrays and PyTensor tensors alike.

Two-sex projection of totals with crude rates (occurrences per person-year of exposure).
Exposure in a year is the mean of the start and end populations (the trapezoid rule), and
births and deaths are computed on that same exposure, so the accounting identity

    end[s] = start[s] + births * share[s] - deaths[s]

holds exactly.  Solving for the end population gives a 2x2 linear system per year (the
Pade(1,1) approximation of the matrix exponential of the constant-rate ODE; error of order
rate^3, below 1e-5 of the population a year at these rates).
"""

from __future__ import annotations


def male_share_at_birth(sex_ratio_at_birth):
    """Share of births that are male, from the sex ratio at birth (males per female)."""
    return sex_ratio_at_birth / (1.0 + sex_ratio_at_birth)


def project_year(male, female, birth_rate, death_rate_male, death_rate_female, male_share):
    """One year of two-sex projection of totals.

    Returns ``(male_end, female_end, births, deaths_male, deaths_female)``.

    Examples
    --------
    >>> m, f, b, dm, df = project_year(100.0, 100.0, 0.04, 0.02, 0.02, 0.5)
    >>> round(m - (100.0 + 0.5 * b - dm), 12)
    0.0
    """
    female_share = 1.0 - male_share
    a11 = 2.0 + death_rate_male - male_share * birth_rate
    a12 = -male_share * birth_rate
    a21 = -female_share * birth_rate
    a22 = 2.0 + death_rate_female - female_share * birth_rate
    det = a11 * a22 - a12 * a21
    exposure_male = (2.0 * male * a22 - a12 * 2.0 * female) / det
    exposure_female = (a11 * 2.0 * female - a21 * 2.0 * male) / det
    births = birth_rate * (exposure_male + exposure_female)
    deaths_male = death_rate_male * exposure_male
    deaths_female = death_rate_female * exposure_female
    male_end = male + male_share * births - deaths_male
    female_end = female + female_share * births - deaths_female
    return male_end, female_end, births, deaths_male, deaths_female


def project(male, female, birth_rates, death_rates_male, death_rates_female, male_share):
    """Project over len(birth_rates) years; returns end populations and yearly flows."""
    births, deaths_m, deaths_f = [], [], []
    for b, dm, df in zip(birth_rates, death_rates_male, death_rates_female, strict=True):
        male, female, bt, dmt, dft = project_year(male, female, b, dm, df, male_share)
        births.append(bt)
        deaths_m.append(dmt)
        deaths_f.append(dft)
    return male, female, births, deaths_m, deaths_f


def life_table_death_rate_ratio(mx_male, mx_female, pop_male, pop_female):
    """Crude death rate of each sex relative to both sexes together.

    Weighs age-specific rates ``mx`` (e.g. ``dx / Lx`` of a life table) by an observed age
    structure; used to split one crude death rate into two by sex.
    """
    deaths_m = (mx_male * pop_male).sum()
    deaths_f = (mx_female * pop_female).sum()
    total = (deaths_m + deaths_f) / (pop_male.sum() + pop_female.sum())
    return deaths_m / pop_male.sum() / total, deaths_f / pop_female.sum() / total
