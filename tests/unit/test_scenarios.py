import pytest

from stalin_mortality.constants import SCENARIO_DIR
from stalin_mortality.exceptions import ScenarioError
from stalin_mortality.scenarios import DEFAULT_PRIORS, list_scenarios, load_scenario


def test_shipped_scenarios_load():
    names = list_scenarios()
    assert {"default", "informed_1939", "archival", "registered_baseline"} <= set(names)
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


@pytest.mark.parametrize(
    "spec",
    [
        'distribution = "Normal"\nmu = 0.9\nsigma = 0.1\n',
        'distribution = "TruncatedNormal"\nmu = 0.9\nsigma = 0.1\nlower = 0.5\nupper = 1.2\n',
        'distribution = "Uniform"\nlower = -0.1\nupper = 1.0\n',
    ],
)
def test_probability_outside_0_1_is_impossible(tmp_path, spec):
    p = _write(tmp_path, "[priors.coverage_1939]\n" + spec)
    with pytest.raises(ScenarioError, match="coverage_1939' is a probability"):
        load_scenario(p)


def test_vector_parameters_and_their_checks(tmp_path):
    p = _write(
        tmp_path,
        '[priors.famine_intensity]\ndistribution = "LogNormal"\nmu = [0.0, 1.0, 2.0]\n'
        "sigma = [1.0, 1.0, 0.5]\n",
    )
    assert list(load_scenario(p).prior("famine_intensity").parameters["mu"]) == [0, 1, 2]
    p = _write(
        tmp_path,
        '[priors.famine_intensity]\ndistribution = "LogNormal"\nmu = 0\nsigma = [1.0, -1.0]\n',
    )
    with pytest.raises(ScenarioError, match="must be positive"):
        load_scenario(p)
    p = _write(tmp_path, '[priors.famine_intensity]\ndistribution = "LogNormal"\nmu = ["a"]\n')
    with pytest.raises(ScenarioError, match="number or a list of numbers"):
        load_scenario(p)
