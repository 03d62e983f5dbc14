"""Load ``data/`` into validated tables and into ``xarray`` observations with named dims.

Treatment of special rows (see ``census_totals.csv``, column ``treatment``):

- persons of unknown age are spread pro rata over the known ages of the same sex;
- the 1937 army and border guards counted separately (1,881,842 = census total
  162,003,225 minus the age table 160,058,329 minus 63,054 of unknown age) are added to
  males; ADH 1993 p.27 give the gap as 1,944,896 because they count the unknown-age
  persons in it, so both readings give the same total.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from ..constants import CENSUSES, DATA_DIR, MAX_AGE, SEXES
from .registry import checksums, verify_registry
from .schema import SCHEMAS
from .validate import check_archival, check_census_totals, check_life_tables, read_table


class DataChangedWarning(UserWarning):
    """A data file differs from its registered checksum."""


def data_dir(path: str | Path | None = None) -> Path:
    """The data folder: ``path``, else ``$STALIN_MORTALITY_DATA``, else the checkout's ``data/``."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get("STALIN_MORTALITY_DATA", DATA_DIR))


@dataclass
class Tables:
    """The validated tables of ``data/``, one DataFrame per file, and their checksums."""

    frames: dict[str, pd.DataFrame]
    checksums: dict[str, str]
    directory: Path

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]


def load_tables(path: str | Path | None = None, *, check_registry: bool = True) -> Tables:
    """Read and validate every file of ``data/``.

    Raises
    ------
    DataValidationError
        naming the file, row, column and problem, for the first problem found.
    """
    directory = data_dir(path)
    sources = read_table(directory / "sources.csv", SCHEMAS["sources.csv"])
    keys = set(sources["key"])
    frames = {"sources.csv": sources}
    for name, schema in SCHEMAS.items():
        if name != "sources.csv":
            frames[name] = read_table(directory / name, schema, keys)
    check_census_totals(frames["census_age_sex.csv"], frames["census_totals.csv"])
    check_life_tables(frames["life_tables.csv"])
    check_archival(frames["archival_counts.csv"])
    if check_registry:
        for problem in verify_registry(directory):
            warnings.warn(f"data/{problem}", DataChangedWarning, stacklevel=2)
    return Tables(frames, checksums(directory), directory)


def census_counts(tables: Tables) -> xr.DataArray:
    """Census counts by ``census``, ``sex`` and ``age`` (0..99, 100 = 100+), whole USSR.

    Unknown ages are spread pro rata over known ages; the 1937 army is *not* included
    here (see :func:`census_totals`), since its ages were not tabulated.
    """
    df = tables["census_age_sex.csv"]
    df = df[df.area == "total"]
    out = np.zeros((len(CENSUSES), len(SEXES), MAX_AGE + 1))
    for i, c in enumerate(CENSUSES):
        for j, s in enumerate(SEXES):
            g = df[(df.census == c) & (df.sex == s)].set_index("age")["count"]
            known = np.array([g[str(a)] for a in range(MAX_AGE)] + [g["100+"]], dtype=float)
            out[i, j] = known * (1.0 + g["unknown"] / known.sum())
    return xr.DataArray(
        out,
        dims=("census", "sex", "age"),
        coords={"census": list(CENSUSES), "sex": list(SEXES), "age": np.arange(MAX_AGE + 1)},
        name="census_count",
        attrs={"units": "persons"},
    )


def census_totals(tables: Tables) -> xr.DataArray:
    """Enumerated population by ``census`` and ``sex``, including the 1937 army (as males)."""
    t = tables["census_totals.csv"]
    parts = t[t.part_of_total == "yes"]
    values = np.array(
        [
            [parts[(parts.census == c) & (parts.sex == s)]["count"].sum() for s in SEXES]
            for c in CENSUSES
        ],
        dtype=float,
    )
    return xr.DataArray(
        values,
        dims=("census", "sex"),
        coords={"census": list(CENSUSES), "sex": list(SEXES)},
        name="census_total",
        attrs={"units": "persons"},
    )


