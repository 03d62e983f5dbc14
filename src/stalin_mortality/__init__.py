"""Bayesian estimation of excess mortality in the Soviet Union under Stalin (1927-1953).

The library turns the choices behind each published death toll into explicit priors
(scenarios) and the sources into explicit observation models (see ``docs/``).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("stalin_mortality")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
