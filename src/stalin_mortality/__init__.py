"""Bayesian estimation of excess mortality in the Soviet Union under Stalin (1927-1953).

The library turns the choices behind each published death toll into explicit priors
(scenarios) and the sources into explicit observation models (see ``docs/``)::

    import stalin_mortality as sm

    run = sm.run("1927_1939", scenario="default", seed=20260101)
    run.summary()          # headline: median and 90% equal-tailed interval
    run.claims()           # published claims against the posterior
    run.save("results/default")
    sm.load_run("results/default").estimands()   # every estimand, by chain and draw

Step by step: :func:`load_observations`, :func:`load_window`, :func:`load_scenario`,
:func:`build_model`, :func:`fit`, :func:`compute_estimands`, :func:`summarise`,
:func:`claims_table` and the ``plot_*`` functions (each with a ``*_data`` twin).
"""

from importlib.metadata import PackageNotFoundError, version

from .constants import DEFAULT_SEED, DEFAULT_WINDOW, INTERVAL_KIND, INTERVAL_PROB
from .data import load_observations
from .estimands import LADDER, claims_table
from .estimands import compute as compute_estimands
from .exceptions import (
    ConvergenceError,
    DataValidationError,
    ResultsError,
    ScenarioError,
    StalinMortalityError,
    WindowError,
)
from .inference import Diagnostics, SamplerConfig, diagnose, fit
from .model.account import Inputs, make_inputs, simulate
from .model.build import build_model
from .model.components import prior_specs
from .plots import (
    excess_by_year_data,
    ladder_data,
    plot_excess_by_year,
    plot_ladder,
    plot_prior_posterior,
    plot_pyramids,
    plot_tfr,
    prior_posterior_data,
    pyramids_data,
    tfr_data,
)
from .report import interval, summarise
from .results import Run, load_run, run
from .scenarios import Scenario, list_scenarios, load_scenario
from .window import Window, list_windows, load_window

try:
    __version__ = version("stalin_mortality")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_WINDOW",
    "INTERVAL_KIND",
    "INTERVAL_PROB",
    "LADDER",
    "ConvergenceError",
    "DataValidationError",
    "Diagnostics",
    "Inputs",
    "ResultsError",
    "Run",
    "SamplerConfig",
    "Scenario",
    "ScenarioError",
    "StalinMortalityError",
    "Window",
    "WindowError",
    "__version__",
    "build_model",
    "claims_table",
    "compute_estimands",
    "diagnose",
    "excess_by_year_data",
    "fit",
    "interval",
    "ladder_data",
    "list_scenarios",
    "list_windows",
    "load_observations",
    "load_run",
    "load_scenario",
    "load_window",
    "make_inputs",
    "plot_excess_by_year",
    "plot_ladder",
    "plot_prior_posterior",
    "plot_pyramids",
    "plot_tfr",
    "prior_posterior_data",
    "prior_specs",
    "pyramids_data",
    "run",
    "simulate",
    "summarise",
    "tfr_data",
]