def life_table(tables: Tables, period: str = "1926-1927") -> xr.Dataset:
    """One official life table as a Dataset of ``lx``, ``dx``, ``qx``, ``Lx``, ``Tx`` and ``ex``
    by ``sex`` and ``age``."""
    lt = tables["life_tables.csv"]
    lt = lt[lt.period == period]
    data = {}
    for col in ("lx", "dx", "qx", "Lx", "Tx", "ex"):
        data[col] = (
            ("sex", "age"),
            np.array([lt[lt.sex == s].sort_values("age")[col].to_numpy() for s in SEXES]),
        )
    return xr.Dataset(
        data, coords={"sex": list(SEXES), "age": np.arange(MAX_AGE + 1)}
    ).assign_attrs(period=period)


def vital_rates(tables: Tables) -> pd.DataFrame:
    """Crude rates per person-year (not per 1000), indexed by year, measure and kind."""
    vr = tables["vital_rates.csv"].copy()
    vr["rate"] = vr["per_1000"] / 1000.0
    return vr.set_index(["year", "measure", "kind"])["rate"]


def archival_counts(tables: Tables) -> xr.DataArray:
    """Archival death counts by ``cause`` and ``year`` (single-year rows of ``measure`` =
    deaths only; NaN where none).

    Multi-year totals (e.g. executions 1921-1953) stay in the table, since they cannot be
    placed in one year; see ``archival_counts.csv``.
    """
    ac = tables["archival_counts.csv"]
    yearly = ac[(ac.year_start == ac.year_end) & (ac.measure == "deaths")]
    causes = sorted(yearly.cause.unique())
    years = np.arange(int(yearly.year_start.min()), int(yearly.year_start.max()) + 1)
    out = xr.DataArray(
        np.full((len(causes), len(years)), np.nan),
        dims=("cause", "year"),
        coords={"cause": causes, "year": years},
        name="archival_deaths",
        attrs={"units": "persons"},
    )
    for r in yearly.itertuples():
        out.loc[{"cause": r.cause, "year": r.year_start}] = r.count
    return out


def archival_records(tables: Tables) -> xr.DataArray:
    """Every archival count (single years and spans, any ``measure``) along ``record``, with
    ``record_cause``, ``record_year_start``, ``record_year_end``, ``record_measure`` and
    ``record_label`` as coordinates."""
    ac = tables["archival_counts.csv"].reset_index(drop=True)
    return xr.DataArray(
        ac["count"].to_numpy(dtype=float),
        dims="record",
        coords={
            "record": np.arange(len(ac)),
            "record_cause": ("record", ac["cause"].astype(str).to_numpy()),
            "record_year_start": ("record", ac["year_start"].astype(int).to_numpy()),
            "record_year_end": ("record", ac["year_end"].astype(int).to_numpy()),
            "record_measure": ("record", ac["measure"].astype(str).to_numpy()),
            "record_label": ("record", ac["coverage"].astype(str).to_numpy()),
        },
        name="archival_records",
        attrs={"units": "persons"},
    )


def _pivot(frame, index: str, values: str, dims: tuple, name: str, **attrs) -> xr.DataArray:
    """``frame`` pivoted to ``index`` x ``year`` (NaN where no row) as a DataArray."""
    table = frame.pivot(index=index, columns="year", values=values).astype(float)
    return xr.DataArray(
        table.to_numpy(),
        dims=dims,
        coords={dims[0]: list(table.index), dims[1]: list(table.columns)},
        name=name,
        attrs=attrs,
    )


def custodial_stocks(tables: Tables) -> xr.DataArray:
    """Average population of each custodial series by ``stock_cause`` and ``stock_year``
    (NaN where none): the people whose recorded deaths the archival series counts."""
    return _pivot(
        tables["custodial_stocks.csv"],
        "cause",
        "stock",
        ("stock_cause", "stock_year"),
        "custodial_stock",
        units="persons",
        description="average population of the series",
    )


def registered_events(tables: Tables) -> xr.DataArray:
    """Registered births and deaths by ``event`` and ``year`` (TsUNKhU 1931-33)."""
    return _pivot(
        tables["vital_events.csv"],
        "event",
        "count",
        ("event", "year_registered"),
        "registered_events",
        units="persons",
    )


