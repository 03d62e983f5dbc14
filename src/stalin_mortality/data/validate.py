"""Read and validate the CSV files of ``data/``.

Every problem is raised as :class:`~stalin_mortality.exceptions.DataValidationError`
naming the file, the row (1-based, the header is row 1), the column and the problem.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

import pandas as pd

from ..exceptions import DataValidationError
from .schema import SCHEMAS, Schema

#: No count, rate or figure in data/ can exceed this.
MAX_NUMBER = 1e10
#: A data file larger than this is not one of ours (the largest is about 1 MB).
MAX_DATA_BYTES = 50_000_000


def read_text(path: Path) -> str:
    """A data file's text, or a :class:`DataValidationError` naming the file: missing, a
    folder, too large, binary (a NUL byte) or not UTF-8."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise DataValidationError(name, f"file not found at {path}")
    if not path.is_file():
        raise DataValidationError(name, f"{path} is not a regular file")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_DATA_BYTES + 1)
    except OSError as err:
        raise DataValidationError(name, f"cannot be read: {err}") from None
    if len(raw) > MAX_DATA_BYTES:
        raise DataValidationError(name, f"larger than {MAX_DATA_BYTES:,} bytes: not a data file")
    if b"\x00" in raw:
        raise DataValidationError(name, "binary content (a NUL byte): not a CSV text file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DataValidationError(
            name, f"not UTF-8 text (byte {err.start}: {err.reason})"
        ) from None


