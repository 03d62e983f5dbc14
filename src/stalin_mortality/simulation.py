"""Simulated data from the model's own generative code: truths for recovery and calibration.

A draw of every free parameter is a truth.  :func:`simulate_inputs` turns it into a
population with :func:`~stalin_mortality.model.account.simulate` and into observations with
the observation models' own errors (census noise by age group, coverage and padding;
registration completeness and error; archival completeness and error; a reconstruction's
rates and totals with their errors).  A model built with
these inputs (``build_model(..., inputs=sim)``) is fitted to data whose truth is known.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pymc as pm

from .model import account
from .model.components import (
    account_parameters,
    archives,
    census,
    reconstruction,
    registration,
)
from .window import Window


def draw_truth(model: pm.Model, seed: int, accept=None, attempts: int = 50) -> dict:
    """A draw of every free parameter of ``model`` from its prior; with ``accept`` (a
    function of the draw), the first of up to ``attempts`` draws it accepts."""
    names = [v.name for v in model.free_RVs]
    for attempt in range(attempts):
        values = pm.draw([model[n] for n in names], random_seed=seed + 1000 * attempt)
        truth = {n: np.asarray(v, dtype=float) for n, v in zip(names, values, strict=True)}
        if accept is None or accept(truth):
            return truth
    raise RuntimeError(f"no acceptable prior draw in {attempts} attempts (seed {seed})")


def truth_params(truth: dict, window: Window) -> dict:
    """The truth as the numpy account takes it (one leading draw), padding included."""
    names = account_parameters(window)
    for c in window.observed_censuses:
        if c.padding:
            names += [f"padding_{c.year}", f"coverage_{c.year}"]
    return {k: np.asarray(truth[k])[None] for k in names}


def simulate_inputs(
    truth: dict,
    inputs: account.Inputs,
    window: Window,
    rng: np.random.Generator,
    census_hook: Callable | None = None,
) -> account.Inputs:
    """Observations generated from ``truth`` through the observation models.

    ``census_hook(census, population, truth)``, given a census and the true population on
    its date ``[sex, single year of age]``, returns the grouped population and the truth the
    census's observation model sees: a census that errs in a way the model does not know
    (the misspecification experiments of :mod:`stalin_mortality.calibration`)."""
    params = {k: np.asarray(truth[k])[None] for k in account_parameters(window)}
    out = account.simulate(params, inputs, window)
    counts = {}
    for c in window.observed_censuses:
        single = window.census_population(out["population"][0], c, out["births"][0])
        if census_hook is None:
            true, seen = window.group_ages(single), truth
        else:
            true, seen = census_hook(c, single, truth)
        counts[c.year] = census.simulate(seen, window, c, true, rng)
    err = registration.error(window)
    rates, events = {}, {}
    for series in window.registration:
        if series.kind == "rates":
            mean_pop = 0.5 * out["population"][0, :2].sum(axis=(-2, -1)).sum()
            for event, flow in (("birth", out["births"][0, 0]), ("death", out["deaths"][0, 0])):
                complete = truth[registration.completeness_name(event, series)]
                rates[event] = float(complete * flow / mean_pop) * (1 + err * rng.normal())
        else:
            civil = registration.civil_deaths(out["deaths"][0], out["excess"][0], window)
            famine = registration.famine_deaths(out["excess"][0], window, series)
            idx = [window.index(y) for y in series.year_list]
            for event, flow in (("birth", out["births"][0]), ("death", civil)):
                complete = registration.yearly_completeness(
                    truth[registration.level_name(event, series)],
                    np.asarray(truth[registration.year_name(event, series)]),
                )
                expected = registration.expected_events(
                    event,
                    complete,
                    flow[idx],
                    None if famine is None else famine[idx],
                    truth.get(registration.famine_name(series)),
                )
                events[f"{event}s"] = {
                    int(y): float(expected[i]) * float(np.exp(err * rng.normal()))
                    for i, y in enumerate(series.year_list)
                }
    archival = []
    if inputs.archival:
        recorded = archives.expected(truth, inputs, window)
        for i, (cause, y0, y1, _, label) in enumerate(inputs.archival):
            noise_ = np.exp(archives.error(window) * rng.normal())
            archival.append((cause, y0, y1, float(recorded[i] * noise_), label))
    return dataclasses.replace(
        inputs,
        census_observed=counts,
        registered_rates=rates,
        registered_events=events,
        archival=archival,
        **_reconstructed(out, inputs, window, rng),
    )


def _reconstructed(out: dict, inputs: account.Inputs, window: Window, rng) -> dict:
    """A reconstruction's rates and totals (``[reconstructed_births]``) from the simulated
    account, each with the model's log-normal error; the held-out death rates too, so a
    check of them sees the truth's, not the real data's."""
    if window.reconstructed_births is None:
        return {}
    births, deaths = out["births"][0], out["deaths"][0]
    pop = out["population"][0].sum(axis=(-2, -1))

    def rates(flow, years, sigma) -> dict:
        years = sorted(years)
        mu = reconstruction.expected_rates(flow, pop, years, window)
        return {y: float(mu[k] * np.exp(sigma * rng.normal())) for k, y in enumerate(years)}

    totals = [
        (
            first,
            last,
            share,
            float(
                reconstruction.expected_total(births, first, last, share, window)
                * np.exp(reconstruction.total_error(window) * rng.normal())
            ),
        )
        for first, last, share, _ in inputs.reconstructed_births
    ]
    return dict(
        reconstructed_birth_rates=rates(
            births, inputs.reconstructed_birth_rates, reconstruction.rate_error(window)
        ),
        reconstructed_death_rates=rates(
            deaths, inputs.reconstructed_death_rates, reconstruction.death_rate_error(window)
        ),
        reconstructed_births=totals,
    )
