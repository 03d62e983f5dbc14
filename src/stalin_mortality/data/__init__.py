"""The data layer: registry, validated tables, and observations as ``xarray`` objects."""

from .load import (
    DataChangedWarning,
    Tables,
    archival_counts,
    census_counts,
    census_totals,
    data_dir,
    life_table,
    load_observations,
    load_tables,
    observations_from,
    vital_rates,
)
from .registry import checksums, verify_registry, write_registry

__all__ = [
    "DataChangedWarning",
    "Tables",
    "archival_counts",
    "census_counts",
    "census_totals",
    "checksums",
    "data_dir",
    "life_table",
    "load_observations",
    "load_tables",
    "observations_from",
    "verify_registry",
    "vital_rates",
    "write_registry",
]
