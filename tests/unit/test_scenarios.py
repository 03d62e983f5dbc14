import pytest

from stalin_mortality.constants import SCENARIO_DIR
from stalin_mortality.exceptions import ScenarioError
from stalin_mortality.scenarios import DEFAULT_PRIORS, list_scenarios, load_scenario


def test_shipped_scenarios_load():
    names = list_scenarios()
    assert {"default", "registered_baseline", "reconstructed_baseline"} <= set(names)
    for n in names:
        sc = load_scenario(n)
        assert set(sc.priors) == set(DEFAULT_PRIORS)
    assert load_scenario("default").hash != load_scenario("registered_baseline").hash


def _write(tmp_path, text):
    p = tmp_path / "s.toml"
    p.write_text(text)
    return p


def test_unknown_prior_lists_known(tmp_path):
    p = _write(tmp_path, '[priors.padding_1940]\ndistribution = "Normal"\nmu = 0\nsigma = 1\n')
    with pytest.raises(
        ScenarioError, match=r"unknown prior 'padding_1940'; known priors: .*undercount_1926"
    ):
        load_scenario(p)


def test_negative_sd(tmp_path):
    p = _write(tmp_path, '[priors.census_noise]\ndistribution = "HalfNormal"\nsigma = -0.1\n')
    with pytest.raises(ScenarioError, match="'sigma' must be positive"):
        load_scenario(p)


def test_unknown_distribution(tmp_path):
    p = _write(tmp_path, '[priors.census_noise]\ndistribution = "Gaussian"\nsigma = 0.1\n')
    with pytest.raises(ScenarioError, match="unknown distribution 'Gaussian'"):
        load_scenario(p)


def test_bad_parameter_name(tmp_path):
    p = _write(tmp_path, '[priors.census_noise]\ndistribution = "HalfNormal"\nscale = 0.1\n')
    with pytest.raises(ScenarioError, match="is invalid"):
        load_scenario(p)


def test_malformed_toml(tmp_path):
    p = _write(tmp_path, "[priors.census_noise\n")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(p)


def test_unknown_scenario_name():
    with pytest.raises(ScenarioError, match=r"unknown scenario 'nope'; known: .*default"):
        load_scenario("nope", SCENARIO_DIR)
