"""The default study (the 1927-1939 engine) through the command line: a quick real run,
reports, comparison, and every way of failing safely."""

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import xarray as xr

import stalin_mortality as sm
from stalin_mortality import cli, report
from stalin_mortality.constants import DATA_DIR
from tests.conftest import REPO, assert_report_reproduces_tables, edit_csv, run_in


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, wheel_venv):
    """A quick run of the installed wheel, outside the checkout (the tests below read it)."""
    work = tmp_path_factory.mktemp("elsewhere")
    done = run_in(
        wheel_venv, "run", "--quick", "--quiet", "--out", "engine", "--seed", "20260101", cwd=work
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return work / "engine"


def test_the_wheel_stands_alone(quick_run, wheel_venv):
    """The wheel carries data/, the windows and the scenarios, and runs, reports and lists
    them outside the checkout, with the checkout's code nowhere on its path."""
    import subprocess

    where = subprocess.run(
        [
            str(wheel_venv / "bin" / "python"),
            "-c",
            "import stalin_mortality as sm; print(sm.__file__)",
        ],
        cwd=quick_run.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(wheel_venv) and not Path(where).is_relative_to(REPO)
    site = Path(where).parent
    assert (site / "py.typed").exists()
    for name in (
        "data/sources.csv",
        "data/SOURCES.md",
        "windows/1927_1939.toml",
        "scenarios/default.toml",
    ):
        assert (site / "resources" / name).exists(), name
    manifest = json.loads((quick_run / "manifest.json").read_text())
    assert manifest["quick"]
    done = run_in(wheel_venv, "report", str(quick_run), cwd=quick_run.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    listed = run_in(wheel_venv, "scenarios", cwd=quick_run.parent)
    assert listed.returncode == 0 and "alexopoulos" in listed.stdout


def test_quick_run_writes_every_table_and_figure(quick_run):
    tables = [
        "summary",
        "excess_deaths_by_cause_period",
        "excess_deaths_by_cause_year",
        "excess_deaths_by_sex",
        "excess_deaths_by_age_group",
        "lost_births",
        "ladder",
        "census",
        "tfr",
        "prior_posterior",
    ]
    for stem in tables:
        for ext in ("csv", "md", "tex"):
            assert (quick_run / "tables" / f"{stem}.{ext}").exists(), (stem, ext)
    # every CSV reads with no options; its title, interval and status are in a sidecar, and a
    # quick run says it is not a result in every table and figure
    for csv in (quick_run / "tables").glob("*.csv"):
        table = pd.read_csv(csv)
        assert not table.columns[0].startswith("#"), csv.name
        meta = json.loads(csv.with_name(csv.name + "-metadata.json").read_text())
        assert meta["url"] == csv.name and meta["status"].startswith("QUICK RUN"), csv.name
        assert [c["name"] for c in meta["columns"]] == list(table.columns), csv.name
    for stem in tables:
        meta = json.loads((quick_run / "tables" / f"{stem}.csv-metadata.json").read_text())
        assert "90% equal-tailed credible interval" in meta["title"]
        assert "QUICK RUN" in (quick_run / "tables" / f"{stem}.md").read_text().splitlines()[0]
    summary = pd.read_csv(quick_run / "tables" / "summary.csv")
    assert summary.columns[:2].tolist() == ["quantity", "unit"]
    assert summary.set_index("quantity").loc["lost births 1927-1938", "unit"] == "persons"
    # no scientific notation in any CSV; small counts in thousands in the Markdown
    for csv in (quick_run / "tables").glob("*.csv"):
        assert not re.search(r"\d[eE][+-]\d", csv.read_text()), csv.name
    by_year = (quick_run / "tables" / "excess_deaths_by_cause_year.md").read_text()
    assert re.search(r"\| executions, 1935 \| thousands \| [\d.]+ \|", by_year)
    for csv in (quick_run / "figures").rglob("*.csv"):
        assert pd.read_csv(csv)["run_status"].str.startswith("QUICK RUN").all(), csv.name
        meta = json.loads(csv.with_name(csv.name + "-metadata.json").read_text())
        assert len(meta["title"]) > 60, csv.name  # a plain-language caption
    for stem in (
        "excess_deaths_by_cause_year",
        "ladder_claims",
        "population_vs_census",
        "tfr",
        "prior_vs_posterior",
        "diagnostics/diagnostics",
        "diagnostics/energy",
    ):
        for ext in ("png", "pdf", "csv"):
            assert (quick_run / "figures" / f"{stem}.{ext}").exists(), (stem, ext)
    # the sampler's diagnostics apart from the findings
    assert not (quick_run / "figures" / "energy.png").exists()
    assert (quick_run / "tables" / "claims.csv").exists()
    manifest = json.loads((quick_run / "manifest.json").read_text())
    assert manifest["study"] == "engine" and manifest["window"] == "1927_1939"
    assert manifest["seed"] == 20260101 and manifest["quick"]
    assert manifest["sampler"]["backend"] == "jax"  # quick runs compile with JAX
    assert {"max_rhat", "min_ess_bulk", "min_ess_tail", "divergences"} <= set(
        manifest["diagnostics"]
    )


def test_headline_estimands_are_consistent(quick_run):
    t = pd.read_csv(quick_run / "tables" / "summary.csv").set_index("quantity")
    ladder = {q.split(" ")[1]: t.loc[q, "median"] for q in t.index if q.startswith("ladder ")}
    assert list(ladder) == ["1", "2", "3", "4", "5", "4r", "5r"]
    first = [ladder[r] for r in ("1", "2", "3", "4")]
    assert first == sorted(first) and ladder["4r"] >= ladder["4"]
    famine = t.loc["excess deaths 1927-1938: famine-years hazard 1930-34"]
    core = t.loc["excess deaths 1931-1933: famine 1931-33 (on the ladder)"]
    assert core["median"] < famine["median"]
    assert 1e6 < famine["median"] < 20e6
    assert t.loc["1939 census padding (share)", "lower"] >= 0
    by_year = pd.read_csv(quick_run / "tables" / "excess_deaths_by_cause_year.csv")
    # famine 1930-34, dekulakisation 1930-33, executions and Gulag 1930-38, deportations
    # 1934-38, residual 1935-38: a cause's rows are its own years only
    assert len(by_year) == 5 + 4 + 9 + 9 + 5 + 4


def test_golden_quick_fit(quick_run):
    """The default study at reduced settings reproduces the pre-redesign medians."""
    from tests.golden.test_golden import check_quick_fit

    check_quick_fit(pd.read_csv(quick_run / "tables" / "summary.csv"))


def test_report_reproduces_tables_byte_identical(quick_run, tmp_path):
    assert_report_reproduces_tables(quick_run, tmp_path)


def test_compare_two_runs(quick_run, tmp_path, capsys):
    other = tmp_path / "other"
    shutil.copytree(quick_run, other)
    out = tmp_path / "cmp.csv"
    assert cli.main(["compare", str(quick_run), str(other), "--out", str(out)]) == 0
    table = pd.read_csv(out)
    first, second = "default [quick]: median", "default (other) [quick]: median"
    assert first in table.columns and second in table.columns
    assert (table[first] == table[second]).all()
    assert "[quick] or [failed gate] are not results" in capsys.readouterr().out
    assert (
        json.loads((tmp_path / "cmp.csv-metadata.json").read_text())["runs"][0] == "default [quick]"
    )
    assert cli.main(["compare", str(quick_run)]) == 2
    assert "at least two" in capsys.readouterr().err


def test_report_uses_the_saved_file_not_the_changed_data(quick_run, tmp_path, monkeypatch, capsys):
    """The data change after the run: report regenerates the same tables byte for byte from
    the saved file alone, and says that data/ changed."""
    changed = tmp_path / "changed"
    shutil.copytree(quick_run, changed)
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    edit_csv(data / "vital_events.csv", "1931,births", "1931,births", count=1)
    text = (data / "census_age_sex.csv").read_text().splitlines()
    # move 1,000 men aged 30 in the 1937 census to age 31: valid data, different numbers
    rows = [r.split(",") for r in text]
    head = rows[0]
    i = {k: head.index(k) for k in ("census", "area", "sex", "age", "count")}
    for r in rows[1:]:
        if r[i["census"]] == "1937" and r[i["area"]] == "total" and r[i["sex"]] == "male":
            if r[i["age"]] == "30":
                r[i["count"]] = str(int(r[i["count"]]) - 1000)
            elif r[i["age"]] == "31":
                r[i["count"]] = str(int(r[i["count"]]) + 1000)
    (data / "census_age_sex.csv").write_text("\n".join(",".join(r) for r in rows) + "\n")
    monkeypatch.setenv("STALIN_MORTALITY_DATA", str(data))
    assert_report_reproduces_tables(changed, tmp_path)
    err = capsys.readouterr().err
    assert "data/ changed since this posterior was computed (census_age_sex.csv)" in err


def test_saved_run_is_self_contained(quick_run):
    r = sm.load_run(quick_run)
    assert r.window.name == "1927_1939" and r.scenario.name == "default"
    ds = r.estimands()
    assert ds["excess_deaths"].dims == ("chain", "draw", "cause", "year")
    assert ds.sizes["chain"] == 2 and ds.sizes["draw"] == 200
    assert r.observations is not None and "census_count" in r.observations
    assert len(r.claims()) > 20
    # an ArviZ diagnostic of an estimand works
    import arviz_stats as azs

    assert float(azs.rhat(ds["ladder"].sel(rung="4"))) < 1.2
    summary = r.summary(kind="hdi")
    assert (summary["lower"] <= summary["median"]).all()


def test_missing_or_corrupted_posterior(quick_run, tmp_path, capsys):
    broken = tmp_path / "broken"
    shutil.copytree(quick_run, broken)
    (broken / "posterior.nc").write_bytes(b"not a netcdf file")
    assert cli.main(["report", str(broken)]) == 2
    assert "cannot be read as a posterior" in capsys.readouterr().err
    (broken / "posterior.nc").unlink()
    assert cli.main(["report", str(broken)]) == 2
    assert "posterior.nc: not found" in capsys.readouterr().err
    (broken / "manifest.json").write_text("{ not json")
    assert cli.main(["report", str(broken)]) == 2
    assert "corrupted manifest" in capsys.readouterr().err
    assert cli.main(["report", str(tmp_path / "nowhere")]) == 2


def test_a_failing_report_keeps_the_draws_beside_an_untouched_folder(
    quick_run, tmp_path, monkeypatch
):
    """A fit whose tables fail to write (a flat prior once crashed the power scaling after
    12 minutes of sampling) leaves the target as it was and saves its posterior beside it,
    from which ``report`` writes the rest."""
    from stalin_mortality import outputs, study
    from stalin_mortality.exceptions import ResultsError
    from stalin_mortality.safety import OutputSlot

    run = sm.load_run(quick_run)
    old = tmp_path / "out"
    old.mkdir()
    (old / "manifest.json").write_text(json.dumps({"study": "engine"}))
    (old / "posterior.nc").write_bytes((quick_run / "posterior.nc").read_bytes())
    before = sorted(p.name for p in old.iterdir())

    def boom(*args, **kwargs):
        raise ValueError("All tail values are the same")

    monkeypatch.setattr(outputs, "write_outputs", boom)
    with pytest.raises(ResultsError, match=r"out\.draws.*stalin-mortality report"):
        with OutputSlot(old, force=True) as slot:
            study.write_or_rescue(slot, run)
    assert sorted(p.name for p in old.iterdir()) == before  # as it was
    rescue = tmp_path / "out.draws"
    assert "All tail values" in (rescue / "report_error.txt").read_text()
    monkeypatch.undo()
    assert cli.main(["report", str(rescue)]) == 0
    assert (rescue / "tables" / "ladder.csv").exists()
    assert sm.load_run(rescue).manifest["seed"] == run.manifest["seed"]


def test_unwritable_output_folder(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("in the way")
    out = blocker / "results"
    assert cli.main(["run", "--quick", "--quiet", "--out", str(out)]) == 2
    assert "cannot write to" in capsys.readouterr().err
    assert not out.exists()


def test_bad_scenarios_are_messages_not_tracebacks(tmp_path, capsys):
    cases = {
        "malformed.toml": ("[priors.padding_1939\n", "not valid TOML"),
        "unknown.toml": ('[priors.nope]\ndistribution = "Normal"\n', "unknown prior 'nope'"),
        "negative.toml": (
            '[priors.padding_1939]\ndistribution = "HalfNormal"\nsigma = -0.1\n',
            "must be positive",
        ),
        "probability.toml": (
            '[priors.coverage_1937]\ndistribution = "TruncatedNormal"\nmu = 1\nsigma = 0.1\n'
            "lower = 0.9\nupper = 1.1\n",
            "is a probability",
        ),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        assert (
            cli.main(["run", "--quick", "--scenario", str(path), "--out", str(tmp_path / "out")])
            == 2
        ), name
        assert message in capsys.readouterr().err, name
        assert not (tmp_path / "out").exists()
    assert cli.main(["run", "--scenario", "no_such_scenario", "--out", str(tmp_path / "o")]) == 2
    assert "unknown scenario 'no_such_scenario'" in capsys.readouterr().err


def test_every_command_has_help(capsys):
    for command in ("run", "report", "compare", "check"):
        with pytest.raises(SystemExit) as exc:
            cli.main([command, "--help"])
        assert exc.value.code == 0
        assert "usage" in capsys.readouterr().out


def test_failed_convergence_gate_exits_3_and_keeps_the_posterior(tmp_path, capsys):
    out = tmp_path / "short"
    args = ["run", "--quiet", "--out", str(out), "--draws", "30", "--tune", "30", "--chains", "2"]
    # power scaling (40 s a run) is tested elsewhere; at the default target_accept 0.98, 30
    # tuning steps leave the step size tiny and the run slow (155 s): 0.8 fails as surely
    args += ["--no-power-scaling", "--target-accept", "0.8"]
    assert cli.main(args) == 3
    assert "convergence gate FAILED" in capsys.readouterr().err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "failed_diagnostics"
    assert manifest["diagnostics"]["failures"]
    assert (out / "posterior.nc").exists()
    assert manifest["power_scaling"] is False
    assert not (out / "tables" / "power_scaling.csv").exists()


def test_allow_bad_diagnostics_exits_0(tmp_path, monkeypatch, capsys):
    """The exit code's logic, without a second sampling run (the failed gate itself is
    the real run of the test above)."""
    from stalin_mortality import study
    from stalin_mortality.inference import Diagnostics

    failed = Diagnostics(1.2, 10.0, 10.0, 5, False, ["max r_hat 1.2 > 1.01"])
    monkeypatch.setattr(study, "run", lambda **kw: (kw["out"], failed))
    monkeypatch.setattr(cli, "_print_table", lambda out: None)
    args = ["run", "--quiet", "--out", str(tmp_path / "x")]
    assert cli.main(args) == 3
    assert cli.main([*args, "--allow-bad-diagnostics"]) == 0
    assert "convergence gate FAILED" in capsys.readouterr().err


def test_saved_file_missing_a_variable_or_keys_is_one_line(quick_run, tmp_path, capsys):
    import xarray as xr

    broken = tmp_path / "broken"
    shutil.copytree(quick_run, broken)
    tree = xr.open_datatree(broken / "posterior.nc", engine="h5netcdf").load()
    tree["posterior"] = tree["posterior"].to_dataset().drop_vars("mortality_level")
    (broken / "posterior.nc").unlink()
    tree.to_netcdf(broken / "posterior.nc", engine="h5netcdf")
    assert cli.main(["report", str(broken)]) == 2
    assert "lack mortality_level" in capsys.readouterr().err
    (broken / "manifest.json").write_text(json.dumps({"study": "engine"}))
    assert cli.main(["report", str(broken)]) == 2
    assert "not a stalin_mortality manifest" in capsys.readouterr().err


def test_compare_keeps_runs_whose_names_repeat(quick_run, tmp_path):
    a, b = tmp_path / "a" / "run", tmp_path / "b" / "run"
    shutil.copytree(quick_run, a)
    shutil.copytree(quick_run, b)
    table = sm_compare([quick_run, a, b])
    medians = [c for c in table.columns if c.endswith(": median")]
    assert len(medians) == 3


def sm_compare(dirs):
    from stalin_mortality.study import compare

    return compare(dirs)


def test_identification_report_and_predictive_checks(quick_run, capsys):
    from stalin_mortality import sensitivity

    tables = quick_run / "tables"
    ident = pd.read_csv(tables / "identification.csv")
    assert set(report.IDENTIFICATION_COLUMNS) <= set(ident)
    assert {"prior_median", "posterior_median"} <= set(ident)
    labels = [report.DATA_MOVED, report.DATA_AND_PRIOR, report.PRIOR_DOMINATES_LABEL]
    labels += [x + report.BORDERLINE for x in labels]
    labels += [x + t for x in labels for t in report.SIDE_NOTE.values()]
    assert ident.identified_by.isin(labels).all()
    assert (ident.prior_mass_mcse > 0).all()
    assert ident.prior_mass.between(0, 1).all()
    params = pd.read_csv(tables / "identification_parameters.csv")
    assert "mortality_trend" in set(params.parameter)
    summary = pd.read_csv(tables / "summary.csv")
    assert summary.prior_mass.between(0, 1).all()
    residuals = pd.read_csv(tables / "census_residuals.csv")
    assert len(residuals) == 2 * 2 * 15  # two censuses, two sexes, 15 age groups
    assert (residuals.cohort_first <= residuals.cohort_last).all()
    # the old-age exaggeration moves people from 60-64 up: nothing below, the open group gains
    young = residuals.age_group.isin(["0-4", "20-24", "55-59"])
    assert (residuals.misreporting_median[young] == 0).all()
    assert (residuals.misreporting_median[residuals.age_group == "70+"] > 0).all()
    assert (residuals.misreporting_median[residuals.age_group == "60-64"] < 0).all()
    series = pd.read_csv(tables / "series_checks.csv")
    assert set(series.series) == {"registered rate", "registered events", "archival"}
    assert series.share_of_replicates_below.between(0, 1).all()
    # power scaling is left out of quick runs (it evaluates every draw): compute it here
    run = sm.load_run(quick_run)
    tree = sensitivity.log_densities(run)
    # the log densities mapped over the draws in JAX are PyMC's, value for value
    import dataclasses
    import warnings

    import pymc as pm

    few = run.tree.copy()
    few["posterior"] = xr.DataTree(run.tree["posterior"].to_dataset().isel(draw=slice(0, 3)))
    small = xr.DataTree.from_dict({"posterior": few["posterior"].to_dataset()})
    model = run.model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # (JAX as the backend: the C backend's compile from an empty cache is slow)
        kw = {"model": model, "progressbar": False, "backend": "jax"}
        want = pm.stats.compute_log_prior(small, **kw)
        want = pm.stats.compute_log_likelihood(want, **kw)
    got = sensitivity.log_densities(dataclasses.replace(run, tree=few, _cache={}))
    for g in ("log_prior", "log_likelihood"):
        assert set(got[g].data_vars) == set(want[g].data_vars)
        xr.testing.assert_allclose(got[g].to_dataset(), want[g].to_dataset(), rtol=1e-9)
    ps = sensitivity.power_scaling_table(run, tree)
    assert len(ps) == len(summary) and {"prior", "likelihood", "diagnosis"} <= set(ps)
    by_prior = sensitivity.power_scaling_by_prior(run, tree).set_index("quantity")
    assert {"mortality_trend", "tfr_trend", "excess_residual"} <= set(by_prior.columns)
    # a flat prior (the famine deaths' relative registration, Beta(1, 1)) scales to itself:
    # power scaling cannot measure it, so its column is empty rather than crashing psense
    assert by_prior["famine_death_registration_1931_33"].isna().all()
    # the residual's total rests on the residual's prior more than on any other
    row = by_prior.loc["excess deaths 1927-1938: residual"]
    assert row.idxmax() == "excess_residual"
    assert cli.main(["sensitivity", str(quick_run), "--no-power-scaling"]) == 0
    assert "identified_by" in capsys.readouterr().out


def test_version_scenarios_and_default_folder_per_scenario(tmp_path, capsys, monkeypatch):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0 and "stalin-mortality" in capsys.readouterr().out
    assert cli.main(["scenarios"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(sm.list_scenarios()) and all(len(line) < 110 for line in lines)
    # run --scenario X without --out writes results/X, never another scenario's folder
    monkeypatch.chdir(tmp_path)
    parsed = cli.parser().parse_args(["run", "--scenario", "informed_1939"])
    assert parsed.out is None
    seen = {}
    monkeypatch.setattr(
        "stalin_mortality.study.run",
        lambda **kw: seen.update(kw) or (_ for _ in ()).throw(KeyboardInterrupt),
    )
    assert cli.main(["run", "--scenario", "informed_1939", "--quick"]) == 130
    assert seen["out"] == Path("results") / "informed_1939"


def test_ladder_claim_labels_never_overlap(quick_run):
    import matplotlib

    matplotlib.use("Agg")
    run = sm.load_run(quick_run)
    fig = sm.plot_ladder(estimands=run.estimands(), claims=run.claims(), window=run.window)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.axes[0].texts if t.get_text()]
    n_claims = int(run.claims().estimand.str.startswith("ladder:").sum())
    assert len(texts) == n_claims > 10
    boxes = [t.get_window_extent(renderer) for t in texts]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)


def test_scenario_table_reads_saved_runs_and_marks_them(quick_run, tmp_path, capsys):
    """`scenario-table` skips a scenario already run and tabulates the saved folders: each
    run's convergence, sampler settings and headline; quick runs marked."""
    root = tmp_path / "scenarios"
    shutil.copytree(quick_run, root / "default")
    args = ["scenario-table", "--scenarios", "default", "--root", str(root), "--quick"]
    assert cli.main(args) == 0
    assert "default: already in" in capsys.readouterr().out
    table = pd.read_csv(root / "scenario_table.csv")
    row = table.iloc[0]
    assert row.scenario == "default" and bool(row.quick) and row.target_accept == 0.95
    assert any(c.startswith("ladder 4r ") and c.endswith(": median") for c in table.columns)
    md = (root / "scenario_table.md").read_text()
    assert "| default (quick)" in md and "target_accept" in md and "preconditioned" in md
    # the coordinates each run sampled in, from its manifest
    manifest = json.loads((quick_run / "manifest.json").read_text())
    made = (manifest.get("preconditioner") or {}).get("file", "")
    assert (row.preconditioner if isinstance(row.preconditioner, str) else "") == made
    assert "famine 1931-33 (on the ladder)" in md


def test_scenario_table_refits_a_failed_preconditioned_scenario_in_own_coordinates(
    monkeypatch, tmp_path, capsys
):
    """A scenario whose preconditioned fit fails the gate is fitted again in the model's own
    coordinates (the same posterior, the longer settings); the second fit is the table's."""
    from stalin_mortality import study
    from stalin_mortality.inference import Diagnostics

    calls = []

    def fake_run(*, out, config, **kwargs):
        calls.append(config.precondition)
        out.mkdir(parents=True, exist_ok=True)
        file = "1927_1939.npz" if config.precondition else ""
        (out / "manifest.json").write_text(json.dumps({"preconditioner": {"file": file}}))
        passed = not config.precondition
        return out, Diagnostics(1.003 if passed else 1.02, 900, 900, 0, passed)

    monkeypatch.setattr(study, "run", fake_run)
    monkeypatch.setattr(cli, "_write_scenario_table", lambda table, root, quick: 0)
    monkeypatch.setattr("stalin_mortality.sensitivity.scenario_table", lambda dirs: None)
    root = tmp_path / "scenarios"
    assert cli.main(["scenario-table", "--scenarios", "archival", "--root", str(root)]) == 0
    assert calls == [True, False]
    out = capsys.readouterr().out
    assert "failed the gate; again in the model's own" in out
    assert "archival: r_hat 1.003" in out
    # a fit that passes, or one already in its own coordinates, is not run again
    calls.clear()
    monkeypatch.setattr(
        study,
        "run",
        lambda *, out, config, **kw: (
            calls.append(config.precondition),
            out.mkdir(parents=True, exist_ok=True),
            (out / "manifest.json").write_text("{}"),
            (out, Diagnostics(1.02, 300, 300, 0, False)),
        )[-1],
    )
    assert cli.main(["scenario-table", "--scenarios", "flat_trend", "--root", str(root)]) == 0
    assert calls == [True]
