"""What the recovery tests share: a plausible prior draw as the truth, data simulated from
it through the observation models, and the model fitted to those data."""

import numpy as np

import stalin_mortality as sm
from stalin_mortality.inference import SamplerConfig
from stalin_mortality.simulation import draw_truth, simulate_inputs, truth_params


def recover(window_name: str, seed: int, plausible, config: SamplerConfig, attempts: int = 50):
    """``(truth estimands, posterior estimands, prior estimands, diagnostics)`` of one truth:
    ``plausible(window, inputs)`` returns the acceptance test of :func:`draw_truth`."""
    observations = sm.load_observations()
    window = sm.load_window(window_name)
    scenario = sm.load_scenario("default")
    inputs = sm.make_inputs(observations, window)
    model = sm.build_model(observations, window, scenario, inputs=inputs)
    truth = draw_truth(model, seed, accept=plausible(window, inputs), attempts=attempts)
    sim = simulate_inputs(truth, inputs, window, np.random.default_rng(seed))
    truth_ds = sm.estimands.compute_from_params(truth_params(truth, window), inputs, window)
    model = sm.build_model(observations, window, scenario, inputs=sim)
    free = [v.name for v in model.free_RVs]
    tree = sm.fit(model, config, seed=seed, prior_var_names=free)
    diag = sm.diagnose(tree, var_names=free)
    post = sm.compute_estimands(tree, sim, window)
    prior = sm.compute_estimands(tree, sim, window, group="prior")
    return truth_ds, post, prior, diag
