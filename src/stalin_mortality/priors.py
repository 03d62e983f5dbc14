"""Prior declarations: what each model component says about the priors it owns.

A component declares each prior it needs as a :class:`PriorSpec`: its (templated) name, the
default distribution and parameters, what it means and its source, its units, its
*support* (``real``, ``positive`` or ``probability``: declared, never guessed from the
name) and, for a vector prior, the dimension and length.  A scenario overrides priors by
name (:mod:`stalin_mortality.scenarios`); :func:`checked_prior` validates an override against
its declaration.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pymc as pm
import pytensor.tensor as pt
from pymc.logprob.transforms import Transform
from pymc_extras.prior import Prior

from .exceptions import ScenarioError

SUPPORTS = ("real", "positive", "probability")
#: No parameter of a prior here is larger than this (counts have log-scale priors).
MAX_PARAMETER = 1e12
#: Parameters that must be strictly positive, whatever the distribution.
POSITIVE_PARAMETERS = {"sigma", "tau", "alpha", "beta", "lam", "nu", "b", "kappa", "sd"}
#: Continuous distributions whose support is the positive half-line.
POSITIVE_DISTRIBUTIONS = {
    "LogNormal",
    "HalfNormal",
    "HalfCauchy",
    "HalfStudentT",
    "Gamma",
    "InverseGamma",
    "Exponential",
    "Weibull",
    "ChiSquared",
}
#: Distributions on [0, 1].
UNIT_DISTRIBUTIONS = {"Beta", "Kumaraswamy"}
BOUNDED = {"TruncatedNormal", "Uniform"}


#: Display labels of the priors a reader meets in tables (the rest: the name, spaced).
PRIOR_LABELS = {
    "mortality_level": "baseline mortality level (Brass alpha), 1927",
    "mortality_slope": "baseline mortality slope (Brass beta)",
    "mortality_trend": "baseline mortality trend, per year",
    "tfr_1927": "baseline total fertility, 1927",
    "tfr_trend": "baseline fertility trend, per year",
    "sex_ratio_at_birth": "sex ratio at birth",
    "fertility_deviation": "fertility's yearly deviation from its trend",
    "famine_intensity": "famine-years hazard: yearly intensity",
    "census_age_noise": "census age-composition error",
    "census_age_exaggeration": "census old-age exaggeration (share of 65-69 counted in 70+)",
    "census_old_cohort_misstatement": "older cohorts' misstatement in the observed censuses "
    "(log factor)",
    "census_cohort_misreporting_sd": "census cohort misreporting: sd of a cohort's log factor",
    "census_cohort_misreporting_z": "census cohort misreporting: standardised log factors",
    "child_coverage": "census coverage of children 0-4 (relative)",
    "padding_1939": "padding of the 1939 census",
    "sentence_ratio_1930_36": "death sentences per execution, 1930-36",
    "sentence_ratio_1937_38": "death sentences per execution, 1937-38",
    "gulag_series_share_1930_34": "Gulag series' share of Gulag deaths, 1930-34",
    "archival_completeness_gulag": "completeness of the Gulag's death records",
    "archival_completeness_dekulakisation": "completeness of the settlers' death records",
    "birth_registration_completeness": "birth registration completeness, 1926",
    "death_registration_completeness": "death registration completeness, 1926",
    "birth_registration_completeness_1931_33": "birth registration completeness, 1931-33",
    "death_registration_completeness_1931_33": (
        "death registration completeness (non-famine deaths), 1931-33"
    ),
    "birth_registration_completeness_1931_33_level": "birth registration completeness, "
    "1931-33 level",
    "death_registration_completeness_1931_33_level": "death registration completeness "
    "(non-famine deaths), 1931-33 level",
    "birth_registration_completeness_1931_33_year": "birth registration completeness, "
    "1931-33: yearly deviation (logit)",
    "death_registration_completeness_1931_33_year": "death registration completeness, "
    "1931-33: yearly deviation (logit)",
    "famine_death_registration_1931_33": "registration of famine deaths relative to others, "
    "1931-33",
}


def prior_label(name: str) -> str:
    """A prior's display label: ``PRIOR_LABELS``, or for the families named by pattern
    (``coverage_1937``, ``excess_gulag``, ``undercount_...``) a label built from the name."""
    if name in PRIOR_LABELS:
        return PRIOR_LABELS[name]
    for prefix, text in (
        ("coverage_", "census coverage of ages 5+, "),
        ("excess_", "excess deaths a year: "),
        ("undercount_", "undercount of the initial census, "),
        ("emigration_", "net emigration, "),
    ):
        if name.startswith(prefix):
            return text + name[len(prefix) :].replace("_", " ")
    if name.endswith("_age_pattern"):
        return f"age-sex pattern of {name[: -len('_age_pattern')].replace('_', ' ')}"
    return name.replace("_", " ")


@dataclass(frozen=True)
class PriorSpec:
    """A prior a component owns (see the module docstring)."""

    name: str
    distribution: str
    parameters: dict
    description: str
    support: str = "real"
    units: str = ""
    dim: str | None = None  # vector prior: one value per element of this dimension
    size: int | None = None
    component: str = ""
    source: str = ""  # keys of data/sources.csv (space or comma separated)
    #: "assumption": a modelling or definitional choice (no source; its description says why)
    basis: str = ""
    #: Sampling coordinates other than the distribution's default (:data:`TRANSFORMS`), for
    #: whatever prior on [0, 1] a scenario gives it; the prior and posterior are unchanged.
    transform: str = ""
    #: A (half-, zero-sum) normal prior's sigma at or below which it holds the parameter:
    #: a value switched off (a scenario frees it), not a belief, so the identification
    #: tables label it ``held fixed`` rather than ``prior dominates`` (:func:`held`).
    held_sigma: float | None = None

    def default(self) -> Prior:
        return checked_prior(
            self, {"distribution": self.distribution, **self.parameters}, "defaults"
        )

    def as_row(self) -> dict:
        """One row of the prior catalogue."""
        params = ", ".join(
            f"{k}={np.asarray(v).tolist()}" for k, v in sorted(self.parameters.items())
        )
        return {
            "name": self.name,
            "label": prior_label(self.name),
            "component": self.component,
            "distribution": f"{self.distribution}({params})",
            "support": self.support,
            "units": self.units,
            "length": self.size or 1,
            "description": " ".join(self.description.split()),
            "source": self.source,
            "basis": self.basis or ("sourced" if self.source else ""),
        }


def _numbers(name: str, key: str, value, where: str):
    values = value if isinstance(value, list) else [value]
    if not values or any(isinstance(v, bool) or not isinstance(v, int | float) for v in values):
        raise ScenarioError(
            f"{where}: prior '{name}': parameter '{key}' must be a number or a list of "
            f"numbers (one per year), got {value!r}"
        )
    if not all(np.isfinite(values)):
        raise ScenarioError(f"{where}: prior '{name}': parameter '{key}' must be finite")
    if max(abs(v) for v in values) > MAX_PARAMETER:
        raise ScenarioError(
            f"{where}: prior '{name}': parameter '{key}' = {value} is implausibly large (no "
            f"parameter of this model exceeds {MAX_PARAMETER:g}; counts are priors on the log "
            "scale)"
        )
    return values


def _check_support(spec: PriorSpec, dist: str, params: dict, where: str) -> None:
    """The prior's support must lie inside what the parameter can be."""
    name, support = spec.name, spec.support
    lower, upper = params.get("lower"), params.get("upper")
    if support == "probability":
        if dist in UNIT_DISTRIBUTIONS:
            return
        if dist in BOUNDED and lower is not None and upper is not None:
            if np.all(np.asarray(lower) >= 0) and np.all(np.asarray(upper) <= 1):
                return
            raise ScenarioError(
                f"{where}: prior '{name}' is a probability: its bounds must lie in [0, 1], "
                f"got lower={lower}, upper={upper}"
            )
        raise ScenarioError(
            f"{where}: prior '{name}' is a probability: use Beta, or TruncatedNormal/Uniform "
            f"with lower and upper inside [0, 1] (got {dist})"
        )
    if support == "positive":
        if dist in POSITIVE_DISTRIBUTIONS or dist in UNIT_DISTRIBUTIONS:
            return
        if dist in BOUNDED and lower is not None and np.all(np.asarray(lower) >= 0):
            return
        raise ScenarioError(
            f"{where}: prior '{name}' is positive ({spec.units or 'no units'}): use a "
            f"distribution on the positive half-line, e.g. LogNormal (got {dist})"
        )


