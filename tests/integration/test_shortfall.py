"""The shortfall study end to end, with a short run (real sampling, few draws)."""

import json

import numpy as np
import pytest

from stalin_mortality import cli
from stalin_mortality.data import load_observations
from stalin_mortality.model import build_shortfall_model
from stalin_mortality.scenarios import load_scenario
from tests.conftest import assert_report_reproduces_tables


def test_model_builds_and_logp_is_finite():
    model = build_shortfall_model(load_observations(), load_scenario("default"))
    assert np.isfinite(model.compile_logp()(model.initial_point()))
    assert {"expected_population_1937", "shortfall_1937", "population_1937"} <= set(
        model.named_vars
    )


def test_projection_in_model_keeps_identity():
    import pymc as pm

    model = build_shortfall_model(load_observations(), load_scenario("default"))
    with model:
        prior = pm.sample_prior_predictive(draws=20, random_seed=3)["prior"]
    start = prior["population_1927"].sum("sex")
    births = prior["expected_births"].sum("year")
    deaths = prior["expected_deaths"].sum(("year", "sex"))
    end = prior["expected_population_1937_total"]
    np.testing.assert_allclose(end, start + births - deaths, rtol=1e-12)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "quick"
    args = ["run", "--study", "shortfall_1937", "--quick", "--quiet", "--out", str(out)]
    assert cli.main([*args, "--seed", "7"]) == 0
    return out


def test_quick_run_writes_everything(quick_run):
    for rel in (
        "posterior.nc",
        "manifest.json",
        "tables/shortfall_1937.csv",
        "tables/shortfall_1937.md",
        "tables/shortfall_1937.tex",
        "figures/shortfall_1937.png",
        "figures/shortfall_1937.pdf",
        "figures/shortfall_1937.csv",
    ):
        assert (quick_run / rel).exists(), rel
    manifest = json.loads((quick_run / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["sampler"]["nuts_sampler"] == "nutpie"
    from stalin_mortality.data.schema import SCHEMAS

    assert len(manifest["data_checksums"]) == len(SCHEMAS)  # every file of data/
    meta = json.loads((quick_run / "tables/shortfall_1937.csv-metadata.json").read_text())
    assert "90% equal-tailed credible interval" in meta["title"]
    assert meta["status"].startswith("QUICK RUN") == bool(manifest.get("quick"))


def test_shortfall_is_positive_and_census_inside(quick_run):
    import pandas as pd

    t = pd.read_csv(quick_run / "tables/shortfall_1937.csv").set_index("quantity")
    assert t.loc["shortfall 1937 (both sexes)", "lower"] > 0
    pop = t.loc["true population 1937 (both sexes)"]
    assert pop["lower"] < 162_003_225 / 0.99 and pop["upper"] > 162_003_225


def test_report_reproduces_tables_byte_identical(quick_run, tmp_path):
    assert_report_reproduces_tables(quick_run, tmp_path)


def test_existing_results_not_overwritten(quick_run, capsys):
    assert cli.main(["run", "--study", "shortfall_1937", "--quick", "--out", str(quick_run)]) == 2
    assert "exists; pass --force" in capsys.readouterr().err


def test_check_command(capsys):
    assert cli.main(["check"]) == 0
    assert "files valid" in capsys.readouterr().out


def test_bad_scenario_is_a_message_not_a_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[priors.nope]\ndistribution = "Normal"\n')
    assert cli.main(["check", "--scenario", str(bad)]) == 2
    assert "unknown prior 'nope'" in capsys.readouterr().err
