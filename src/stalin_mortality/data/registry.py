"""The registry of ``data/``: one row per file with its SHA-256 checksum.

A file whose checksum no longer matches is reported (a warning when loading, an error in
``stalin-mortality check``), and its checksum enters every saved manifest, so a result
can always be traced to the exact data it was computed from.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import DataValidationError
from .schema import SCHEMAS

REGISTRY_FILE = "registry.csv"


def sha256(path: Path) -> str:
    """The file's checksum; a file that cannot be read has the checksum of nothing."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


@dataclass(frozen=True)
class RegistryProblem:
    file: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.problem}"


def read_registry(data_dir: Path) -> dict[str, str]:
    path = Path(data_dir) / REGISTRY_FILE
    from .validate import read_text

    if not path.exists():
        raise DataValidationError(REGISTRY_FILE, f"registry not found at {path}")
    try:
        rows = list(csv.DictReader(io.StringIO(read_text(path), newline="")))
    except csv.Error as err:
        raise DataValidationError(REGISTRY_FILE, f"not a CSV file: {err}") from None
    if not rows or not {"file", "sha256"} <= set(rows[0]):
        raise DataValidationError(
            REGISTRY_FILE, "missing column(s): needs 'file' and 'sha256'", row=1
        )
    out = {}
    for i, r in enumerate(rows, start=2):
        if not isinstance(r.get("file"), str) or not isinstance(r.get("sha256"), str):
            raise DataValidationError(REGISTRY_FILE, "a row without file and sha256", row=i)
        out[r["file"]] = r["sha256"]
    return out


def verify_registry(data_dir: Path) -> list[RegistryProblem]:
    """Compare every data file's checksum with the registry; return the problems found."""
    data_dir = Path(data_dir)
    registry = read_registry(data_dir)
    problems = []
    for name in SCHEMAS:
        path = data_dir / name
        if name not in registry:
            problems.append(RegistryProblem(name, "not in registry.csv"))
        elif not path.exists():
            problems.append(RegistryProblem(name, "registered but missing"))
        elif sha256(path) != registry[name]:
            problems.append(
                RegistryProblem(name, "changed since it was registered (checksum differs)")
            )
    return problems


def checksums(data_dir: Path) -> dict[str, str]:
    return {name: sha256(Path(data_dir) / name) for name in SCHEMAS}


def write_registry(data_dir: Path) -> Path:
    """Record the current checksums (after a deliberate, reviewed change to ``data/``)."""
    data_dir = Path(data_dir)
    path = data_dir / REGISTRY_FILE
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["file", "sha256", "description"])
        for name, schema in SCHEMAS.items():
            w.writerow([name, sha256(data_dir / name), schema.description])
    return path


if __name__ == "__main__":  # python -m stalin_mortality.data.registry [DATA_DIR]
    import sys

    from ..constants import DATA_DIR

    print(write_registry(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA_DIR))