#: Distributions whose ``sigma`` is a scale about a fixed centre: at a negligible sigma
#: they hold the parameter there (:func:`held`).
HELD_DISTRIBUTIONS = ("Normal", "HalfNormal", "ZeroSumNormal")


def held(spec: PriorSpec, prior: Prior) -> bool:
    """Whether ``prior`` (the default or a scenario's) holds the parameter at its centre: a
    Normal, half-normal or zero-sum normal whose every sigma is at or below the
    declaration's ``held_sigma`` (the scenarios ``no_cohort_error``, ``no_exaggeration``
    and, by default, the older cohorts' error)."""
    if spec.held_sigma is None or prior.distribution not in HELD_DISTRIBUTIONS:
        return False
    sigma = np.asarray(prior.parameters.get("sigma", np.inf), dtype=float)
    return bool(np.all(sigma <= spec.held_sigma))


def checked_prior(spec: PriorSpec, raw: dict, where: str, probe: bool = False) -> Prior:
    """Turn ``{"distribution": ..., **parameters}`` into a :class:`Prior` checked against its
    declaration: known continuous distribution, finite numbers, positive scales, the
    declared support, and one value per element for a vector prior; with ``probe`` (a
    scenario's override), also 20 draws that must be finite and inside the support."""
    name = spec.name
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: prior '{name}' must be a table, got {raw!r}")
    params = dict(raw)
    dist = params.pop("distribution", None)
    if dist is None:
        raise ScenarioError(f"{where}: prior '{name}' has no 'distribution'")
    cls = getattr(pm, str(dist), None)
    if not isinstance(cls, type) or not hasattr(cls, "dist"):
        raise ScenarioError(f"{where}: prior '{name}': unknown distribution '{dist}'")
    if issubclass(cls, pm.Discrete):
        raise ScenarioError(
            f"{where}: prior '{name}': {dist} is discrete; the parameter is continuous"
        )
    for key, value in params.items():
        values = _numbers(name, key, value, where)
        if key in POSITIVE_PARAMETERS and min(values) <= 0:
            raise ScenarioError(
                f"{where}: prior '{name}': parameter '{key}' must be positive, got {value}"
            )
        if isinstance(value, list):
            if spec.size is None:
                raise ScenarioError(
                    f"{where}: prior '{name}' takes a single number for '{key}', not a list"
                )
            if len(value) != spec.size:
                raise ScenarioError(
                    f"{where}: prior '{name}' parameter '{key}' has {len(value)} values; it "
                    f"needs one per {spec.dim} ({spec.size}) or a single number"
                )
            params[key] = np.asarray(value, dtype=float)
        else:
            params[key] = float(value)
    if "lower" in params and "upper" in params and np.any(params["lower"] >= params["upper"]):
        raise ScenarioError(f"{where}: prior '{name}': lower must be below upper")
    _check_support(spec, dist, params, where)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            # a vector prior draws one value per element
            rv = cls.dist(**params, **({} if spec.size is None else {"shape": (spec.size,)}))
    except (TypeError, ValueError) as err:
        raise ScenarioError(
            f"{where}: prior '{name}': {dist}({params}) is invalid: {err}"
        ) from None
    if probe:
        _probe(spec, rv, f"{dist}({params})", where)
    return Prior(dist, **params)


