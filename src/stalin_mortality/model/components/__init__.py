"""Model components, each owning its default priors and adding itself to the model.

Order matters only for reproducibility: it is the order in which free parameters are
created (and so the sampler's parameter vector).

- :mod:`.baseline`: Brass relational logit baseline mortality;
- :mod:`.fertility`: TFR, its trend and crisis deviations, the sex ratio at birth;
- :mod:`.initial`: the starting population (initial census and its undercount);
- :mod:`.flows`: migration flows;
- :mod:`.causes`: causes of excess death (hazard and count);
- :mod:`.census`: the observed censuses (coverage, padding, age noise);
- :mod:`.registration`: registered births and deaths;
- :mod:`.archives`: archival death counts;
- :mod:`.reconstruction`: births from a demographic reconstruction (the war years).
"""

from __future__ import annotations

from dataclasses import replace

from ...exceptions import WindowError
from ...priors import PriorSpec
from ...window import Window
from . import (
    archives,
    baseline,
    causes,
    census,
    fertility,
    flows,
    initial,
    reconstruction,
    registration,
)

#: Components whose parameters drive the projection (the account), in creation order.
ACCOUNT = (baseline, fertility, initial, flows, fertility.Deviations, causes)
#: Components that observe the account.
OBSERVATION = (census, registration, archives, reconstruction)
COMPONENTS = (*ACCOUNT, *OBSERVATION)


def prior_specs(window: Window, components: tuple = COMPONENTS) -> dict[str, PriorSpec]:
    """Every prior the window's model needs, by name, in creation order: each component's
    declaration, with the window's own prior (``[priors.NAME]``, sourced) in place of the
    component's generic default."""
    out: dict[str, PriorSpec] = {}
    for comp in components:
        for spec in comp.priors(window):
            if spec.name in out:
                raise ValueError(f"prior '{spec.name}' declared twice")
            if spec.name in window.priors:
                spec = with_window_prior(spec, window.priors[spec.name])
            out[spec.name] = spec
    if components is COMPONENTS:
        unknown = sorted(set(window.priors) - set(out))
        if unknown:
            raise WindowError(
                f"{window.path or window.name}: prior {unknown[0]}: not a prior of this "
                f"window's model; known: {', '.join(out)}"
            )
    return out


def with_window_prior(spec: PriorSpec, default) -> PriorSpec:
    """``spec`` with the distribution, parameters, description and source a window states
    (support, units and length stay the component's)."""
    return replace(
        spec,
        distribution=default.distribution,
        parameters=default.parameters,
        description=default.description,
        units=default.units or spec.units,
        source=default.source,
        basis=default.basis,
    )


def account_parameters(window: Window) -> list[str]:
    """The free parameters the projection takes (what estimands read from a posterior)."""
    return list(prior_specs(window, ACCOUNT))
