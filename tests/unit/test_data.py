"""The data layer: exact totals, and a clear error for each kind of bad input."""

import warnings

import pytest

from stalin_mortality.data import (
    DataChangedWarning,
    census_totals,
    load_observations,
    load_tables,
    verify_registry,
)
from stalin_mortality.data.registry import write_registry
from stalin_mortality.exceptions import DataValidationError
from tests.conftest import edit_csv


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def test_census_totals_load_exactly(tables):
    t = census_totals(tables).sum("sex")
    assert int(t.sel(census=1926)) == 147_027_915
    assert int(t.sel(census=1937)) == 162_003_225
    assert int(t.sel(census=1939)) == 170_557_093
    assert int(t.sel(census=1959)) == 208_826_650
    ct = tables["census_totals.csv"].set_index(["census", "item", "sex"])["count"]
    assert ct[(1939, "published_total", "both")] == 170_467_186
    assert ct[(1937, "army_residual_adh", "both")] == 1_944_896
    ages = tables["census_age_sex.csv"]
    known = ages[(ages.census == 1937) & (ages.area == "total") & (ages.age != "unknown")]
    assert known["count"].sum() == 160_058_329


def test_observations_have_named_dims():
    obs = load_observations()
    assert obs["census_count"].dims == ("census", "sex", "age")
    # unknown ages spread pro rata: the age table total is preserved
    assert obs["census_count"].sel(census=1926).sum() == pytest.approx(147_027_915)
    rate = obs["registered_rate"].sel(rate_year=1926, measure="death_rate")
    assert float(rate) == pytest.approx(0.0203)
    assert float(obs["army"].sel(census=1937)) == 1_881_842
    assert set(obs["life_table_lx"]["life_table"].values) == {"1926-1927", "1938-1939", "1958-1959"}


def test_every_row_cites_a_known_source(tables):
    keys = set(tables["sources.csv"]["key"])
    for name, frame in tables.frames.items():
        if "source" in frame:
            assert set(frame["source"]) <= keys, name


def test_registry_matches_committed_data():
    from stalin_mortality.constants import DATA_DIR

    assert verify_registry(DATA_DIR) == []


def test_changed_file_is_reported(data_copy):
    edit_csv(data_copy / "fertility_1920_1929.csv", "1920,15-19,46.4", "1920,15-19,46.5")
    with pytest.warns(DataChangedWarning, match=r"fertility_1920_1929.csv: changed"):
        load_tables(data_copy)
    write_registry(data_copy)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_tables(data_copy)


def _error(data_copy) -> DataValidationError:
    with pytest.raises(DataValidationError) as info:
        load_tables(data_copy, check_registry=False)
    return info.value


def test_missing_column(data_copy):
    edit_csv(data_copy / "vital_rates.csv", "year,measure,kind,per_1000", "year,measure,kind,rate")
    err = _error(data_copy)
    assert (err.file, err.row) == ("vital_rates.csv", 1)
    assert "missing column(s) ['per_1000']" in str(err)


def test_non_numeric_count(data_copy):
    edit_csv(data_copy / "census_age_sex.csv", "1926,urban,male,0,364499", "1926,urban,male,0,364k")
    err = _error(data_copy)
    assert (err.file, err.row, err.column) == ("census_age_sex.csv", 2, "count")
    assert "'364k' is not a number" in str(err)


def test_negative_count(data_copy):
    edit_csv(
        data_copy / "census_age_sex.csv", "1926,urban,male,0,364499", "1926,urban,male,0,-364499"
    )
    err = _error(data_copy)
    assert (err.row, err.column) == (2, "count")
    assert "negative value" in str(err)


def test_duplicated_key(data_copy):
    path = data_copy / "vital_rates.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n")
    err = _error(data_copy)
    assert err.file == "vital_rates.csv" and err.row == len(lines) + 1
    assert "duplicated key" in str(err) and "first at row 2" in str(err)


def test_age_out_of_range(data_copy):
    edit_csv(data_copy / "census_age_sex.csv", "1926,urban,male,0,", "1926,urban,male,101,")
    err = _error(data_copy)
    assert (err.row, err.column) == (2, "age")
    assert "'101' out of range" in str(err)


def test_year_out_of_range(data_copy):
    edit_csv(
        data_copy / "vital_rates.csv", "1926,birth_rate,registered", "1896,birth_rate,registered"
    )
    err = _error(data_copy)
    assert (err.file, err.column) == ("vital_rates.csv", "year")
    assert "out of range (below 1920)" in str(err)


def test_census_year_out_of_range(data_copy):
    edit_csv(data_copy / "census_age_sex.csv", "1926,urban,male,0,", "1927,urban,male,0,")
    err = _error(data_copy)
    assert (err.row, err.column) == (2, "census")


def test_total_disagrees_with_parts(data_copy):
    edit_csv(
        data_copy / "census_totals.csv",
        "1937,1937-01-06,both,total,162003225",
        "1937,1937-01-06,both,total,162003226",
    )
    err = _error(data_copy)
    assert (err.file, err.column) == ("census_totals.csv", "count")
    assert "disagrees with the sum of its parts 162,003,225" in str(err)


def test_area_total_disagrees_with_urban_plus_rural(data_copy):
    edit_csv(
        data_copy / "census_age_sex.csv", "1926,urban,male,0,364499", "1926,urban,male,0,364500"
    )
    err = _error(data_copy)
    assert err.file == "census_age_sex.csv"
    assert "disagrees with urban + rural" in str(err) and "age 0" in str(err)


def test_age_table_disagrees_with_single_years(data_copy):
    edit_csv(
        data_copy / "census_totals.csv", "female,age_table,75984563", "female,age_table,75984564"
    )
    err = _error(data_copy)
    assert "disagrees with the sum of census_age_sex.csv" in str(err)


def test_unknown_source_key(data_copy):
    edit_csv(data_copy / "vital_rates.csv", ",tsu1929,p.39", ",tsu1930,p.39")
    err = _error(data_copy)
    assert (err.file, err.row, err.column) == ("vital_rates.csv", 2, "source")
    assert "unknown source key 'tsu1930'" in str(err)


def test_wrong_field_count(data_copy):
    edit_csv(data_copy / "vital_rates.csv", ",tsu1929,p.39", ",tsu1929,p.39,extra")
    err = _error(data_copy)
    assert "has 7 fields, the header has 6" in str(err)


def test_probability_above_one(data_copy):
    edit_csv(
        data_copy / "life_tables.csv",
        "1926-1927,male,0,100000,20102,0.20102",
        "1926-1927,male,0,100000,20102,1.20102",
    )
    err = _error(data_copy)
    assert (err.column, err.row) == ("qx", 2)


def test_sources_md_lists_every_key(tables):
    from stalin_mortality.constants import DATA_DIR

    text = (DATA_DIR / "SOURCES.md").read_text()
    missing = [k for k in tables["sources.csv"]["key"] if f"`{k}`" not in text]
    assert missing == []


def test_archival_counts_by_cause_and_year(tables):
    from stalin_mortality.data import archival_counts

    ac = archival_counts(tables)
    assert ac.dims == ("cause", "year")
    assert int(ac.sel(cause="gulag", year=1933)) == 67_297
    assert int(ac.sel(cause="gulag").sum()) == 1_606_742  # the yearly rows, 1930-1956
    assert int(ac.sel(cause="dekulakisation", year=1933)) == 151_600
    assert "executions" not in ac.cause  # only multi-year totals and sentences exist
