"""Reading the project's small text files (windows, scenarios) safely: by name from a
folder or by path, size-limited, UTF-8, every problem an error of the caller's kind."""

from __future__ import annotations

from pathlib import Path

#: A window or scenario file larger than this is not one.
MAX_BYTES = 1_000_000


def read_named_file(
    name_or_path: str | Path, directory: Path, kind: str, error: type[Exception]
) -> tuple[Path, str]:
    """``(path, text)`` of ``directory/<name>.toml`` or of a ``.toml`` path."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = Path(directory) / f"{name_or_path}.toml"
        if not path.exists():
            known = ", ".join(sorted(p.stem for p in Path(directory).glob("*.toml")))
            raise error(f"unknown {kind} '{name_or_path}'; known: {known}")
    if not path.is_file():
        raise error(f"{path}: {kind} file not found (or not a file)")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as err:
        raise error(f"{path}: cannot be read: {err}") from None
    if len(raw) > MAX_BYTES:
        raise error(f"{path}: larger than {MAX_BYTES} bytes: not a {kind} file")
    try:
        return path, raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise error(f"{path}: not UTF-8 text: {err}") from None