def _probe(spec: PriorSpec, rv, shown: str, where: str) -> None:
    """A prior a scenario sets must give finite draws inside its declared support."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            draws = np.asarray(pm.draw(rv, draws=20, random_seed=0, mode="FAST_COMPILE"))
    except Exception as err:
        first = str(err).splitlines()[0] if str(err) else ""
        raise ScenarioError(
            f"{where}: prior '{spec.name}': {shown} cannot be drawn from "
            f"({type(err).__name__}: {first})"
        ) from None
    ok = np.isfinite(draws)
    if spec.support == "positive":
        ok &= draws > 0
    elif spec.support == "probability":
        ok &= (draws >= 0) & (draws <= 1)
    if not np.isfinite(draws).all():
        raise ScenarioError(
            f"{where}: prior '{spec.name}': {shown} gives {draws[~np.isfinite(draws)][0]}, not "
            f"a finite number (the parameter is in {spec.units or spec.support}: a mean or "
            "scale in the wrong units?)"
        )
    if not ok.all():
        raise ScenarioError(
            f"{where}: prior '{spec.name}': {shown} gives {draws[~ok].ravel()[0]:.3g}, outside "
            f"what the parameter can be ({spec.support}{', ' + spec.units if spec.units else ''})"
        )


class Probit(Transform):
    """``z = Phi^-1(x)`` for a share ``x``: a Beta(1, 1) (uniform) share is a standard normal in
    ``z``.  The default log-odds transform gives a flat prior exponential tails in the
    sampler's space; the whole era's preconditioned fit mixed slowly in them (r_hat 1.014 on
    the famine deaths' registration share, bulk ESS 542: docs/sampling.md)."""

    name = "probit"

    def forward(self, value, *inputs):
        return np.sqrt(2.0) * pt.erfinv(2.0 * value - 1.0)

    def backward(self, value, *inputs):
        return 0.5 * pt.erfc(-value / np.sqrt(2.0))

    def log_jac_det(self, value, *inputs):
        return -0.5 * value**2 - 0.5 * np.log(2.0 * np.pi)


PROBIT = Probit()
#: The sampling coordinates a :class:`PriorSpec` may ask for (``transform``).
TRANSFORMS = {"probit": PROBIT}


def create_variable(spec: PriorSpec, prior: Prior):
    """Add the prior to the model in context (a vector prior along ``spec.dim``), in the
    coordinates ``spec.transform`` asks for when the prior is on [0, 1]."""
    extra: dict[str, object] = {}
    if spec.transform and prior.distribution in UNIT_DISTRIBUTIONS:
        extra["default_transform"] = TRANSFORMS[spec.transform]
    if spec.dim is not None:
        extra.update(dims=spec.dim, shape=(spec.size,))
    if not extra:
        return prior.create_variable(spec.name)
    return getattr(pm, prior.distribution)(spec.name, **prior.parameters, **extra)