def read_table(path: Path, schema: Schema, source_keys: set[str] | None = None) -> pd.DataFrame:
    """Read ``path`` as text, check it against ``schema`` and return typed columns."""
    path = Path(path)
    name = path.name
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    try:
        header = next(reader)
        rows = list(reader)
    except StopIteration:
        raise DataValidationError(name, "file is empty (no header row)") from None
    except csv.Error as err:
        raise DataValidationError(name, f"not a CSV file: {err}") from None
    missing = [c for c in schema.names if c not in header]
    if missing:
        raise DataValidationError(
            name, f"missing column(s) {missing}; expected {schema.names}", row=1
        )
    index = {c: header.index(c) for c in schema.names}
    seen: dict[tuple, int] = {}
    out: dict[str, list] = defaultdict(list)
    for i, raw in enumerate(rows, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        out["_row"].append(i)
        if len(raw) != len(header):
            raise DataValidationError(
                name, f"has {len(raw)} fields, the header has {len(header)}", row=i
            )
        for col in schema.columns:
            text = raw[index[col.name]].strip()
            out[col.name].append(_parse(name, i, col, text))
        if schema.has_source and source_keys is not None:
            src = out["source"][-1]
            if src not in source_keys:
                raise DataValidationError(
                    name, f"unknown source key '{src}' (not in sources.csv)", row=i, column="source"
                )
        key = tuple(out[k][-1] for k in schema.key)
        if key in seen:
            raise DataValidationError(
                name,
                f"duplicated key {dict(zip(schema.key, key, strict=True))} "
                f"(first at row {seen[key]})",
                row=i,
            )
        seen[key] = i
    frame = pd.DataFrame({c: out[c] for c in [*schema.names, "_row"]})
    frame.attrs["file"] = name
    return frame


def _parse(name, row, col, text):
    if text == "":
        if col.optional:
            return None
        raise DataValidationError(name, "empty value", row=row, column=col.name)
    if col.allowed is not None and text not in col.allowed:
        shown = (
            col.allowed if len(col.allowed) <= 10 else (*col.allowed[:4], "...", *col.allowed[-3:])
        )
        raise DataValidationError(
            name,
            f"value '{text}' out of range; allowed: {', '.join(shown)}",
            row=row,
            column=col.name,
        )
    if col.kind == "str":
        return text
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise DataValidationError(
            name, f"'{text}' is not a number", row=row, column=col.name
        ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise DataValidationError(
            name, f"'{text}' is not a finite number", row=row, column=col.name
        )
    if col.kind in ("int", "year") and value != int(value):
        raise DataValidationError(name, f"'{text}' is not a whole number", row=row, column=col.name)
    if col.kind in ("int", "float") and value < 0:
        raise DataValidationError(name, f"negative value {text}", row=row, column=col.name)
    if col.minimum is not None and value < col.minimum:
        raise DataValidationError(
            name, f"value {text} out of range (below {col.minimum:g})", row=row, column=col.name
        )
    if col.maximum is None and col.kind in ("int", "float") and value > MAX_NUMBER:
        raise DataValidationError(
            name,
            f"value {text} is implausible (above {MAX_NUMBER:g}: more than all people who ever "
            "lived)",
            row=row,
            column=col.name,
        )
    if col.maximum is not None and value > col.maximum:
        raise DataValidationError(
            name, f"value {text} out of range (above {col.maximum:g})", row=row, column=col.name
        )
    return int(value) if col.kind in ("int", "year") else value


def check_census_totals(ages: pd.DataFrame, totals: pd.DataFrame) -> None:
    """Cross-file identities: areas add up, age tables match totals, parts add to totals."""
    # urban + rural = total, for every census, sex and age
    wide = ages.pivot_table(
        index=["census", "sex", "age"], columns="area", values="count", aggfunc="sum"
    )
    rows = ages.set_index(["census", "area", "sex", "age"])["_row"]
    for (census, sex, age), r in wide.iterrows():
        if r["urban"] + r["rural"] != r["total"]:
            raise DataValidationError(
                ages.attrs["file"],
                f"total {int(r['total']):,} disagrees with urban + rural "
                f"{int(r['urban'] + r['rural']):,} (census {census}, {sex}, age {age})",
                row=int(rows[(census, "total", sex, age)]),
                column="count",
            )
    age_sum = ages[ages.area == "total"].groupby(["census", "sex"])["count"].sum()
    file = totals.attrs["file"]
    for _, r in totals[totals.item == "age_table"].iterrows():
        expect = age_sum.get((r.census, r.sex))
        if expect != r["count"]:
            raise DataValidationError(
                file,
                f"age_table {r['count']:,} disagrees with the sum of census_age_sex.csv "
                f"({expect if expect is None else f'{expect:,}'}) for {r.census} {r.sex}",
                row=int(r["_row"]),
                column="count",
            )
    for _, r in totals[totals.item == "total"].iterrows():
        parts = totals[(totals.census == r.census) & (totals.part_of_total == "yes")]
        if len(parts) and parts["count"].sum() != r["count"]:
            raise DataValidationError(
                file,
                f"total {r['count']:,} for {r.census} disagrees with the sum of its parts "
                f"{int(parts['count'].sum()):,} ({', '.join(parts.item + '/' + parts.sex)})",
                row=int(r["_row"]),
                column="count",
            )


def check_life_tables(lt: pd.DataFrame) -> None:
    """Every table complete (both sexes, every age 0..100), lx positive at the radix and
    never increasing with age."""
    for period, g in lt.groupby("period"):
        for sex in ("male", "female"):
            ages = set(g[g.sex == sex]["age"])
            missing = sorted(set(range(101)) - ages)
            if missing:
                raise DataValidationError(
                    lt.attrs["file"],
                    f"the {period} table for {sex}s lacks ages {missing[:5]}"
                    + (" ..." if len(missing) > 5 else "")
                    + " (every age 0..100 is needed)",
                )
    for (period, sex), g in lt.groupby(["period", "sex"]):
        g = g.sort_values("age")
        lx = g["lx"].to_numpy()
        if lx[0] <= 0 or (lx[1:] > lx[:-1]).any():
            bad = g.iloc[int((lx[1:] > lx[:-1]).argmax()) + 1]
            raise DataValidationError(
                lt.attrs["file"],
                f"lx increases with age ({period} {sex})",
                row=int(bad["_row"]),
                column="lx",
            )


def check_archival(ac: pd.DataFrame) -> None:
    bad = ac[ac.year_end < ac.year_start]
    if len(bad):
        r = bad.iloc[0]
        raise DataValidationError(
            ac.attrs["file"], "year_end before year_start", row=int(r["_row"]), column="year_end"
        )


def schema_for(name: str) -> Schema:
    return SCHEMAS[name]
