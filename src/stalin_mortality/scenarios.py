"""Scenarios: files of priors, and nothing else.

A scenario is a TOML file with a ``description`` and a ``[priors.NAME]`` table for each
prior it overrides::

    description = "Registration of 1926 deaths nearly complete"

    [priors.death_registration_completeness]
    distribution = "Beta"
    alpha = 300.0
    beta = 3.0

A scenario may also leave out whole observation series (a reading that does not trust or
does not know them, e.g. the archives before 1991)::

    [observations]
    exclude = ["archival"]        # or "registration", "reconstruction", or a census: "census_1937"

A scenario about priors only one window declares names it (``windows = ["1927_1959"]``);
used with another window it is an error, not a silent default.

The model's components declare their default priors by name
(:class:`~stalin_mortality.priors.PriorSpec`); a scenario overrides them by name and is
validated against the model it is used with (:meth:`Scenario.resolve`): an unknown name,
an unknown or discrete distribution, a missing or impossible parameter, a support that does
not fit the parameter (a probability outside [0, 1]) is a
:class:`~stalin_mortality.exceptions.ScenarioError` naming the file and the prior.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pymc_extras.prior import Prior

from .constants import SCENARIO_DIR
from .exceptions import ScenarioError
from .files import read_named_file
from .priors import PriorSpec, checked_prior

#: Observation series a scenario may leave out.
EXCLUDABLE = re.compile(r"archival|registration|reconstruction|reconstructed_deaths|census_\d{4}")


@dataclass(frozen=True)
class Scenario:
    """A named set of prior overrides (``overrides``: name -> table as written)."""

    name: str
    description: str
    overrides: dict[str, dict] = field(default_factory=dict)
    path: str | None = None
    text: str = ""
    exclude: tuple[str, ...] = ()  # observation series left out
    windows: tuple[str, ...] = ()  # the windows it is for (empty: any)

    @property
    def hash(self) -> str:
        """SHA-256 of what the scenario says (overrides and exclusions), not of its text."""
        said = self.overrides if not self.exclude else [self.overrides, list(self.exclude)]
        blob = json.dumps(said, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def excludes(self, series: str) -> bool:
        return series in self.exclude

    @property
    def where(self) -> str:
        return self.path or f"scenario '{self.name}'"

    def resolve(self, specs: dict[str, PriorSpec]) -> dict[str, Prior]:
        """The effective prior of every declared parameter: the default, or this scenario's
        override checked against its declaration.  A name the model does not declare is
        an error listing the known names."""
        unknown = sorted(set(self.overrides) - set(specs))
        if unknown:
            raise ScenarioError(
                f"{self.where}: unknown prior '{unknown[0]}' for this model; known priors: "
                f"{', '.join(sorted(specs))}"
            )
        out = {}
        for name, spec in specs.items():
            if name in self.overrides:
                out[name] = checked_prior(spec, self.overrides[name], self.where, probe=True)
            else:
                out[name] = spec.default()
        return out

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "path": self.path,
            "hash": self.hash,
            "overrides": self.overrides,
            "exclude": list(self.exclude),
            "text": self.text,
        }


def list_scenarios(directory: Path = SCENARIO_DIR) -> list[str]:
    return sorted(p.stem for p in Path(directory).glob("*.toml"))


def load_scenario(name_or_path: str | Path = "default", directory: Path = SCENARIO_DIR) -> Scenario:
    """Load a scenario by name (a file in ``models/scenarios/``) or by path."""
    path, text = read_named_file(name_or_path, directory, "scenario", ScenarioError)
    return scenario_from_text(text, path.stem, str(path))


def scenario_from_text(text: str, name: str, path: str | None = None) -> Scenario:
    """Parse a scenario file's text (as saved with a result)."""
    where = path or f"scenario '{name}'"
    try:
        content = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{where}: not valid TOML: {err}") from None
    unknown_keys = set(content) - {"description", "priors", "observations", "windows"}
    if unknown_keys:
        raise ScenarioError(
            f"{where}: unknown top-level key(s) {sorted(unknown_keys)}; a scenario holds "
            "'description', 'windows', [priors.NAME] tables and an [observations] table only"
        )
    windows = content.get("windows", [])
    if not isinstance(windows, list) or not all(isinstance(w, str) and w for w in windows):
        raise ScenarioError(f"{where}: 'windows' must be a list of window names, got {windows!r}")
    obs = content.get("observations", {})
    exclude = obs.get("exclude", []) if isinstance(obs, dict) else None
    if (
        not isinstance(obs, dict)
        or set(obs) - {"exclude"}
        or not isinstance(exclude, list)
        or not all(isinstance(e, str) and EXCLUDABLE.fullmatch(e) for e in exclude)
    ):
        raise ScenarioError(
            f"{where}: [observations] takes 'exclude', a list of 'archival', 'registration', "
            f"'reconstruction', 'reconstructed_deaths' or 'census_YEAR'; got {obs!r}"
        )
    overrides = content.get("priors", {})
    if not isinstance(overrides, dict) or not all(isinstance(v, dict) for v in overrides.values()):
        raise ScenarioError(f"{where}: 'priors' must be a table of [priors.NAME] tables")
    return Scenario(
        name,
        str(content.get("description", "")),
        overrides,
        path,
        text,
        tuple(exclude),
        tuple(windows),
    )
