"""Results are never lost, faked or half-written; bad input never reaches the sampler
(docs/reliability.md).  Fault injection through real signals, concurrent processes, a
read-only folder, a file-size limit, and random bytes fed to the loaders."""

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stalin_mortality import cli
from stalin_mortality.constants import DATA_DIR
from stalin_mortality.data import load_tables
from stalin_mortality.exceptions import (
    DataValidationError,
    ResultsError,
    ScenarioError,
    StalinMortalityError,
)
from stalin_mortality.safety import OutputSlot, check_target, write_new_file
from stalin_mortality.scenarios import load_scenario, scenario_from_text

ROOT = Path(__file__).resolve().parents[2]


def _fake_results(folder: Path, extra: str | None = None) -> Path:
    """A folder as this library writes it (manifest, posterior, tables, figures)."""
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"study": "engine", "scenario": {}}))
    (folder / "posterior.nc").write_bytes(b"x")
    (folder / "tables").mkdir()
    (folder / "figures").mkdir()
    if extra:
        (folder / extra).write_text("a user's file")
    return folder


# ---- output folders -------------------------------------------------------------------


@pytest.mark.parametrize("where", [".", "", "~", "..", "/"])
def test_force_never_replaces_the_working_directory_home_or_their_parents(
    where, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ResultsError):
        check_target(where, force=True)


def test_force_never_replaces_data_or_a_foreign_folder(tmp_path):
    with pytest.raises(ResultsError, match="refusing to write results over"):
        check_target(DATA_DIR, force=True)
    with pytest.raises(ResultsError, match="refusing"):
        check_target(DATA_DIR.parent, force=True)
    foreign = tmp_path / "thesis"
    foreign.mkdir()
    (foreign / "chapter1.tex").write_text("irreplaceable")
    with pytest.raises(ResultsError, match="not a results folder written by stalin_mortality"):
        check_target(foreign, force=True)
    mixed = _fake_results(tmp_path / "mixed", extra="notes.txt")
    with pytest.raises(ResultsError, match="not a results folder"):
        check_target(mixed, force=True)
    ours = _fake_results(tmp_path / "ours")
    assert check_target(ours, force=True) == ours.resolve()
    with pytest.raises(ResultsError, match="pass --force"):
        check_target(ours, force=False)


def test_links_files_and_unwritable_parents_are_refused(tmp_path):
    target = _fake_results(tmp_path / "real")
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(ResultsError, match="symbolic link"):
        check_target(link, force=True)
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(ResultsError, match="symbolic link"):
        check_target(dangling, force=True)
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    with pytest.raises(ResultsError, match="is not a folder"):
        check_target(a_file, force=True)
    with pytest.raises(ResultsError, match="cannot write to"):
        check_target(a_file / "results", force=False)


def test_read_only_folder_is_refused(tmp_path):
    """A read-only folder: a read-only file system mounted for the test when it runs as root
    (root writes through permission bits, and tests run as root here), else a folder
    without write permission."""
    ro = tmp_path / "ro"
    ro.mkdir()
    mounted = False
    if os.geteuid() == 0:
        mounted = (
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(ro)], capture_output=True
            ).returncode
            == 0
        )
        if not mounted:
            pytest.skip("running as root without the right to mount a read-only file system")
    else:
        ro.chmod(0o555)
    try:
        with pytest.raises(ResultsError, match="permission denied"):
            OutputSlot(ro / "out")
    finally:
        if mounted:
            subprocess.run(["umount", str(ro)], check=True)
        else:
            ro.chmod(0o755)


def test_swap_failure_puts_the_old_folder_back(tmp_path, monkeypatch):
    """Fault injection: the rename of the new folder into place fails."""
    out = _fake_results(tmp_path / "run")
    real_rename = Path.rename

    def failing_rename(self, target):
        if self.name.startswith(".run.tmp"):
            raise OSError("rename failed")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", failing_rename)
    with pytest.raises(OSError, match="rename failed"), OutputSlot(out, force=True) as slot:
        slot.write(lambda tmp: (tmp / "manifest.json").write_text("{}"))
    assert (out / "posterior.nc").read_bytes() == b"x"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".run.")] == [".run.lock"]


def test_undeletable_old_folder_is_cleaned_by_the_next_run(tmp_path, monkeypatch):
    """Fault injection: the old folder cannot be deleted after the swap; the new results are
    in place all the same, and the next run removes the leftover."""
    out = _fake_results(tmp_path / "run")
    real_rmtree = shutil.rmtree

    def stubborn(path, *a, **k):
        if ".run.old-" in str(path):
            return None  # as rmtree(ignore_errors=True) does when a file will not go
        return real_rmtree(path, *a, **k)

    monkeypatch.setattr(shutil, "rmtree", stubborn)
    with OutputSlot(out, force=True) as slot:
        slot.write(lambda tmp: (tmp / "manifest.json").write_text('{"study": "engine"}'))
    assert any(p.name.startswith(".run.old-") for p in tmp_path.iterdir())
    monkeypatch.setattr(shutil, "rmtree", real_rmtree)
    with OutputSlot(out, force=True):
        pass
    assert not any(p.name.startswith(".run.old-") for p in tmp_path.iterdir())
    assert json.loads((out / "manifest.json").read_text()) == {"study": "engine"}


