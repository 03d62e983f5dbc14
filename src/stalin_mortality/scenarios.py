"""Scenarios: files of priors, and nothing else.

A scenario is a TOML file with a ``description`` and a ``[priors.NAME]`` table for each
prior it overrides::

    description = "Registration of 1926 deaths nearly complete"

    [priors.death_registration_completeness]
    distribution = "Beta"
    alpha = 300.0
    beta = 3.0

Each model component declares its default priors by name (:data:`DEFAULT_PRIORS`); a
scenario overrides them by name. An unknown name, an unknown distribution, a missing or
impossible parameter is a :class:`~stalin_mortality.exceptions.ScenarioError` that names
the file and the problem.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pymc as pm
from pymc_extras.prior import Prior

from .constants import SCENARIO_DIR
from .exceptions import ScenarioError

#: Parameters that must be strictly positive, whatever the distribution.
_POSITIVE = {"sigma", "tau", "alpha", "beta", "lam", "nu", "b", "kappa", "sd", "mu_sigma"}

#: Default priors of every component, by parameter name: (distribution, parameters, why).
#: Rates are per person-year; fractions are fractions (0.01 = 1%).
DEFAULT_PRIORS: dict[str, tuple[str, dict, str]] = {
    "undercount_1926": (
        "TruncatedNormal",
        {"mu": 0.01, "sigma": 0.01, "lower": 0.0, "upper": 0.1},
        "Share of the true 1 Jan 1927 population the 1926 census missed, by sex. ADH 1993 "
        "correct by about 1.5 M (1.0%), concentrated in ages 0-2 and Central Asian women.",
    ),
    "birth_registration_completeness": (
        "Beta",
        {"alpha": 60.0, "beta": 3.0},
        "Registered 1926 births / true births. TsSU registered 44.0 per 1000, ADH reconstruct "
        "45.6 (completeness 0.96); prior mean 0.95, sd 0.03.",
    ),
    "death_registration_completeness": (
        "Beta",
        {"alpha": 17.0, "beta": 3.0},
        "Registered 1926 deaths / true deaths. TsSU 20.3 per 1000 vs ADH 25.5 (about 20% "
        "missed); weakly informative: mean 0.85, sd 0.08, admitting both views.",
    ),
    "birth_rate_1926": (
        "LogNormal",
        {"mu": -3.1, "sigma": 0.25},
        "True crude birth rate of 1926 (per person-year); wide: median 45 per 1000.",
    ),
    "death_rate_1926": (
        "LogNormal",
        {"mu": -3.7, "sigma": 0.3},
        "True crude death rate of 1926 (per person-year); wide: median 25 per 1000.",
    ),
    "birth_rate_trend": (
        "Normal",
        {"mu": -0.01, "sigma": 0.01},
        "Yearly change of log baseline birth rate 1927-36 without the crises (slow decline "
        "with urbanisation).",
    ),
    "death_rate_trend": (
        "Normal",
        {"mu": -0.015, "sigma": 0.01},
        "Yearly change of log baseline death rate 1927-36 without the crises (the "
        "counterfactual improvement).",
    ),
    "sex_ratio_at_birth": (
        "Normal",
        {"mu": 1.05, "sigma": 0.01},
        "Male births per female birth.",
    ),
    "coverage_1937": (
        "TruncatedNormal",
        {"mu": 0.995, "sigma": 0.005, "lower": 0.95, "upper": 1.0},
        "Share of the true population the 1937 census counted (high quality; Kraval estimated "
        "300-400 thousand in transit uncounted).",
    ),
    "census_noise": (
        "HalfNormal",
        {"sigma": 0.005},
        "Relative error of a census total beyond coverage (tabulation, date shift).",
    ),
}


@dataclass(frozen=True)
class Scenario:
    """A named set of priors: the defaults with the scenario's overrides applied."""

    name: str
    description: str
    priors: dict[str, Prior]
    overrides: dict[str, dict] = field(default_factory=dict)
    path: str | None = None

    def prior(self, name: str) -> Prior:
        return self.priors[name]

    @property
    def hash(self) -> str:
        """SHA-256 of the effective priors (what the model sees), not of the file's text."""
        blob = json.dumps({k: v.to_dict() for k, v in sorted(self.priors.items())}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "path": self.path,
            "hash": self.hash,
            "overrides": self.overrides,
            "priors": {k: v.to_dict() for k, v in sorted(self.priors.items())},
        }


def make_prior(name: str, spec: dict, where: str) -> Prior:
    """Turn ``{"distribution": ..., **parameters}`` into a checked :class:`Prior`."""
    if not isinstance(spec, dict):
        raise ScenarioError(f"{where}: prior '{name}' must be a table, got {spec!r}")
    spec = dict(spec)
    dist = spec.pop("distribution", None)
    if dist is None:
        raise ScenarioError(f"{where}: prior '{name}' has no 'distribution'")
    if not isinstance(getattr(pm, str(dist), None), type) or not hasattr(getattr(pm, dist), "dist"):
        raise ScenarioError(f"{where}: prior '{name}': unknown distribution '{dist}'")
    for key, value in spec.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ScenarioError(
                f"{where}: prior '{name}': parameter '{key}' must be a number, got {value!r}"
            )
        if key in _POSITIVE and value <= 0:
            raise ScenarioError(
                f"{where}: prior '{name}': parameter '{key}' must be positive, got {value}"
            )
    if "lower" in spec and "upper" in spec and spec["lower"] >= spec["upper"]:
        raise ScenarioError(f"{where}: prior '{name}': lower must be below upper")
    try:
        getattr(pm, dist).dist(**spec)
    except (TypeError, ValueError) as err:
        raise ScenarioError(f"{where}: prior '{name}': {dist}({spec}) is invalid: {err}") from None
    return Prior(dist, **spec)


def default_scenario() -> Scenario:
    priors = {
        k: make_prior(k, {"distribution": d, **p}, "defaults")
        for k, (d, p, _) in DEFAULT_PRIORS.items()
    }
    return Scenario("default", "Weakly informative defaults", priors)


def list_scenarios(directory: Path = SCENARIO_DIR) -> list[str]:
    return sorted(p.stem for p in Path(directory).glob("*.toml"))


def load_scenario(name_or_path: str | Path = "default", directory: Path = SCENARIO_DIR) -> Scenario:
    """Load a scenario by name (a file in ``models/scenarios/``) or by path."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = Path(directory) / f"{name_or_path}.toml"
        if not path.exists():
            raise ScenarioError(
                f"unknown scenario '{name_or_path}'; known: {', '.join(list_scenarios(directory))}"
            )
    if not path.exists():
        raise ScenarioError(f"{path}: scenario file not found")
    try:
        content = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ScenarioError(f"{path}: not valid TOML: {err}") from None
    unknown_keys = set(content) - {"description", "priors"}
    if unknown_keys:
        raise ScenarioError(
            f"{path}: unknown top-level key(s) {sorted(unknown_keys)}; a scenario holds "
            "'description' and [priors.NAME] tables only"
        )
    overrides = content.get("priors", {})
    if not isinstance(overrides, dict):
        raise ScenarioError(f"{path}: 'priors' must be a table of [priors.NAME] tables")
    base = default_scenario()
    priors = dict(base.priors)
    for name, spec in overrides.items():
        if name not in DEFAULT_PRIORS:
            raise ScenarioError(
                f"{path}: unknown prior '{name}'; known priors: {', '.join(sorted(DEFAULT_PRIORS))}"
            )
        priors[name] = make_prior(name, spec, str(path))
    return Scenario(path.stem, str(content.get("description", "")), priors, overrides, str(path))
