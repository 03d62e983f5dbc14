"""Studies: each a model, the variables its convergence gate checks, and its outputs.

A study module provides ``NAME``, ``TITLE``, ``build(observations, scenario)``,
``PRIORS_USED``, ``PRIOR_VAR_NAMES``, ``diagnostic_vars(model)``,
``write_outputs(tree, manifest, directory, tables)`` and ``headline(directory)``.
"""

from __future__ import annotations

from types import ModuleType

from ..exceptions import StalinMortalityError
from . import engine_1927_1939, shortfall_1937

STUDIES: dict[str, ModuleType] = {
    engine_1927_1939.NAME: engine_1927_1939,
    shortfall_1937.NAME: shortfall_1937,
}
DEFAULT_STUDY = engine_1927_1939.NAME


def get(name: str) -> ModuleType:
    try:
        return STUDIES[name]
    except KeyError:
        raise StalinMortalityError(
            f"unknown study '{name}'; known: {', '.join(sorted(STUDIES))}"
        ) from None
