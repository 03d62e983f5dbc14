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
- :mod:`.archives`: archival death counts.
"""

from __future__ import annotations

from ...priors import PriorSpec
from ...window import Window
from . import archives, baseline, causes, census, fertility, flows, initial, registration

#: Components whose parameters drive the projection (the account), in creation order.
ACCOUNT = (baseline, fertility, initial, flows, fertility.Deviations, causes)
#: Components that observe the account.
OBSERVATION = (census, registration, archives)
COMPONENTS = (*ACCOUNT, *OBSERVATION)


def prior_specs(window: Window, components=COMPONENTS) -> dict[str, PriorSpec]:
    """Every prior the window's model needs, by name, in creation order."""
    out: dict[str, PriorSpec] = {}
    for comp in components:
        for spec in comp.priors(window):
            if spec.name in out:
                raise ValueError(f"prior '{spec.name}' declared twice")
            out[spec.name] = spec
    return out


def account_parameters(window: Window) -> list[str]:
    """The free parameters the projection takes (what estimands read from a posterior)."""
    return list(prior_specs(window, ACCOUNT))
