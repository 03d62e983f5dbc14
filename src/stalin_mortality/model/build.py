"""Build the PyMC model of a window: ``build_model(observations, window, scenario)``.

The model's components (:mod:`.components`) declare their priors; the scenario is
validated against them (:meth:`~stalin_mortality.scenarios.Scenario.resolve`); the account's
parameters drive :func:`.account.simulate` (one ``pytensor.scan``); the observation
components add the likelihood of each source.  Quantities kept in the trace are few:
everything else is computed draw by draw by :mod:`stalin_mortality.estimands`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pymc as pm
import xarray as xr

from ..constants import SEXES
from ..exceptions import ScenarioError
from ..priors import PriorSpec, create_variable
from ..scenarios import Scenario
from ..window import N_AGES, Window
from . import account
from .components import ACCOUNT, OBSERVATION, census, initial, prior_specs


@dataclass
class BuildContext:
    """What the components see while adding themselves to the model."""

    window: Window
    inputs: account.Inputs
    specs: dict[str, PriorSpec]
    priors: dict
    exclude: tuple[str, ...] = ()  # observation series the scenario leaves out
    params: dict = field(default_factory=dict)
    out: dict | None = None

    def create(self, name: str):
        """The model variable of a declared prior (created on first use)."""
        if name not in self.params:
            self.params[name] = create_variable(self.specs[name], self.priors[name])
        return self.params[name]

    def observed(self, name: str, value) -> pm.Data:
        """The observed values of likelihood ``name`` as model data (``<name>_observed``),
        so a compiled model takes other data without recompiling (the calibration runs
        swap simulated data in: :func:`observed_data`)."""
        return pm.Data(f"{name}_observed", np.asarray(value, dtype=float))


def coords(window: Window, specs: dict[str, PriorSpec]) -> dict:
    out = {
        "sex": list(SEXES),
        "age": np.arange(N_AGES),
        "age_group": window.age_group_labels,
        "year": window.years,
        "date": window.dates,
        "cause": window.cause_names,
    }
    for c in window.causes:
        out[f"{c.name}_year"] = c.year_list
    cohorts = initial.cohort_groups(window)
    if cohorts is not None:
        out[f"census_{window.initial_census.year}_cohort"] = cohorts[1]
    bands = census.noise_bands(window)
    if bands is not None:
        out["census_noise_band"] = bands[1]
    misreported = census.cohort_misreporting_labels(window)
    if misreported:
        out["census_misreporting_cohort"] = misreported
    old_labels = initial.old_cohort_labels(window)
    if old_labels:
        out[f"census_{window.initial_census.year}_old_cohort"] = old_labels
    for d in window.deviations:
        if not d.weights:
            out[f"{d.name}_year"] = d.year_list
    for s in window.registration:
        if s.kind == "events":
            out[f"registration_year{s.completeness_suffix}"] = s.year_list
    if window.reconstructed_births is not None and window.reconstructed_births.rate_years:
        out["reconstructed_rate_year"] = list(window.reconstructed_births.rate_years)
    if window.reconstructed_births is not None and window.reconstructed_births.death_rate_years:
        out["reconstructed_death_rate_year"] = list(window.reconstructed_births.death_rate_years)
    return out


def build_model(
    observations: xr.Dataset,
    window: Window,
    scenario: Scenario,
    inputs: account.Inputs | None = None,
    priors: dict | None = None,
) -> pm.Model:
    """Build the cohort-component model of ``window``.

    Parameters
    ----------
    observations : xarray.Dataset
        From :func:`stalin_mortality.load_observations`.
    window : Window
        From :func:`stalin_mortality.load_window`.
    scenario : Scenario
        Priors, from :func:`stalin_mortality.load_scenario`; validated against the
        window's components (an unknown prior name is a ``ScenarioError``).
    inputs : Inputs, optional
        Use these instead of ``make_inputs(observations, window)`` (e.g. simulated
        observations in the recovery and calibration tests).
    """
    if scenario.windows and window.name not in scenario.windows:
        raise ScenarioError(
            f"{scenario.where}: scenario '{scenario.name}' is for window(s) "
            f"{', '.join(scenario.windows)}, not '{window.name}'"
        )
    inputs = inputs or account.make_inputs(observations, window)
    specs = prior_specs(window)
    unknown = [
        e
        for e in scenario.exclude
        if e.startswith("census_") and int(e[7:]) not in [c.year for c in window.observed_censuses]
    ]
    if unknown:
        raise ScenarioError(
            f"{scenario.where}: excludes {unknown[0]}, not an observed census of window "
            f"'{window.name}'"
        )
    ctx = BuildContext(
        window, inputs, specs, priors or scenario.resolve(specs), tuple(scenario.exclude)
    )
    with pm.Model(coords=coords(window, specs)) as model:
        for name in prior_specs(window, ACCOUNT):
            ctx.create(name)
        out = ctx.out = account.simulate(ctx.params, inputs, window)
        pm.Deterministic("excess_deaths", out["excess"], dims=("cause", "year"))
        pm.Deterministic("births", out["births"], dims="year")
        pm.Deterministic("lost_births", out["baseline_births"] - out["births"], dims="year")
        pm.Deterministic("population_total", out["population"].sum(axis=(-2, -1)), dims="date")
        pm.Deterministic(
            f"undercount_{window.initial_census.year}", (out["initial"] - inputs.initial).sum()
        )
        for component in OBSERVATION:
            component.add(ctx)
    return model


def observed_data(model: pm.Model) -> dict[str, np.ndarray]:
    """The observed values of ``model`` by data name (``<likelihood>_observed``): given to
    a model compiled on other data (nutpie's ``with_data``), they make it this model."""
    return {
        v.name: np.asarray(v.get_value())
        for v in model.data_vars
        if v.name is not None and v.name.endswith("_observed")
    }
