"""Posterior predictive checks of a run, from its saved draws (no resampling).

- :func:`census_residuals`: for each observed census, sex and age group, the residual of the
  observed composition against the model's (``clr(observed) - clr(expected)``, the centred
  log ratios the likelihood uses), draw by draw, beside the replicated count's interval
  (the expected composition with the census noise, times the observed total), with each
  group's birth cohorts, so a misfit repeated for the same cohort in two censuses shows as
  two residuals at the same birth years;
- :func:`census_totals`: each census's count against its replicated total (the expected
  total times the total's error) and the latent population;
- :func:`series_checks`: every registered and archival observation against its replicate
  (the observation model's own completeness and error).

Replicates use a fixed seed (:data:`SEED`), so the tables are reproducible.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .model.cohort import person_years
from .model.components import (
    account_parameters,
    archives,
    census,
    reconstruction,
    registration,
)
from .report import interval

SEED = 20260101


def _draws(run, name: str) -> np.ndarray:
    da = run.tree["posterior"][name].transpose("chain", "draw", ...)
    return np.asarray(da.values, dtype=float).reshape(-1, *da.shape[2:])


def _band(values: np.ndarray) -> tuple[float, float, float]:
    lo, hi = interval(values)
    return lo, float(np.median(values)), hi


def _expected(run, est, c, misreporting: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Expected census counts ``[sample, sex, age group]`` of census ``c``, draw by draw
    (``misreporting=False``: without the census's age misreporting)."""
    grouped = est["population_by_age_group"].sel(census=c.year)
    grouped = grouped.transpose("chain", "draw", "sex", "age_group").values
    grouped = grouped.reshape(-1, *grouped.shape[2:])
    params = {
        name: _draws(run, name)
        for name in census.expected_names(run.window, c)
        if name in run.tree["posterior"]
        and (misreporting or name not in census.MISREPORTING_PARAMS)
    }
    return census.expected(params, run.window, c, grouped, np), grouped


def census_residuals(run, estimands=None) -> pd.DataFrame:
    """One row per observed census, sex and age group (see the module docstring)."""
    window = run.window
    est = estimands if estimands is not None else run.estimands()
    rng = np.random.default_rng(SEED)
    noise = _draws(run, "census_age_noise")
    cell = census.cell_noise(noise, window)  # [sample, age group]
    rows = []
    edges = list(window.age_group_edges)
    for c in window.observed_censuses:
        expected, _ = _expected(run, est, c)
        observed = np.asarray(run.inputs.census_observed[c.year], dtype=float)
        # the composition (the total is checked by census_totals): clr residuals, and
        # replicated counts = the observed total times the replicated composition
        clr_expected = census.clr(expected)
        z = census.zero_sum_noise(noise, expected.shape, rng, window)
        replicate = np.log(observed.sum() * census.shares_from_clr(clr_expected + z))
        residual = census.clr(observed)[None] - clr_expected
        # what the census's age misreporting terms move (the old-age exaggeration and,
        # where the window has them, the cohort misreporting and the older cohorts'
        # misstatement), log expected over
        # expected without them (the total is kept; zero where no term reaches)
        moved = np.log(expected / _expected(run, est, c, misreporting=False)[0])
        for s, sex in enumerate(("male", "female")):
            for g, label in enumerate(window.age_group_labels):
                lo_age = edges[g]
                hi_age = edges[g + 1] - 1 if g + 1 < len(edges) else 100
                r = _band(residual[:, s, g])
                rep = _band(replicate[:, s, g])
                log_obs = float(np.log(observed[s, g]))
                rows.append(
                    {
                        "census": c.year,
                        "sex": sex,
                        "age_group": label,
                        "cohort_first": c.year - 1 - hi_age,
                        "cohort_last": c.year - 1 - lo_age,
                        "observed": observed[s, g],
                        "residual_lower": r[0],
                        "residual_median": r[1],
                        "residual_upper": r[2],
                        "replicate_lower": np.exp(rep[0]),
                        "replicate_upper": np.exp(rep[2]),
                        "inside_replicate_interval": rep[0] <= log_obs <= rep[2],
                        "noise_median": float(np.median(cell[:, g])),
                        "misreporting_median": float(np.median(moved[:, s, g])),
                    }
                )
    return pd.DataFrame(rows)


def census_totals(run, estimands=None) -> pd.DataFrame:
    """Each observed census's count against the sum of its replicated groups, and the
    latent population on its date."""
    window = run.window
    est = estimands if estimands is not None else run.estimands()
    rng = np.random.default_rng(SEED)
    rows = []
    for c in window.observed_censuses:
        expected, grouped = _expected(run, est, c)
        replicate = expected.sum(axis=(-2, -1)) * np.exp(
            census.total_error(window) * rng.normal(size=expected.shape[0])
        )
        latent = grouped.sum(axis=(-2, -1))
        observed = float(np.asarray(run.inputs.census_observed[c.year]).sum())
        lo, med, hi = _band(replicate)
        llo, lmed, lhi = _band(latent)
        rows.append(
            {
                "census": c.year,
                "observed": observed,
                "replicate_lower": lo,
                "replicate_median": med,
                "replicate_upper": hi,
                "latent_lower": llo,
                "latent_median": lmed,
                "latent_upper": lhi,
                "latent_minus_count_median": lmed - observed,
            }
        )
    return pd.DataFrame(rows)