def fertility_rates(tables: Tables) -> xr.DataArray:
    """Age-specific fertility rates (births per woman-year) by ``fertility_year`` and
    ``age_group`` (e.g. ``"20-24"``), 1920-1929 (ADH 1993)."""
    f = tables["fertility_1920_1929.csv"]
    table = f.pivot(index="year", columns="age_group", values="births_per_1000_women")
    return xr.DataArray(
        table.to_numpy(dtype=float) / 1000.0,
        dims=("fertility_year", "fertility_age_group"),
        coords={
            "fertility_year": list(table.index),
            "fertility_age_group": [str(c) for c in table.columns],
        },
        name="asfr",
        attrs={"units": "births per woman-year"},
    )


def registered_rates(tables: Tables) -> xr.DataArray:
    """Registered crude rates per person-year by ``rate_year`` and ``measure``
    (``birth_rate``, ``death_rate``); NaN where none."""
    return _crude_rates(tables, "registered", "rate_year")


def reconstructed_rates(tables: Tables) -> xr.DataArray:
    """Reconstructed crude rates per person-year (ADH 1993) by ``reconstructed_rate_year``
    and ``measure``; NaN where none."""
    return _crude_rates(tables, "reconstructed", "reconstructed_rate_year")


def _crude_rates(tables: Tables, kind: str, dim: str) -> xr.DataArray:
    """``vital_rates.csv``'s rows of ``kind`` per person-year, by ``dim`` and ``measure``."""
    vr = tables["vital_rates.csv"]
    rows = vr[vr.kind == kind]
    table = rows.pivot(index="year", columns="measure", values="per_1000").astype(float) / 1000
    return xr.DataArray(
        table.to_numpy(),
        dims=(dim, "measure"),
        coords={dim: list(table.index), "measure": [str(c) for c in table.columns]},
        name=f"{kind}_rate",
        attrs={"units": "per person-year"},
    )


def births_reconstructed(tables: Tables) -> xr.DataArray:
    """Births over several years from a reconstruction (``births_reconstructed.csv``), along
    ``births_period`` ("1941-1945") with the years and the first year's covered share."""
    br = tables["births_reconstructed.csv"].sort_values(["first_year", "last_year"])
    first = br["first_year"].astype(int).tolist()
    last = br["last_year"].astype(int).tolist()
    return xr.DataArray(
        br["births"].to_numpy(dtype=float),
        dims="births_period",
        coords={
            "births_period": [f"{a}-{b}" for a, b in zip(first, last, strict=True)],
            "births_first_year": ("births_period", first),
            "births_last_year": ("births_period", last),
            "births_first_year_share": (
                "births_period",
                br["first_year_share"].to_numpy(dtype=float),
            ),
        },
        name="births_reconstructed",
        attrs={"units": "persons"},
    )


def load_observations(path: str | Path | None = None) -> xr.Dataset:
    """The observations the models use, as one ``xarray.Dataset`` with named dims."""
    return observations_from(load_tables(path))


def observations_from(tables: Tables) -> xr.Dataset:
    """:func:`load_observations` for tables already loaded and validated."""
    ds = xr.Dataset(
        {
            "census_count": census_counts(tables),
            "census_total": census_totals(tables),
        }
    )
    periods = sorted(tables["life_tables.csv"]["period"].unique())
    lts = [life_table(tables, p) for p in periods]
    for col in ("lx", "qx", "Lx", "Tx"):
        ds[f"life_table_{col}"] = xr.concat(
            [lt[col] for lt in lts], dim="life_table"
        ).assign_coords(life_table=periods)
    ds["registered_rate"] = registered_rates(tables)
    ds["archival_deaths"] = archival_counts(tables)
    ds["archival_records"] = archival_records(tables)
    ds["registered_events"] = registered_events(tables)
    ds["reconstructed_rate"] = reconstructed_rates(tables)
    ds["births_reconstructed"] = births_reconstructed(tables)
    ds["custodial_stock"] = custodial_stocks(tables)
    ds["asfr"] = fertility_rates(tables)
    t = tables["census_totals.csv"]
    army = t[t.item == "army_counted_separately"].groupby("census")["count"].sum()
    ds["army"] = xr.DataArray(
        [float(army.get(c, 0.0)) for c in CENSUSES],
        dims="census",
        coords={"census": list(CENSUSES)},
        attrs={"units": "persons", "description": "army and border guards counted separately"},
    )
    ds.attrs["data_checksums"] = ";".join(f"{k}={v}" for k, v in sorted(tables.checksums.items()))
    return ds
