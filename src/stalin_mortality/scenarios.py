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

import numpy as np
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
        "Beta",
        {"alpha": 398.0, "beta": 2.0},
        "Share of the true population the 1937 census counted (high quality; Kraval estimated "
        "300-400 thousand in transit uncounted): mean 0.995, sd 0.0035, a Beta whose density "
        "vanishes at 1 (a truncated normal piled mass at the bound and cost divergences).",
    ),
    "census_noise": (
        "HalfNormal",
        {"sigma": 0.005},
        "Relative error of a census total beyond coverage (tabulation, date shift).",
    ),
    # ---- the cohort-component engine (model/engine.py; docs/engine.md) ----
    "mortality_level": (
        "Normal",
        {"mu": 0.04, "sigma": 0.08},
        "Brass logit level alpha of baseline mortality in 1927 against the official 1926-27 "
        "table: alpha = 0 reproduces the table (baseline crude death rate 21.2 per 1000 on "
        "the 1927 population, near TsSU's registered 20.3); 0.14 gives 25.4, ADH's "
        "reconstruction. Centred between the two views, admitting both.",
    ),
    "mortality_slope": (
        "Normal",
        {"mu": 1.0, "sigma": 0.05},
        "Brass logit slope beta (1 = the standard table's age pattern).",
    ),
    "mortality_trend": (
        "Normal",
        {"mu": -0.015, "sigma": 0.01},
        "Yearly change of the Brass level without crises (the counterfactual improvement; "
        "-0.015 a year adds about 0.55 years of life expectancy at birth a year).",
    ),
    "tfr_1927": (
        "LogNormal",
        {"mu": 1.84, "sigma": 0.1},
        "Baseline total fertility rate of 1927 (median 6.3 = ADH's 1925-29 mean).",
    ),
    "tfr_trend": (
        "Normal",
        {"mu": -0.01, "sigma": 0.01},
        "Yearly change of log baseline TFR without crises (ADH: 6.6 in 1925 to 5.9 in 1929).",
    ),
    "fertility_collapse": (
        "Normal",
        {"mu": 0.0, "sigma": 0.3},
        "Crisis deviation of log TFR in each year 1930-35 (collectivisation and famine); "
        "symmetric, so the censuses decide its sign.",
    ),
    "undercount_1926_ages_0_2": (
        "Beta",
        {"alpha": 4.0, "beta": 60.0},
        "Share of children aged 0-2 the 1926 census missed (ADH: about 1 M of the 1.5 M "
        "undercount were infants and young children): mean 0.063, sd 0.03.",
    ),
    "undercount_1926_other_ages": (
        "Beta",
        {"alpha": 2.0, "beta": 400.0},
        "Share of persons aged 3+ the 1926 census missed: mean 0.005, sd 0.0035.",
    ),
    "coverage_1939": (
        "Beta",
        {"alpha": 398.0, "beta": 2.0},
        "Share of the true population the 1939 census counted before padding: mean 0.995, "
        "sd 0.0035 (a Beta, whose density vanishes at 1: no boundary for the sampler).",
    ),
    "padding_1939": (
        "HalfNormal",
        {"sigma": 0.03},
        "One-sided inflation of the 1939 count (share of the counted population added); "
        "weak: the censuses and the arithmetic decide.",
    ),
    "census_age_noise": (
        "LogNormal",
        {"mu": -3.0, "sigma": 0.5},
        "Relative error of a census count by sex and 5-year age group (age misreporting "
        "across group boundaries, heaping carried from 1926): median 5%, 90% within 2-11%. "
        "Not a half-normal: counts by age group are never within 1% of the truth, and at "
        "such noise the posterior is too narrow a ridge for NUTS (docs/sampling.md).",
    ),
    "death_registration_completeness_1931_33": (
        "Beta",
        {"alpha": 12.0, "beta": 4.0},
        "Registered / true deaths in each of 1931-33 (TsUNKhU); lower than 1926 because "
        "famine deaths went unregistered: mean 0.75, sd 0.11.",
    ),
    "birth_registration_completeness_1931_33": (
        "Beta",
        {"alpha": 20.0, "beta": 3.0},
        "Registered / true births in each of 1931-33 (TsUNKhU): mean 0.87, sd 0.07.",
    ),
    "famine_intensity": (
        "LogNormal",
        {"mu": [-1.4, 0.0, -2.3], "sigma": 0.8},
        "Famine of 1932-34: proportional increase of baseline hazards in 1932, 1933, 1934 "
        "(medians 0.25, 1.0, 0.1; 1.0 is about 4.5 M excess deaths in 1933).",
    ),
    "excess_dekulakisation": (
        "LogNormal",
        {"mu": 11.5, "sigma": 1.0},
        "Deaths of deported peasant families in each of 1930-33 (median 100 thousand).",
    ),
    "excess_executions": (
        "LogNormal",
        {"mu": 9.9, "sigma": 1.0},
        "Executions in each of 1930-38 (median 20 thousand; 90% of prior mass 4-100 thousand a "
        "year: weak beside the archives).",
    ),
    "excess_gulag": (
        "LogNormal",
        {"mu": 10.3, "sigma": 1.0},
        "Camp and colony deaths in each of 1930-38 (median 30 thousand, 90% within 6-155 "
        "thousand).",
    ),
    "excess_deportations": (
        "LogNormal",
        {"mu": 9.9, "sigma": 1.0},
        "Deaths of special settlers (after 1933) and deported nationalities in each of "
        "1930-38 (median 20 thousand, 90% within 4-100 thousand).",
    ),
    "excess_unattributed": (
        "LogNormal",
        {"mu": 11.5, "sigma": 1.0},
        "Excess deaths in each of 1927-38 that the censuses demand but no cause explains "
        "(median 100 thousand, 90% within 19-520 thousand).",
    ),
    "emigration_1930_33": (
        "LogNormal",
        {"mu": 12.2, "sigma": 0.7},
        "Net emigration 1930-33 (Kazakh flight to China and Central Asian borders; median "
        "200 thousand), spread evenly over the four years and all ages.",
    ),
    "archival_completeness_executions": (
        "Beta",
        {"alpha": 20.0, "beta": 2.0},
        "Recorded / true executions (summary shootings went unrecorded): mean 0.91.",
    ),
    "archival_completeness_gulag": (
        "Beta",
        {"alpha": 8.0, "beta": 2.0},
        "Recorded / true Gulag deaths (deaths soon after release, in transit, colonies in "
        "some years uncounted): mean 0.8, sd 0.12.",
    ),
    "archival_completeness_dekulakisation": (
        "Beta",
        {"alpha": 8.0, "beta": 2.0},
        "Recorded / true deaths of kulak special settlers: mean 0.8, sd 0.12.",
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


#: Priors on shares and probabilities: their support must lie inside [0, 1].
UNIT_INTERVAL = {
    name
    for name in DEFAULT_PRIORS
    if "completeness" in name or name.startswith(("coverage_", "undercount_1926_"))
}


def _check_unit_interval(name: str, dist: str, spec: dict, where: str) -> None:
    """A probability (> 1 or < 0) is impossible: the prior's support must be in [0, 1]."""
    if dist in ("Beta", "Kumaraswamy"):
        return
    lower, upper = spec.get("lower"), spec.get("upper")
    if dist in ("TruncatedNormal", "Uniform") and lower is not None and upper is not None:
        if np.all(np.asarray(lower) >= 0) and np.all(np.asarray(upper) <= 1):
            return
        raise ScenarioError(
            f"{where}: prior '{name}' is a probability: its bounds must lie in [0, 1], "
            f"got lower={lower}, upper={upper}"
        )
    raise ScenarioError(
        f"{where}: prior '{name}' is a probability: use Beta, or TruncatedNormal/Uniform with "
        f"lower and upper inside [0, 1] (got {dist})"
    )


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
        values = value if isinstance(value, list) else [value]
        if not values or any(isinstance(v, bool) or not isinstance(v, int | float) for v in values):
            raise ScenarioError(
                f"{where}: prior '{name}': parameter '{key}' must be a number or a list of "
                f"numbers (one per year), got {value!r}"
            )
        if not all(np.isfinite(values)):
            raise ScenarioError(f"{where}: prior '{name}': parameter '{key}' must be finite")
        if key in _POSITIVE and min(values) <= 0:
            raise ScenarioError(
                f"{where}: prior '{name}': parameter '{key}' must be positive, got {value}"
            )
        if isinstance(value, list):
            spec[key] = np.asarray(value, dtype=float)
    if "lower" in spec and "upper" in spec and np.any(spec["lower"] >= spec["upper"]):
        raise ScenarioError(f"{where}: prior '{name}': lower must be below upper")
    if name in UNIT_INTERVAL:
        _check_unit_interval(name, dist, spec, where)
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
