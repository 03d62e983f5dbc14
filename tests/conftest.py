import filecmp
import shutil
from pathlib import Path

import pytest

from stalin_mortality.constants import DATA_DIR


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of data/ to corrupt in a test."""
    dst = tmp_path / "data"
    shutil.copytree(DATA_DIR, dst)
    return dst


def edit_csv(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count))


def assert_report_reproduces_tables(run_dir: Path, scratch: Path) -> None:
    """``stalin-mortality report`` on ``run_dir`` rewrites every table byte for byte."""
    from stalin_mortality import cli

    before = scratch / "tables_before"
    shutil.copytree(run_dir / "tables", before)
    assert cli.main(["report", str(run_dir)]) == 0
    for f in before.iterdir():
        assert filecmp.cmp(f, run_dir / "tables" / f.name, shallow=False), f.name


@pytest.fixture(scope="module")
def observations():
    """The observations from data/ (loaded once per test module)."""
    import stalin_mortality as sm

    return sm.load_observations()


@pytest.fixture(scope="module")
def window():
    """The shipped 1927-1939 window."""
    import stalin_mortality as sm

    return sm.load_window("1927_1939")
