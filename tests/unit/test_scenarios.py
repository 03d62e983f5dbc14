import pytest

import stalin_mortality as sm
from stalin_mortality.constants import SCENARIO_DIR
from stalin_mortality.exceptions import ScenarioError
from stalin_mortality.model.shortfall import prior_specs as shortfall_specs
from stalin_mortality.scenarios import list_scenarios, load_scenario

WINDOW_SPECS = sm.prior_specs(sm.load_window("1927_1939"))


def resolve(path, specs=WINDOW_SPECS):
    """A scenario is checked against the model it is used with."""
    return load_scenario(path).resolve(specs)


def test_shipped_scenarios_resolve_against_the_window():
    names = list_scenarios()
    assert {"default", "informed_1939", "archival", "registered_baseline"} <= set(names)
    for n in names:
        windows = load_scenario(n).windows
        if not windows:
            assert set(resolve(n)) == set(WINDOW_SPECS)
        for w in windows:  # a scenario for one window resolves against it
            specs = sm.prior_specs(sm.load_window(w))
            assert set(resolve(n, specs)) == set(specs)
    assert load_scenario("default").hash != load_scenario("registered_baseline").hash
    # the baseline scenarios also serve the shortfall study
    assert set(resolve("registered_baseline", shortfall_specs())) == set(shortfall_specs())


def test_every_prior_declares_its_support_and_meaning():
    for spec in [*WINDOW_SPECS.values(), *shortfall_specs().values()]:
        assert spec.support in ("real", "positive", "probability"), spec.name
        assert len(spec.description) > 20, spec.name
        assert spec.component, spec.name


def _write(tmp_path, text):
    p = tmp_path / "s.toml"
    p.write_text(text)
    return p


def test_unknown_prior_lists_known(tmp_path):
    p = _write(tmp_path, '[priors.padding_1940]\ndistribution = "Normal"\nmu = 0\nsigma = 1\n')
    with pytest.raises(
        ScenarioError,
        match=r"s.toml: unknown prior 'padding_1940' for this model; known .*tfr_1927",
    ):
        resolve(p)


def test_negative_sd(tmp_path):
    p = _write(tmp_path, '[priors.census_age_noise]\ndistribution = "HalfNormal"\nsigma = -0.1\n')
    with pytest.raises(ScenarioError, match="'sigma' must be positive"):
        resolve(p)


def test_unknown_distribution(tmp_path):
    p = _write(tmp_path, '[priors.census_age_noise]\ndistribution = "Gaussian"\nsigma = 0.1\n')
    with pytest.raises(ScenarioError, match="unknown distribution 'Gaussian'"):
        resolve(p)


def test_discrete_distribution_for_a_continuous_parameter(tmp_path):
    p = _write(tmp_path, '[priors.census_age_noise]\ndistribution = "Poisson"\nmu = 1.0\n')
    with pytest.raises(ScenarioError, match="Poisson is discrete"):
        resolve(p)


def test_bad_parameter_name(tmp_path):
    p = _write(tmp_path, '[priors.census_age_noise]\ndistribution = "HalfNormal"\nscale = 0.1\n')
    with pytest.raises(ScenarioError, match="is invalid"):
        resolve(p)


def test_malformed_toml(tmp_path):
    p = _write(tmp_path, "[priors.census_age_noise\n")
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
        resolve(p)


def test_positive_parameter_needs_a_positive_support(tmp_path):
    p = _write(tmp_path, '[priors.excess_gulag]\ndistribution = "Normal"\nmu = 1e4\nsigma = 1e3\n')
    with pytest.raises(ScenarioError, match="'excess_gulag' is positive"):
        resolve(p)


def test_vector_parameters_and_their_checks(tmp_path):
    p = _write(
        tmp_path,
        '[priors.famine_intensity]\ndistribution = "LogNormal"\nmu = [0.0, 0.0, 0.0, 1.0, 2.0]\n'
        "sigma = [1.0, 1.0, 1.0, 1.0, 0.5]\n",
    )
    assert list(resolve(p)["famine_intensity"].parameters["mu"]) == [0, 0, 0, 1, 2]
    p = _write(
        tmp_path,
        '[priors.famine_intensity]\ndistribution = "LogNormal"\nmu = 0\nsigma = [1.0, -1.0]\n',
    )
    with pytest.raises(ScenarioError, match="must be positive"):
        resolve(p)
    p = _write(tmp_path, '[priors.famine_intensity]\ndistribution = "LogNormal"\nmu = ["a"]\n')
    with pytest.raises(ScenarioError, match="number or a list of numbers"):
        resolve(p)
    p = _write(
        tmp_path, '[priors.mortality_level]\ndistribution = "Normal"\nmu = [0, 1]\nsigma = 1\n'
    )
    with pytest.raises(ScenarioError, match="takes a single number for 'mu'"):
        resolve(p)


def test_a_scenario_may_leave_out_observation_series(tmp_path, observations, window):
    sc = load_scenario("pre_archival")
    assert sc.exclude == ("archival",) and sc.overrides == {}
    assert sc.hash != load_scenario("default").hash
    model = sm.build_model(observations, window, sc)
    names = {v.name for v in model.observed_RVs}
    assert not any(n.startswith("archival_") for n in names)
    assert "census_1937" in names and "registered_deaths_1931_33" in names
    loco = _write(tmp_path, '[observations]\nexclude = ["census_1937", "registration"]\n')
    names = {v.name for v in sm.build_model(observations, window, load_scenario(loco)).observed_RVs}
    assert "census_1937" not in names and "census_1939" in names
    assert not any(n.startswith("registered_") for n in names)


@pytest.mark.parametrize(
    "text, message",
    [
        ('[observations]\nexclude = ["archives"]\n', "takes 'exclude'"),
        ('[observations]\nexclude = "archival"\n', "takes 'exclude'"),
        ('[observations]\nkeep = ["archival"]\n', "takes 'exclude'"),
    ],
)
def test_bad_exclusions_are_errors(tmp_path, text, message):
    with pytest.raises(ScenarioError, match=message):
        load_scenario(_write(tmp_path, text))


def test_excluding_a_census_the_window_does_not_observe(tmp_path, observations, window):
    sc = load_scenario(_write(tmp_path, '[observations]\nexclude = ["census_1959"]\n'))
    with pytest.raises(ScenarioError, match="census_1959, not an observed census"):
        sm.build_model(observations, window, sc)


def test_every_cli_option_has_help():
    """Every option and argument of every command says what it is (`--help` is the manual)."""
    import argparse

    from stalin_mortality import cli

    parser = cli.parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"{name} {action.option_strings or action.dest}: no help"


def test_a_scenario_for_one_window_refuses_another(observations, window):
    """A scenario about priors only the whole era declares names its window; built with the
    1927-1939 window it is an error naming both, not a silent default."""
    from stalin_mortality.model.build import build_model

    sc = load_scenario("military_completeness_fixed")
    assert sc.windows == ("1927_1959",)
    with pytest.raises(ScenarioError, match=r"is for window\(s\) 1927_1959, not '1927_1939'"):
        build_model(observations, window, sc)


def test_scenario_windows_must_be_names(tmp_path):
    p = _write(tmp_path, 'windows = "1927_1959"\n')
    with pytest.raises(ScenarioError, match="'windows' must be a list of window names"):
        load_scenario(p)
