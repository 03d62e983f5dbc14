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

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("stalin_mortality")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

#: Where each public name lives.  Imported on first use (PEP 562), so that
#: ``import stalin_mortality`` and ``stalin-mortality --help`` do not load PyMC.
_WHERE = {
    "DEFAULT_SEED": "constants",
    "DEFAULT_WINDOW": "constants",
    "INTERVAL_KIND": "constants",
    "INTERVAL_PROB": "constants",
    "load_observations": "data",
    "LADDER": "estimands",
    "claims_table": "estimands",
    "compute_estimands": ("estimands", "compute"),
    "ConvergenceError": "exceptions",
    "DataValidationError": "exceptions",
    "ResultsError": "exceptions",
    "ScenarioError": "exceptions",
    "StalinMortalityError": "exceptions",
    "WindowError": "exceptions",
    "Diagnostics": "inference",
    "SamplerConfig": "inference",
    "diagnose": "inference",
    "fit": "inference",
    "Preconditioner": "precondition",
    "Inputs": "model.account",
    "make_inputs": "model.account",
    "simulate": "model.account",
    "build_model": "model.build",
    "prior_specs": "model.components",
    "excess_by_year_data": "plots",
    "ladder_data": "plots",
    "plot_excess_by_year": "plots",
    "plot_ladder": "plots",
    "plot_prior_posterior": "plots",
    "plot_pyramids": "plots",
    "plot_tfr": "plots",
    "prior_posterior_data": "plots",
    "pyramids_data": "plots",
    "tfr_data": "plots",
    "interval": "report",
    "summarise": "report",
    "Run": "results",
    "load_run": "results",
    "run": "results",
    "Scenario": "scenarios",
    "list_scenarios": "scenarios",
    "load_scenario": "scenarios",
    "Window": "window",
    "list_windows": "window",
    "load_window": "window",
}


def __getattr__(name: str):
    where = _WHERE.get(name)
    if where is None:
        try:  # a submodule, e.g. ``sm.estimands``
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError:
            raise AttributeError(f"module 'stalin_mortality' has no attribute {name!r}") from None
    module, attr = where if isinstance(where, tuple) else (where, name)
    value = getattr(importlib.import_module(f".{module}", __name__), attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))


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
    "Preconditioner",
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
