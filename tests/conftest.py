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


def assert_account_identity(out: dict, atol: float = 1e-3) -> None:
    """The account of ``simulate(..., detail=True)`` keeps its identities: the population
    changes by births - deaths + migration each year, deaths by sex and age and excess by
    age add up to their totals, and nobody is negative."""
    import numpy as np

    pop = out["population"].sum(axis=(-2, -1))
    n = pop.shape[0]
    migration = np.stack(
        [
            np.zeros(n) if f.migration is None else f.migration.sum(axis=(-2, -1))
            for f in out["flows"]
        ],
        axis=-1,
    )
    change = out["births"] - out["deaths"] + migration
    np.testing.assert_allclose(pop[:, 1:] - pop[:, :-1], change, rtol=0, atol=atol)
    np.testing.assert_allclose(out["deaths_by_sex"].sum(-1), out["deaths"], rtol=1e-12)
    by_age = out["excess_by_age"].sum(axis=(-2, -1))
    np.testing.assert_allclose(by_age, out["excess"], rtol=1e-9)
    assert (out["population"] > 0).all()


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
def era():
    """The shipped whole-era window (1927-1959)."""
    import stalin_mortality as sm

    return sm.load_window("1927_1959")


@pytest.fixture(scope="module")
def era_inputs(observations, era):
    """The whole era's account inputs from data/."""
    import stalin_mortality as sm

    return sm.make_inputs(observations, era)


@pytest.fixture(scope="module")
def window():
    """The shipped 1927-1939 window."""
    import stalin_mortality as sm

    return sm.load_window("1927_1939")


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory) -> Path:
    """A fresh virtual environment outside the checkout with the project's wheel installed.

    The wheel is built from the checkout (no build isolation: nothing is downloaded) and
    installed without dependencies; the environment sees the test environment's installed
    packages through a path file, but not its editable install of this project, so
    ``stalin_mortality`` there is the wheel's, with its own data, windows and scenarios."""
    import shutil
    import site
    import subprocess
    import sys
    import sysconfig

    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    # a copy of the source without build leftovers (setuptools would ship a stale build/lib)
    source = root / "source"
    shutil.copytree(
        REPO,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "build",
            "*.egg-info",
            "results",
            "_build",
            "__pycache__",
            ".pytest_cache",
            ".ruff_cache",
            ".mypy_cache",
            "generated",
            "jupyter_execute",
        ),
    )
    pip = [sys.executable, "-m", "pip"]
    build = ["wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", str(dist)]
    subprocess.run([*pip, *build, str(source)], check=True, cwd=root)
    (wheel,) = dist.glob("stalin_mortality-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the test environment's packages (a path line: its own .pth files, among them the
    # editable install of this checkout, are not processed)
    ours = {sysconfig.get_path("purelib"), *site.getsitepackages()}
    Path(purelib, "test-environment.pth").write_text("\n".join(sorted(ours)) + "\n")
    install = ["--python", str(python), "install", "--quiet", "--no-deps", "--no-index"]
    subprocess.run([*pip, *install, str(wheel)], check=True, cwd=root)
    return venv


def run_in(venv: Path, *args: str, cwd: Path):
    """``stalin-mortality ARGS`` of ``venv``, run in ``cwd`` with no project paths set."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("STALIN_MORTALITY_DATA", "PYTHONPATH")}
    return subprocess.run(
        [str(venv / "bin" / "stalin-mortality"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def assert_scan_matches_numpy(model, window, inputs) -> None:
    """The model's graph (a ``pytensor.scan``) and the numpy loop the estimands use give the
    same population, births, excess deaths and lost births at the model's initial point."""
    import numpy as np

    import stalin_mortality as sm
    from stalin_mortality.model.components import account_parameters

    names = account_parameters(window)
    flows = ["population_total", "births", "excess_deaths", "lost_births"]
    outputs = [model[n] for n in names] + [model[n] for n in flows]
    fn = model.compile_fn(outputs, inputs=model.value_vars, on_unused_input="ignore")
    values = fn(model.initial_point())
    p = {n: np.asarray(v)[None] for n, v in zip(names, values, strict=False)}
    out = sm.simulate(p, inputs, window)
    np.testing.assert_allclose(out["population"].sum((-2, -1))[0], values[-4], rtol=1e-10)
    np.testing.assert_allclose(out["births"][0], values[-3], rtol=1e-10)
    np.testing.assert_allclose(out["excess"][0], values[-2], rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose((out["baseline_births"] - out["births"])[0], values[-1], atol=1e-3)