def test_failed_write_leaves_the_old_folder_whole(tmp_path):
    out = _fake_results(tmp_path / "run")
    before = sorted(p.name for p in out.iterdir())

    def fill(tmp):
        (tmp / "manifest.json").write_text("{}")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"), OutputSlot(out, force=True) as slot:
        slot.write(fill)
    assert sorted(p.name for p in out.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".run.tmp")] == []


def test_full_disk_during_the_write_leaves_the_old_folder(tmp_path):
    """A real write error: the file-size limit (RLIMIT_FSIZE) stops a large file."""
    out = _fake_results(tmp_path / "run")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, hard))
    try:
        with pytest.raises(OSError), OutputSlot(out, force=True) as slot:
            slot.write(lambda tmp: (tmp / "posterior.nc").write_bytes(b"0" * 100_000))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)
    assert (out / "posterior.nc").read_bytes() == b"x"


def test_swap_replaces_atomically_and_cleans_stale_folders_of_dead_runs(tmp_path):
    out = _fake_results(tmp_path / "run")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)
    stale = tmp_path / f".run.tmp-{pid}-abc"
    stale.mkdir()
    with OutputSlot(out, force=True) as slot:
        slot.write(lambda tmp: (tmp / "manifest.json").write_text('{"study": "engine"}'))
    assert not stale.exists()
    assert json.loads((out / "manifest.json").read_text()) == {"study": "engine"}
    assert oct(out.stat().st_mode & 0o777) != oct(0o700)  # ordinary permissions
    # a swap that died after renaming the old folder aside: the next run restores it
    shutil.rmtree(out)
    orphan = _fake_results(tmp_path / f".run.old-{pid}")
    with OutputSlot(out, force=True):
        pass
    assert out.exists() and not orphan.exists()


