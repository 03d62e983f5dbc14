"""The model checks made before any sampling, the same for ``check`` and ``run``.

:func:`check_model` draws the sampler's starting point and a few prior draws of every free
parameter, runs them through the numpy account, and refuses a scenario whose priors imply
absurd quantities, naming the prior, the value and the units it expects: a non-finite
value (e.g. a log-normal ``mu`` given in persons instead of log persons), a yearly count
of deaths above the population, a population that is not positive.  With
``gradient=True`` the log density and its gradient must also be finite at the starting
point (compiled with JAX, as the sampler compiles it).
"""

from __future__ import annotations

import warnings

import numpy as np
import pymc as pm

from .exceptions import ScenarioError
from .model import account
from .model.components import account_parameters, prior_specs
from .window import Window

#: Prior draws checked (with the starting point).
N_DRAWS = 20


def _start(model: pm.Model) -> dict[str, np.ndarray]:
    """The sampler's starting point, on the parameters' own scale (one leading draw)."""
    names = [v.name for v in model.free_RVs]
    fn = model.compile_fn(
        [model[n] for n in names],
        inputs=model.value_vars,
        on_unused_input="ignore",
        mode="FAST_COMPILE",
    )
    values = fn(model.initial_point())
    return {n: np.asarray(v, dtype=float)[None] for n, v in zip(names, values, strict=True)}


def _prior_draws(model: pm.Model, n: int, seed: int) -> dict[str, np.ndarray]:
    names = [v.name for v in model.free_RVs]
    values = pm.draw([model[x] for x in names], draws=n, random_seed=seed, mode="FAST_COMPILE")
    return {x: np.asarray(v, dtype=float) for x, v in zip(names, values, strict=True)}


def _describe(spec, prior) -> str:
    params = ", ".join(f"{k}={np.asarray(v).tolist()}" for k, v in prior.parameters.items())
    units = f"; the parameter is in {spec.units}" if spec.units else ""
    if prior.distribution == "LogNormal":
        units += " (LogNormal: mu and sigma are of its logarithm)"
    return f"prior '{spec.name}' = {prior.distribution}({params}){units}"


def check_values(
    values: dict, model_priors: dict, window: Window, inputs: account.Inputs, where: str
) -> None:
    """Refuse parameter values (leading draw dimension) whose consequences are absurd."""
    specs = prior_specs(window)
    for name, v in values.items():
        if not np.all(np.isfinite(v)):
            bad = v[~np.isfinite(v)].ravel()[0]
            raise ScenarioError(
                f"{where}: {_describe(specs[name], model_priors[name])} gives {bad}, not a "
                "finite number (a mean or scale in the wrong units?)"
            )
    params = {k: values[k] for k in account_parameters(window)}
    with np.errstate(all="ignore"):
        out = account.simulate(params, inputs, window)
    start = out["population"][:, 0].sum(axis=(-2, -1))  # [draw], 1 Jan of the first year
    for c in window.causes:
        if c.kind != "count":
            continue
        total = values[c.prior_name].sum(axis=-1)  # [draw] deaths over the cause's years
        over = total > 0.5 * start
        if np.any(over):
            i = int(np.argmax(over))
            raise ScenarioError(
                f"{where}: {_describe(specs[c.prior_name], model_priors[c.prior_name])} gives "
                f"{total[i]:.3g} deaths in {c.years[0]}-{c.years[1]}, over half the population "
                f"({start[i]:.3g}): the prior's scale or units are wrong"
            )
    pop = out["population"].sum(axis=(-2, -1))
    if not (np.all(np.isfinite(pop)) and np.all(pop > 0)):
        raise ScenarioError(
            f"{where}: the account gives a population that is not positive and finite: check "
            "the units of the scenario's priors"
        )


def check_model(
    model: pm.Model,
    window: Window,
    inputs: account.Inputs,
    model_priors: dict,
    *,
    draws: int = N_DRAWS,
    seed: int = 0,
    gradient: bool = False,
) -> None:
    """The checks of the module docstring; raises :class:`ScenarioError`."""
    # absurd priors overflow on the way: that is what is being checked, not a warning
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        start = _start(model)
        prior = _prior_draws(model, draws, seed)
        check_values(start, model_priors, window, inputs, "at the sampler's starting point")
        check_values(prior, model_priors, window, inputs, "in prior draws")
    if gradient:
        check_gradient(model)


def check_gradient(model: pm.Model) -> None:
    """The log density and its gradient are finite at the starting point (JAX)."""
    import jax
    from pymc.sampling.jax import get_jaxified_logp

    logp = get_jaxified_logp(model)
    point = model.initial_point()
    values = [point[v.name] for v in model.value_vars]
    fn = jax.jit(jax.value_and_grad(lambda *a: logp(a), argnums=tuple(range(len(values)))))
    value, grads = fn(*values)
    if not np.isfinite(float(value)):
        raise ScenarioError("the log density is not finite at the sampler's starting point")
    for var, g in zip(model.value_vars, grads, strict=True):
        if not np.all(np.isfinite(np.asarray(g))):
            raise ScenarioError(
                f"the gradient of the log density is not finite in '{var.name}' at the "
                "sampler's starting point"
            )