def series_checks(run, estimands=None) -> pd.DataFrame:
    """Every registered and archival observation against its replicate (median and
    interval), and the share of replicates below the observation (near 0 or 1: a misfit).

    Computed once per run (its table and its figure both show it; the replicates are
    seeded, so a second computation would give the same numbers)."""
    cache: dict | None = getattr(run, "_cache", None)
    if cache is None or (estimands is not None and estimands is not cache.get("posterior")):
        return _series_checks(run, estimands)
    if "series_checks" not in cache:
        cache["series_checks"] = _series_checks(run, estimands)
    return cache["series_checks"].copy()


def _series_checks(run, estimands=None) -> pd.DataFrame:
    window = run.window
    est = estimands if estimands is not None else run.estimands()
    rng = np.random.default_rng(SEED)
    inputs = run.inputs
    rows = []

    def add(series, label, observed, replicate):
        lo, med, hi = _band(replicate)
        rows.append(
            {
                "series": series,
                "observation": label,
                "observed": observed,
                "replicate_lower": lo,
                "replicate_median": med,
                "replicate_upper": hi,
                "share_of_replicates_below": float(np.mean(replicate < observed)),
            }
        )

    births = est["births"].transpose("chain", "draw", "year").values.reshape(-1, len(window.years))
    deaths = est["deaths"].transpose("chain", "draw", "year").values.reshape(-1, len(window.years))
    pop = est["population"].transpose("chain", "draw", "date").values
    pop = pop.reshape(-1, pop.shape[-1])
    err = registration.error(window)
    for s in window.registration:
        if s.kind == "rates":
            mean_pop = person_years(pop)[:, 0]
            for event, flow in (("birth", births[:, 0]), ("death", deaths[:, 0])):
                if event not in inputs.registered_rates:
                    continue
                complete = _draws(run, registration.completeness_name(event, s))
                observed = inputs.registered_rates[event]
                rep = complete * flow / mean_pop
                rep = rep + err * observed * rng.normal(size=rep.shape)
                add("registered rate", f"{event} rate {s.years[0]} (per person)", observed, rep)
        else:
            excess_draws = est["excess_deaths"].transpose("chain", "draw", "cause", "year")
            excess_draws = excess_draws.values.reshape(-1, *excess_draws.shape[2:])
            civil = registration.civil_deaths(deaths, excess_draws, window)
            famine = registration.famine_deaths(excess_draws, window, s)
            for event, flow in (("birth", births), ("death", civil)):
                reg = inputs.registered_events.get(f"{event}s", {})
                complete = _draws(run, registration.completeness_name(event, s))
                r = None
                if event == "death" and famine is not None:
                    r = _draws(run, registration.famine_name(s))
                for year in sorted(reg):
                    k, t = list(s.year_list).index(year), window.index(year)
                    rep = registration.expected_events(
                        event,
                        complete[:, k],
                        flow[:, t],
                        None if famine is None else famine[:, t],
                        r,
                    )
                    rep = rep * np.exp(err * rng.normal(size=rep.shape))
                    add("registered events", f"{event}s {year}", reg[year], rep)
    if window.reconstructed_births is not None:
        # a scenario that leaves them out still shows them, as held out
        held_out = run.scenario.excludes(reconstruction.NAME)
        rate_error = reconstruction.rate_error(window)

        def held(out: bool, never: bool = False) -> str:
            """The label's note on an observation the fit did not see."""
            return "held out, never observed" if never else "held out" if out else ""

        def rate_rows(event, flow, rates, note, death=False):
            years = sorted(rates)
            if not years:
                return
            rep = reconstruction.expected_rates(flow, pop, years, window)
            err = reconstruction.death_rate_error(window) if death else rate_error
            rep = rep * np.exp(err * rng.normal(size=rep.shape))
            for k, year in enumerate(years):
                add(
                    "reconstructed",
                    f"{event} rate {year} (per person{'; ' + note if note else ''})",
                    rates[year],
                    rep[:, k],
                )

        rate_rows("birth", births, inputs.reconstructed_birth_rates, held(held_out))
        for first, last, share, count in inputs.reconstructed_births:
            rep = reconstruction.expected_total(births, first, last, share, window)
            rep = rep * np.exp(reconstruction.total_error(window) * rng.normal(size=rep.shape))
            label = f"births {first} ({share:.2f} of it) to {last}"
            add("reconstructed", label + (f" ({held(True)})" if held_out else ""), count, rep)
        observed = set(window.reconstructed_births.death_rate_years)
        dead = inputs.reconstructed_death_rates
        death_out = held_out or run.scenario.excludes(reconstruction.DEATHS)
        seen = {y: v for y, v in dead.items() if y in observed}
        rate_rows("death", deaths, seen, held(death_out), death=True)
        never = {y: v for y, v in dead.items() if y not in observed}
        rate_rows("death", deaths, never, held(True, never=True), death=True)
    names = archives.parameter_names(window, inputs)
    # a scenario that leaves the archives out has none of their parameters
    if inputs.archival and all(n in run.tree["posterior"] for n in names):
        params = {n: _draws(run, n) for n in (*names, *account_parameters(window))}
        expected = archives.expected(params, inputs, window)
        for i, (cause, first, last, count, label) in enumerate(inputs.archival):
            rep = expected[:, i] * np.exp(
                archives.error(window) * rng.normal(size=expected.shape[0])
            )
            years = str(first) if first == last else f"{first}-{last}"
            add("archival", f"{cause} {years}: {label[:60]}", count, rep)
    return pd.DataFrame(rows)
