"""Declarative schemas of the files in ``data/``: columns, types, keys and allowed values."""

from __future__ import annotations

from dataclasses import dataclass, field

AGES = (*tuple(str(a) for a in range(100)), "100+", "unknown")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "str"  # "str", "int" (non-negative integer), "float" (non-negative), "year"
    allowed: tuple[str, ...] | None = None
    optional: bool = False  # may be empty
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Schema:
    file: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str
    has_source: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


SEX = Column("sex", allowed=("male", "female"))
SOURCE = Column("source")

SCHEMAS: dict[str, Schema] = {
    s.file: s
    for s in [
        Schema(
            "census_age_sex.csv",
            (
                Column("census", "year", allowed=("1926", "1937", "1939", "1959")),
                Column("area", allowed=("urban", "rural", "total")),
                SEX,
                Column("age", allowed=AGES),
                Column("count", "int"),
                SOURCE,
            ),
            key=("census", "area", "sex", "age"),
            description="Census counts by sex, single year of age and area",
        ),
        Schema(
            "census_totals.csv",
            (
                Column("census", "year", allowed=("1926", "1937", "1939", "1959")),
                Column("date"),
                Column("sex", allowed=("male", "female", "both")),
                Column("item"),
                Column("count", "int"),
                Column("part_of_total", allowed=("yes", "no")),
                SOURCE,
                Column("what"),
                Column("treatment"),
            ),
            key=("census", "sex", "item"),
            description="Census totals and special counts, and how each is treated",
        ),
        Schema(
            "life_tables.csv",
            (
                Column("period", allowed=("1926-1927", "1938-1939", "1958-1959")),
                SEX,
                Column("age", "int", maximum=100),
                Column("lx", "float"),
                Column("dx", "float"),
                Column("qx", "float", maximum=1.0),
                Column("px", "float", maximum=1.0),
                Column("Lx", "float"),
                Column("Tx", "float"),
                Column("ex", "float"),
                SOURCE,
            ),
            key=("period", "sex", "age"),
            description="Official USSR life tables by sex and single year of age",
        ),
        Schema(
            "fertility_1920_1929.csv",
            (
                Column("year", "year", minimum=1920, maximum=1929),
                Column(
                    "age_group",
                    allowed=(
                        "15-19",
                        "20-24",
                        "25-29",
                        "30-34",
                        "35-39",
                        "40-44",
                        "45-49",
                        "50-54",
                    ),
                ),
                Column("births_per_1000_women", "float", maximum=1000),
                SOURCE,
            ),
            key=("year", "age_group"),
            description="Age-specific fertility rates 1920-1929 (the pre-crisis schedule)",
        ),
        Schema(
            "vital_rates.csv",
            (
                Column("year", "year", minimum=1920, maximum=1960),
                Column("measure", allowed=("birth_rate", "death_rate")),
                Column("kind", allowed=("registered", "reconstructed")),
                Column("per_1000", "float", maximum=1000),
                SOURCE,
                Column("locator"),
            ),
            key=("year", "measure", "kind"),
            description="Crude birth and death rates per 1000, registered and reconstructed",
        ),
        Schema(
            "vital_events.csv",
            (
                Column("year", "year", minimum=1920, maximum=1960),
                Column("event", allowed=("births", "deaths")),
                Column("count", "int"),
                Column("kind"),
                SOURCE,
            ),
            key=("year", "event"),
            description="Registered births and deaths (USSR, pre-1939 borders)",
        ),
        Schema(
            "births_reconstructed.csv",
            (
                Column("first_year", "year", minimum=1920, maximum=1960),
                Column("last_year", "year", minimum=1920, maximum=1960),
                Column("first_year_share", "float", minimum=0, maximum=1),
                Column("births", "int"),
                SOURCE,
                Column("locator"),
                Column("note"),
            ),
            key=("first_year", "last_year"),
            description="Births over several years from a demographic reconstruction (USSR, "
            "post-war borders)",
        ),
        Schema(
            "archival_counts.csv",
            (
                Column(
                    "cause",
                    allowed=(
                        "executions",
                        "shootings_1940_41",
                        "gulag",
                        "dekulakisation",
                        "deportations",
                        "war_military",
                    ),
                ),
                Column("year_start", "year", minimum=1917, maximum=1960),
                Column("year_end", "year", minimum=1917, maximum=1960),
                Column("measure", allowed=("deaths", "death_sentences")),
                Column("count", "int"),
                Column("coverage"),
                SOURCE,
            ),
            key=("cause", "year_start", "year_end", "measure", "coverage"),
            description="Archival counts of deaths by cause, with what each series covers",
        ),
        Schema(
            "custodial_stocks.csv",
            (
                Column("cause", allowed=("gulag", "dekulakisation", "deportations")),
                Column("year", "year", minimum=1917, maximum=1960),
                Column("stock", "int", minimum=1),
                Column("derivation"),
                SOURCE,
            ),
            key=("cause", "year"),
            description="Average populations of the custodial series (their deaths over "
            "their death rates)",
        ),
        Schema(
            "territorial_changes.csv",
            (
                Column("date"),
                Column("change"),
                Column("population", "int"),
                Column("low", "int", optional=True),
                Column("high", "int", optional=True),
                SOURCE,
                Column("what"),
            ),
            key=("change",),
            description="Territorial changes and the population they added",
        ),
        Schema(
            "published_claims.csv",
            (
                Column("claim"),
                Column("author"),
                Column("year", "year", minimum=1900, maximum=2100),
                Column("figure", "float"),
                Column("low", "float", optional=True),
                Column("high", "float", optional=True),
                Column("estimand"),
                Column("period"),
                Column("territory"),
                Column("what"),
                SOURCE,
                # "true": the figure is the model's own observation or prior centre (no test)
                Column("informs_model", allowed=("true", "false"), optional=True),
            ),
            key=("claim",),
            description="Published estimates: claims to compare with, never observations",
        ),
        Schema(
            "sources.csv",
            (
                Column("key"),
                Column("citation"),
                Column("transcribed_via", optional=True),
                Column("verified", allowed=("yes", "as_cited")),
            ),
            key=("key",),
            description="Bibliography: one key per original source",
            has_source=False,
        ),
    ]
}