def test_second_writer_is_refused_at_once(tmp_path):
    out = tmp_path / "run"
    code = (
        "import sys, time; from stalin_mortality.safety import OutputSlot\n"
        f"with OutputSlot({str(out)!r}):\n    print('locked', flush=True); time.sleep(30)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        t0 = time.perf_counter()
        with pytest.raises(ResultsError, match="another run is writing"), OutputSlot(out):
            pass
        assert time.perf_counter() - t0 < 2
    finally:
        holder.kill()
        holder.communicate()


def test_compare_out_refuses_to_overwrite(tmp_path):
    f = tmp_path / "cmp.csv"
    f.write_text("precious")
    with pytest.raises(ResultsError, match="pass --force"):
        write_new_file(f, "new")
    assert f.read_text() == "precious"
    write_new_file(f, "new", force=True)
    assert f.read_text() == "new"
    with pytest.raises(ResultsError, match="a folder or a link"):
        write_new_file(tmp_path, "x", force=True)


# ---- the command line: exit codes, interrupts, concurrent runs --------------------------


def _cli(*args, **kw):
    return subprocess.Popen(
        [sys.executable, "-m", "stalin_mortality.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_writes_nothing_replaces_nothing_and_exits_130(sig, tmp_path):
    """A real signal during sampling (nutpie catches it and returns what it has)."""
    out = _fake_results(tmp_path / "run")
    before = (out / "manifest.json").read_text()
    proc = _cli(
        "run",
        "--out",
        str(out),
        "--force",
        "--draws",
        "2000",
        "--tune",
        "2000",
        "--chains",
        "2",
        "--quiet",
    )
    if sig == signal.SIGINT:
        # while the first run holds the lock, a second run into the same folder is refused
        time.sleep(8)
        second = _cli("run", "--out", str(out), "--force", "--quick", "--quiet")
        _, err = second.communicate(timeout=120)
        assert second.returncode == 2 and "another run is writing" in err, err
    time.sleep(35)  # compiled and sampling by now
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert (out / "manifest.json").read_text() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".run.")] == [".run.lock"]


def test_bad_arguments_and_internal_errors_are_one_line(tmp_path, capsys, monkeypatch):
    for args in (["--seed", "-1"], ["--draws", "0"], ["--chains", "0"], ["--tune", "x"]):
        with pytest.raises(SystemExit) as exc:
            cli.main(["run", "--out", str(tmp_path / "o"), *args])
        assert exc.value.code == 2
    capsys.readouterr()

    def boom(args):
        raise RuntimeError("something unexpected")

    monkeypatch.setattr(cli, "_check", boom)
    assert cli.main(["check"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError" in err
    log = Path(err.split("traceback in ")[1].split(")")[0])
    assert "Traceback" in log.read_text()
    log.unlink()


# ---- bad input never reaches the sampler ------------------------------------------------


def test_units_mistake_is_refused_before_sampling(tmp_path, capsys):
    bad = tmp_path / "units.toml"
    bad.write_text('[priors.excess_gulag]\ndistribution = "LogNormal"\nmu = 100000\nsigma = 1\n')
    for command in (["check"], ["run", "--quick", "--out", str(tmp_path / "o")]):
        assert cli.main([*command, "--scenario", str(bad)]) == 2
        err = capsys.readouterr().err
        assert "prior 'excess_gulag'" in err and "not a finite number" in err
        assert "persons per year" in err
    assert not (tmp_path / "o").exists()
    huge = tmp_path / "huge.toml"
    huge.write_text('[priors.excess_gulag]\ndistribution = "LogNormal"\nmu = 17\nsigma = 1\n')
    assert cli.main(["check", "--scenario", str(huge)]) == 2
    assert "over half the population" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text, message",
    [
        (
            '[priors.famine_intensity]\ndistribution = "LogNormal"\nmu = [1, 2]\nsigma = 1\n',
            "one per famine_1930_34_year",
        ),
        (
            '[priors.coverage_1937]\ndistribution = "Beta"\nmu = 1.2\nsigma = 0.1\n',
            "cannot be drawn",
        ),
        ('[priors.tfr_trend]\ndistribution = "Normal"\nmu = 1e300\nsigma = 1e300\n', ""),
        ('[priors.census_age_noise]\ndistribution = "Poisson"\nmu = 1\n', "discrete"),
        ('[priors.census_age_noise]\ndistribution = "Flat"\n', ""),
    ],
)
def test_check_refuses_what_run_cannot_sample(text, message, tmp_path, capsys):
    bad = tmp_path / "s.toml"
    bad.write_text(text)
    assert cli.main(["check", "--scenario", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda p: p.write_bytes(b"\xff\xfe\x00b\x00i\x00n"), "binary content"),
        (lambda p: p.write_bytes("census,\xe9\n".encode("latin-1")), "not UTF-8"),
        (lambda p: (p.unlink(), p.mkdir()), "not a regular file"),
        (lambda p: p.write_text(p.read_text().splitlines()[0] + "\n1926,ma"), ""),
    ],
)
def test_bad_data_files_are_one_line_errors(mutate, message, data_copy, monkeypatch, capsys):
    mutate(data_copy / "life_tables.csv")
    monkeypatch.setenv("STALIN_MORTALITY_DATA", str(data_copy))
    assert cli.main(["check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: life_tables.csv") and message in err and err.count("\n") == 1


def test_garbage_registry_and_implausible_counts(data_copy, monkeypatch, capsys):
    monkeypatch.setenv("STALIN_MORTALITY_DATA", str(data_copy))
    (data_copy / "registry.csv").write_bytes(b"\x00\x01garbage")
    assert cli.main(["check"]) == 2
    assert "registry.csv" in capsys.readouterr().err
    shutil.copy(DATA_DIR / "registry.csv", data_copy / "registry.csv")
    text = (data_copy / "vital_events.csv").read_text().splitlines()
    fields = text[1].split(",")
    fields[2] = "1e300"
    (data_copy / "vital_events.csv").write_text("\n".join([text[0], ",".join(fields), *text[2:]]))
    assert cli.main(["check"]) == 2
    assert "implausible" in capsys.readouterr().err


def test_changed_data_check_exits_2_and_register_records_it(data_copy, monkeypatch, capsys):
    monkeypatch.setenv("STALIN_MORTALITY_DATA", str(data_copy))
    with open(data_copy / "sources.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    assert cli.main(["check"]) == 2
    err = capsys.readouterr().err
    assert "sources.csv" in err and "check --register" in err
    assert cli.main(["check", "--register"]) == 0
    assert cli.main(["check"]) == 0


def test_scenario_file_that_is_a_folder_or_endless(tmp_path):
    (tmp_path / "d.toml").mkdir()
    with pytest.raises(ScenarioError, match="not a file"):
        load_scenario(tmp_path / "d.toml")
    with pytest.raises(ScenarioError):
        load_scenario("/dev/zero.toml")


# ---- property-based: random bytes and random TOML -----------------------------------------


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=400))
def test_random_bytes_in_a_data_file_give_a_one_line_error(data_copy, raw):
    (data_copy / "vital_rates.csv").write_bytes(raw)
    try:
        load_tables(data_copy, check_registry=False)
    except DataValidationError as err:
        assert "\n" not in str(err) and str(err).startswith("vital_rates.csv")


TOML_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(
    st.text(max_size=300)
    | st.dictionaries(st.sampled_from(["priors", "description", "x"]), TOML_VALUES, max_size=3)
)
def test_random_scenarios_are_valid_or_a_scenario_error(content):
    import tomllib  # noqa: F401  (the TOML the loader reads)

    from stalin_mortality.model.components import prior_specs
    from stalin_mortality.window import load_window

    specs = prior_specs(load_window())
    text = content if isinstance(content, str) else _to_toml(content)
    try:
        scenario_from_text(text, "random").resolve(specs)
    except StalinMortalityError as err:
        assert isinstance(err, ScenarioError) and str(err)


def _to_toml(d: dict) -> str:
    lines = []
    for k, v in d.items():
        lines.append(f"{json.dumps(k)} = {json.dumps(v) if v is not None else 1}")
    return "\n".join(lines)
