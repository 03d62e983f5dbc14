"""Studies the command line runs: ``engine`` (a window of the cohort-component account, the
default; :mod:`stalin_mortality.results`) and ``shortfall_1937`` (the 1937 census shortfall
on total population, the library's first study)."""

from __future__ import annotations

STUDIES = ("engine", "shortfall_1937")
DEFAULT_STUDY = "engine"
