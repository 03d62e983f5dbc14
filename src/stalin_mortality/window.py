"""Windows: the period an account covers, as data (``models/windows/<name>.toml``).

A window names its first and last projection year (states run from 1 January of the first
year to 1 January after the last), each census and its role, the causes of excess death
(kind, years, age-sex pattern, tags, default prior), the crisis episodes of fertility, the
flows, and the registered and archival series it observes.  The maths is Python
(:mod:`stalin_mortality.model`); nothing outside the window files names a window's years.

Loading validates the file into frozen dataclasses (:class:`Window`, :class:`CauseSpec`,
:class:`CensusSpec`, ...); a problem is a :class:`~stalin_mortality.exceptions.WindowError`
naming the file and the entry.
"""

from __future__ import annotations

import datetime
import itertools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import numpy as np

from .constants import DEFAULT_WINDOW, MAX_AGE, PRECONDITION_SCOPES, WINDOW_DIR
from .exceptions import WindowError
from .files import read_named_file

N_AGES = MAX_AGE + 1
CAUSE_KINDS = ("hazard", "count")
#: Tags a cause may carry.  ``regime`` causes make up the definition ladder, rung by rung
#: through ``executions``, ``custodial`` and ``famine`` (any other regime cause enters at
#: rung 4); ``war`` and ``residual`` causes are never inside a regime rung.
CAUSE_TAGS = ("regime", "executions", "custodial", "famine", "war", "residual", "other")
CENSUS_ROLES = ("initial", "observed")
FLOW_KINDS = ("emigration", "inflow")
REGISTRATION_KINDS = ("rates", "events")
DEVIATION_STRUCTURES = ("iid", "random_walk", "weighted")
#: How a custodial stock's baseline deaths are weighted by age and sex (archives.stock_weights)
STOCK_COMPOSITIONS = ("pattern", "population")
#: A prior table's keys other than the distribution's parameters (its support is declared
#: by the component that owns it, not by the window).
PRIOR_META = ("description", "units", "source", "basis")
#: What a prior rests on beyond its source keys: ``"assumption"`` marks a modelling or
#: definitional choice of this library (sources, if named, are context), ``"anchored"`` a
#: prior centred on its sources with a spread (or form) the library chose; absent: derived
#: from its sources. The description says why (docs/engine.md).
PRIOR_BASES = ("", "assumption", "anchored")


class _Years:
    """``year_list``: the years from ``years[0]`` to ``years[1]``."""

    years: tuple[int, int]

    @property
    def year_list(self) -> np.ndarray:
        return np.arange(self.years[0], self.years[1] + 1)


@dataclass(frozen=True)
class PriorDefault:
    """A default prior stated in a window file: distribution, parameters and why."""

    distribution: str
    parameters: dict
    description: str
    units: str = ""
    source: str = ""
    basis: str = ""


#: The observation errors a window states (``[observation_errors.NAME]``), each a scale of
#: an observation model beyond its completeness or coverage: name -> what it is.
OBSERVATION_ERRORS = {
    "census_total": "log-scale error of a census total beyond its coverage (tabulation)",
    "registered": "relative error of registered births and deaths (rounding, tabulation)",
    "archival": "log-scale error of an archival count beyond its completeness",
    "reconstructed_rate": "log-scale error of a reconstructed crude birth rate",
    "reconstructed_death_rate": "log-scale error of a reconstructed crude death rate",
    "reconstructed_total": "log-scale error of a reconstructed total of births over years",
}


@dataclass(frozen=True)
class ObservationError:
    """A fixed scale of an observation model, stated in the window file with its reason."""

    name: str
    value: float
    description: str
    source: str = ""
    #: ``assumption`` (a modelling choice) or ``anchored`` (a source fixes the scale's
    #: order, the value is chosen); one without a source must say ``assumption``
    basis: str = ""


@dataclass(frozen=True)
class CauseSpec(_Years):
    """A cause of excess death.

    ``kind`` is ``hazard`` (baseline hazards ``-log S`` times ``1 + intensity[t] *
    pattern[s, a]``) or ``count`` (deaths per year distributed in proportion to population
    times ``pattern``, or to baseline deaths when ``pattern`` is ``None``).
    """

    name: str
    label: str
    kind: str
    years: tuple[int, int]
    tags: tuple[str, ...]
    prior_name: str
    prior: PriorDefault
    pattern: np.ndarray | None = field(default=None, compare=False)  # [sex, age]
    pattern_note: str = ""
    #: An estimated pattern (hazard causes): age bands shared by both sexes, one relative
    #: weight per sex and band, the ``pattern_reference`` band fixed at 1; its prior (on the
    #: log weights, male bands then female bands, the reference left out) is
    #: ``pattern_prior``.  ``pattern`` is then ``None``.
    pattern_bands: tuple[tuple[int, int], ...] = ()
    pattern_reference: tuple[int, int] = (1, 0)  # (sex index, band index)
    pattern_prior: PriorDefault | None = None
    #: Years in which a regime cause's deaths count on its rungs of the ladder (``None``:
    #: all its years).  Its deaths in its other years are excess deaths the model cannot
    #: attribute to it (e.g. a famine hazard's deaths before and after the famine's core
    #: years): they count with the residual, in the ``r`` rungs only.
    ladder_years: tuple[int, int] | None = None
    ladder_label: str = ""  # the label of the part on the ladder, e.g. ``famine 1931-33``

    def has(self, tag: str) -> bool:
        return tag in self.tags

    @property
    def margin_years(self) -> list[int]:
        """The cause's years outside :attr:`ladder_years` (empty when it has none)."""
        if self.ladder_years is None:
            return []
        lo, hi = self.ladder_years
        return [y for y in range(self.years[0], self.years[1] + 1) if not lo <= y <= hi]

    @property
    def estimated_pattern(self) -> bool:
        return bool(self.pattern_bands)

    @property
    def pattern_prior_name(self) -> str:
        return f"{self.name}_age_pattern"

    @property
    def pattern_labels(self) -> list[str]:
        """Labels of the free weights of an estimated pattern (reference left out)."""
        out = []
        for s, sex in enumerate(("male", "female")):
            for b, (lo, hi) in enumerate(self.pattern_bands):
                if (s, b) != self.pattern_reference:
                    out.append(f"{sex} {lo}-{hi}")
        return out


@dataclass(frozen=True)
class CensusSpec:
    """A census: ``initial`` (the starting population, corrected for its undercount) or
    ``observed`` (a noisy count of the latent population on 1 January of ``year``)."""

    year: int
    role: str
    padding: bool = False
    army_ages: tuple[int, int] | None = None  # army counted separately, added to these men
    undercount_young_ages: int = 2  # the initial census misses a share of ages 0..this
    #: Ages [first, last] of the census whose single years are smoothed by a centred 5-year
    #: moving average (the initial census before projection, so digit heaping at ages
    #: ending in 0 and 5 is not carried forward; an observed one before grouping, so
    #: heaping does not move people over the groups' boundaries); the count of those ages
    #: is kept.  None: as counted.
    smooth_ages: tuple[int, int] | None = None
    #: The initial census's count of each cohort (above the young ages) is off by a factor
    #: common to both sexes, the cohorts those of the last observed census's age groups
    #: (``census_<year>_cohort_error``; the count of those ages is kept).
    cohort_error: bool = False
    #: The oldest age on the window's first 1 January with a cohort error
    #: (``cohort_error_last_age``; ``None``: up to the last census's open group).  Older
    #: cohorts reach the later censuses' heaping at 60 and old-age exaggeration, which an
    #: error of the initial count would take for its own.
    cohort_error_last_age: int | None = None
    #: The oldest age on the window's first 1 January with an error of the older cohorts
    #: (``old_cohort_error_last_age``; ``None``: none), the ages above the cohort error's
    #: up to it, grouped by the latest observed census in which each is below the open
    #: group (``census_<year>_old_cohort_error``, one log factor per cohort, common to both
    #: sexes unless ``old_cohort_error_by_sex``; their count is kept with the ages above).
    old_cohort_error_last_age: int | None = None
    #: One older-cohort error per sex and cohort (``old_cohort_error_by_sex``), each sex's
    #: count kept with its own ages 58+; ``False``: one per cohort for both sexes.
    old_cohort_error_by_sex: bool = False
    #: The observed censuses misstate those older cohorts' ages (``old_cohort_misstatement``):
    #: a log factor per cohort, common to both sexes (by sex with ``old_cohort_error_by_sex``)
    #: and to every observed census in which the cohort is below the open group, each sex's
    #: count of those ages and above kept
    #: (``census_old_cohort_misstatement``); ``False``: none.
    old_cohort_misstatement: bool = False
    #: An observed census's count misreports each birth cohort's age by a log factor shared
    #: by every observed census with this flag (``cohort_misreporting``): a variance
    #: component of the composition's error that follows the cohort, by sex, its sd
    #: estimated (``census_cohort_misreporting_sd``), each sex's count kept
    #: (:mod:`~stalin_mortality.model.components.census`).  ``False``: none.
    cohort_misreporting: bool = False
    #: Days from the state's 1 January (``year`` for an observed census, the window's first
    #: year for the initial one) to the census date (``date``): the latent population on the
    #: date is the state's, grown at the year's rate (:meth:`Window.census_population`).
    offset_days: int = 0
    date: str = ""  # ISO date of the census (``date = 1937-01-06``); "" means 1 January
    date_source: str = ""  # keys of data/sources.csv for the date (``date_source``)
    #: An observed census's old-age exaggeration (``misreporting_from``): each age group
    #: from the one starting at this age up to the one below the open group sends a share
    #: of its people to the next group up, by sex (``census_age_exaggeration``;
    #: :mod:`~stalin_mortality.model.components.census`).  ``None``: none.
    misreporting_from: int | None = None

    @property
    def offset(self) -> float:
        """:attr:`offset_days` in years (365.25 days)."""
        return self.offset_days / 365.25


@dataclass(frozen=True)
class DeviationSpec(_Years):
    """A deviation of log TFR from its trend: ``iid`` (one free value a year, the prior is
    each year's deviation), ``random_walk`` (one a year, the prior is each year's
    innovation; the deviation is their running sum, starting from zero before the first
    year) or ``weighted`` (one free level for all its years, times each year's fixed
    ``weights``: e.g. the share of a year's births conceived in wartime)."""

    name: str
    years: tuple[int, int]
    prior: PriorDefault
    structure: str = "iid"
    weights: tuple[float, ...] = ()


@dataclass(frozen=True)
class FlowSpec(_Years):
    """A migration flow: ``emigration`` removes its total evenly over its years, from every
    age and sex in proportion to the year's survivors; ``inflow`` (an annexed territory's
    people) adds it the same way.  With ``ages`` (first and last age on 1 January, both
    sexes) the flow takes from, or adds to, those ages only, still in proportion to the
    year's survivors there."""

    name: str
    years: tuple[int, int]
    prior: PriorDefault
    kind: str = "emigration"
    ages: tuple[int, int] | None = None


@dataclass(frozen=True)
class RegistrationSpec(_Years):
    """Registered births and deaths: ``rates`` (crude rates of ``years[0]``, compared with
    the first projection year) or ``events`` (counts by year), each with a completeness."""

    kind: str
    years: tuple[int, int]
    completeness_suffix: str


@dataclass(frozen=True)
class ReconstructedBirthsSpec:
    """Births a demographic reconstruction gives for years without usable registration
    (``[reconstructed_births]``): crude birth rates of single years (``vital_rates.csv``,
    kind ``reconstructed``) and totals over years (``births_reconstructed.csv``). Neither
    has a completeness: a reconstruction estimates every birth."""

    rate_years: tuple[int, ...] = ()
    total_years: tuple[tuple[int, int], ...] = ()
    #: years whose crude death rate of the same reconstruction is observed (the others of
    #: ``rate_years`` are held out: checked, never observed)
    death_rate_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class RatioSpec(_Years):
    """Records per death of a series in some years (e.g. death sentences per execution):
    a free parameter ``name`` with its prior, multiplying the cause's deaths of those years."""

    name: str
    years: tuple[int, int]
    prior: PriorDefault


@dataclass(frozen=True)
class ArchivalSpec:
    """An archival series observed for a cause: rows of ``archival_counts.csv`` with this
    ``measure`` whose years lie inside the cause's years.

    ``stock``: the series counts every death of a custodial population (stocks in
    ``custodial_stocks.csv``), so its expected record adds the deaths that population would
    have had at baseline mortality.  ``ratios``: records per death in given years (a year
    with none has 1)."""

    cause: str
    measure: str
    stock: bool = False
    ratios: tuple[RatioSpec, ...] = ()
    stock_composition: str = "pattern"  # one of STOCK_COMPOSITIONS (archives.stock_weights)
    #: ``False``: the series has no completeness parameter (its ratios carry everything
    #: between a record and a death, e.g. sentences per execution).
    completeness: bool = True
    #: Only the rows whose ``coverage`` is one of these texts (``None``: every row of the
    #: measure); e.g. some parts of a report whose total is a row too.
    coverage: tuple[str, ...] | None = None

    def ratio_of_year(self, year: int) -> RatioSpec | None:
        return next((r for r in self.ratios if r.years[0] <= year <= r.years[1]), None)


@dataclass(frozen=True)
class Window:
    """A window of the account (see the module docstring)."""

    name: str
    title: str
    first_year: int
    last_year: int
    standard_life_table: str
    fertility_schedule_years: tuple[int, int]
    age_group_edges: tuple[int, ...]
    table_periods: tuple[tuple[int, int], ...]
    censuses: tuple[CensusSpec, ...]
    causes: tuple[CauseSpec, ...]
    deviations: tuple[DeviationSpec, ...]
    flows: tuple[FlowSpec, ...]
    registration: tuple[RegistrationSpec, ...]
    archival: tuple[ArchivalSpec, ...]
    #: Window-specific priors of the components (``[priors.NAME]``), each with its source:
    #: they replace the components' generic defaults for this window.
    priors: dict = field(default_factory=dict, compare=False)
    #: Observation errors stated in the window (``OBSERVATION_ERRORS``); a component uses
    #: its own default for one the window does not state.
    observation_errors: dict = field(default_factory=dict, compare=False)
    text: str = field(default="", compare=False, repr=False)  # the file, saved with results
    path: str = ""
    #: First years of the later segments of the baseline mortality trend (``[baseline]
    #: trend_breaks``): each segment has its own slope ``mortality_trend_<year>``.
    mortality_trend_breaks: tuple[int, ...] = ()
    #: Years from which the Brass slope changes yearly (``[baseline] slope_breaks``):
    #: ``mortality_slope_trend_<year>``.
    mortality_slope_breaks: tuple[int, ...] = ()
    #: Years at which the Brass level of baseline mortality steps (``[baseline]
    #: level_breaks``): ``mortality_level_step_<year>`` is added from that year on.
    mortality_level_breaks: tuple[int, ...] = ()
    #: The year whose Brass level anchors the last trend segment (``[baseline]
    #: level_anchor``): that segment's slope is not free but runs from the level of its first
    #: year (step included) to ``mortality_level_<year>``, a prior of its own.
    mortality_level_anchor: int | None = None
    #: The year whose Brass slope anchors the last slope segment (``[baseline]
    #: slope_anchor``): that segment's yearly change is not free but runs from the slope of
    #: its first year to ``mortality_slope_<year>``, a prior of its own.
    mortality_slope_anchor: int | None = None
    #: A year inside the anchored level segment where its path may bend (``[baseline]
    #: level_bend``): the level runs straight from the segment's first year to
    #: ``mortality_level_bend_<year>`` of the way to the anchor in that year, then straight on
    #: to the anchor (``None``: one straight line).
    mortality_level_bend: int | None = None
    #: The share of the war's first year that the war's birth deficit counts (``[fertility]
    #: war_first_year_share``: 0.53, from 22 June 1941).
    war_first_year_share: float = 1.0
    #: Years whose lost births are the war's birth deficit, never on the regime ladder
    #: (``[fertility] war_years``).
    war_birth_years: tuple[int, int] | None = None
    #: Years whose lost births the ladder counts (``[fertility] ladder_years``; default all
    #: its years outside the war's): the 1927-1959 window stops in 1940, as post-war lost
    #: births measure the shortage of men against a trend carried 20-30 years forward.
    ladder_birth_years: tuple[int, int] | None = None
    #: The ladder's years (``ladder_period``; default the window's years): the 1927-1959
    #: account reports Stalin's rule, 1927-1953.
    ladder_years: tuple[int, int] | None = None
    #: Reconstructed births observed (``[reconstructed_births]``; ``None``: none).
    reconstructed_births: ReconstructedBirthsSpec | None = None
    #: Where the window's shipped preconditioner is used unless a fit says otherwise
    #: (``precondition_scope``; ``SamplerConfig.precondition_scope``): "fitted" (only for
    #: the scenario it was made from) unless the window states "window" on evidence.
    precondition_scope: str = "fitted"
    #: First ages of the census noise's age bands after the first (``census_noise_bands``,
    #: each an age group edge): one ``census_age_noise`` per band; empty: one for all ages.
    census_noise_bands: tuple[int, ...] = ()

    # ---- derived, nothing stored twice ----
    @property
    def years(self) -> np.ndarray:
        """Projection years."""
        return np.arange(self.first_year, self.last_year + 1)

    @property
    def dates(self) -> np.ndarray:
        """1 January of each year of the state, first year to the year after the last."""
        return np.arange(self.first_year, self.last_year + 2)

    @property
    def period(self) -> tuple[int, int]:
        return (self.first_year, self.last_year)

    @property
    def ladder_period(self) -> tuple[int, int]:
        """The years the definition ladder sums (the window's years unless stated)."""
        return self.ladder_years or self.period

    @property
    def war_causes(self) -> tuple[CauseSpec, ...]:
        return tuple(c for c in self.causes if c.has("war"))

    def is_war_birth_year(self, year: int) -> bool:
        w = self.war_birth_years
        return w is not None and w[0] <= year <= w[1]

    def lost_births_on_ladder(self, year: int) -> bool:
        """Whether the ladder counts the lost births of ``year`` (not a war year, inside
        ``ladder_birth_years`` when stated)."""
        b = self.ladder_birth_years
        inside = b is None or b[0] <= year <= b[1]
        return inside and not self.is_war_birth_year(year)

    @property
    def initial_census(self) -> CensusSpec:
        return next(c for c in self.censuses if c.role == "initial")

    @property
    def observed_censuses(self) -> tuple[CensusSpec, ...]:
        return tuple(c for c in self.censuses if c.role == "observed")

    @property
    def cause_names(self) -> list[str]:
        return [c.name for c in self.causes]

    def observation_error(self, name: str, default: float) -> float:
        """The window's value of observation error ``name`` (``OBSERVATION_ERRORS``), or the
        component's ``default`` when the window does not state it."""
        if name not in OBSERVATION_ERRORS:
            raise KeyError(name)
        stated = self.observation_errors.get(name)
        return default if stated is None else stated.value

    def cause(self, name: str) -> CauseSpec:
        for c in self.causes:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def hazard_causes(self) -> tuple[CauseSpec, ...]:
        return tuple(c for c in self.causes if c.kind == "hazard")

    @property
    def patterned_causes(self) -> tuple[CauseSpec, ...]:
        """Count causes with a fixed age-sex pattern (not the proportional ones)."""
        return tuple(c for c in self.causes if c.kind == "count" and c.pattern is not None)

    @property
    def proportional_causes(self) -> tuple[CauseSpec, ...]:
        """Count causes distributed in proportion to baseline deaths."""
        return tuple(c for c in self.causes if c.kind == "count" and c.pattern is None)

    @property
    def age_group_labels(self) -> list[str]:
        e = self.age_group_edges
        return [f"{a}-{b - 1}" for a, b in itertools.pairwise(e)] + [f"{e[-1]}+"]

    def group_ages(self, x, xp=np):
        """Sum single ages ``[..., age]`` into the window's age groups (last one open).

        On PyTensor tensors, one product with a 0/1 matrix (:meth:`age_group_matrix`): its
        gradient is one product too, where a slice per group would pad a gradient of the
        whole array for each group (45 of them in the whole era: a quarter of the model's
        gradient time, docs/sampling.md)."""
        if xp is not np:
            return xp.dot(x, self.age_group_matrix(x.type.shape[-1]))
        e = self.age_group_edges
        parts = [x[..., a:b].sum(axis=-1) for a, b in itertools.pairwise(e)]
        parts.append(x[..., e[-1] :].sum(axis=-1))
        return xp.stack(parts, axis=-1)

    def age_group_matrix(self, n_ages: int) -> np.ndarray:
        """``[age, age group]``: 1 where single age ``a`` (of ``n_ages``) is in the group."""
        e = [*self.age_group_edges, n_ages]
        m = np.zeros((n_ages, len(e) - 1))
        for g, (a, b) in enumerate(itertools.pairwise(e)):
            m[a:b, g] = 1.0
        return m

    def index(self, year: int) -> int:
        """Position of a projection year (or a 1 January date) in :attr:`years`/:attr:`dates`."""
        return int(year) - self.first_year

    def census_population(self, population, census: CensusSpec, births=None):
        """The latent population ``[..., sex, age]`` on an observed ``census``'s date, from
        the states ``population[..., date, sex, age]``: the 1 January state of its year,
        its total grown at the year before's growth to the power of the census's offset in
        years (6 Jan 1937: 5 days; 17 Jan 1939: 16).  The year before, not the year after:
        the 1939 census's year ends with the annexations of the 1927-1959 window.  With
        ``births[..., year]`` (the projection's births by year), the days' births of the
        year before's rate join age 0 (split by sex as the state's age 0) and the rest of
        the growth scales every age alike; without, every age is scaled alike.  A few days'
        ageing is left out (docs/engine.md)."""
        t = self.index(census.year)
        state = population[..., t, :, :]
        if not census.offset_days:
            return state
        totals = population[..., t - 1 : t + 1, :, :].sum(axis=(-2, -1))
        growth = (totals[..., 1] / totals[..., 0]) ** census.offset
        if births is None:
            return state * growth[..., None, None]
        total = totals[..., 1]
        born = births[..., t - 1] * census.offset  # the days' births, at the year before's
        scale = (total * growth - born) / total
        age0 = np.zeros(N_AGES)
        age0[0] = 1.0
        share = state[..., :, 0] / state[..., :, 0].sum(axis=-1)[..., None]  # [..., sex]
        return state * scale[..., None, None] + (born[..., None] * share)[..., None] * age0


# ---------------------------------------------------------------------------------------
# Loading and validation
# ---------------------------------------------------------------------------------------


def list_windows(directory: Path = WINDOW_DIR) -> list[str]:
    return sorted(p.stem for p in Path(directory).glob("*.toml"))


def load_window(name_or_path: str | Path = DEFAULT_WINDOW, directory: Path = WINDOW_DIR) -> Window:
    """Load and validate a window by name (a file in ``models/windows/``) or by path."""
    path, text = read_named_file(name_or_path, directory, "window", WindowError)
    return window_from_text(text, str(path))


def window_from_text(text: str, where: str = "<window>", saved: bool = False) -> Window:
    """Parse and validate a window file's text.  ``saved``: the text saved with a result,
    read as it was written (rules added since, such as an observation error's ``basis``,
    are not enforced on it)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise WindowError(f"{where}: not valid TOML: {err}") from None
    return _Parser(raw, where, saved).window(text)


class _Parser:
    def __init__(self, raw: dict, where: str, saved: bool = False):
        self.raw, self.where, self.saved = raw, where, saved

    def fail(self, entry: str, problem: str) -> NoReturn:
        raise WindowError(f"{self.where}: {entry}: {problem}")

    def get(self, table: dict, key: str, entry: str, kind=None, default=...):
        if key not in table:
            if default is ...:
                self.fail(entry, f"missing '{key}'")
            return default
        value = table[key]
        if (kind is not None and not isinstance(value, kind)) or isinstance(value, bool):
            self.fail(entry, f"'{key}' must be {getattr(kind, '__name__', kind)}, got {value!r}")
        return value

    def flag(self, table: dict, key: str, entry: str, default: bool) -> bool:
        """A ``key`` that must be true or false."""
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.fail(entry, f"'{key}' must be true or false, got {value!r}")
        return value

    def choice(self, table: dict, key: str, entry: str, allowed, default=...) -> str:
        """A string ``key`` that must be one of ``allowed``."""
        value = self.get(table, key, entry, str, default)
        if value not in allowed:
            self.fail(entry, f"unknown {key} '{value}'; known: {', '.join(allowed)}")
        return value

    def years(
        self, table: dict, entry: str, first: int, last: int, key="years", within="the window"
    ) -> tuple[int, int]:
        value = self.get(table, key, entry, list)
        if len(value) != 2 or not all(isinstance(v, int) for v in value) or value[0] > value[1]:
            self.fail(entry, f"'{key}' must be [first, last] years, got {value!r}")
        if value[0] < first or value[1] > last:
            self.fail(entry, f"years {value} lie outside {within} {first}-{last}")
        return (int(value[0]), int(value[1]))

    def prior(self, table: dict, entry: str, key: str = "prior") -> PriorDefault:
        spec = dict(self.get(table, key, entry, dict))
        return self.prior_table(spec, entry)

    def prior_table(self, spec: dict, entry: str, need_source: bool = False) -> PriorDefault:
        spec = dict(spec)
        dist = spec.pop("distribution", None)
        if not isinstance(dist, str):
            self.fail(entry, "its prior needs a 'distribution'")
        meta = {k: str(spec.pop(k, "")) for k in PRIOR_META}
        if not meta["description"]:
            self.fail(entry, "its prior needs a 'description' (what it means and its source)")
        if need_source and not meta["source"]:
            self.fail(entry, "a window's prior needs a 'source' (keys of data/sources.csv)")
        if meta["basis"] not in PRIOR_BASES:
            self.fail(
                entry,
                "its prior's 'basis' must be 'assumption' or 'anchored' (or absent), "
                f"got {meta['basis']!r}",
            )
        return PriorDefault(
            dist, spec, meta["description"], meta["units"], meta["source"], meta["basis"]
        )

    def estimated_pattern(self, table: dict, entry: str) -> dict:
        """The fields of an estimated pattern (``pattern.estimated``: age bands)."""
        spec = table["pattern"]
        bands = spec["estimated"]
        ok = (
            isinstance(bands, list)
            and bands
            and all(
                isinstance(b, list) and len(b) == 2 and all(isinstance(x, int) for x in b)
                for b in bands
            )
        )
        if not ok:
            self.fail(entry, "'pattern.estimated' must be a list of [first_age, last_age] bands")
        bands = tuple((int(a), int(b)) for a, b in bands)
        if (
            bands[0][0] != 0
            or bands[-1][1] != MAX_AGE
            or any(b[0] != a[1] + 1 or b[0] > b[1] for a, b in itertools.pairwise(bands))
        ):
            self.fail(entry, f"pattern bands {list(bands)} must cover ages 0-{MAX_AGE} in order")
        ref = self.get(spec, "reference", entry, str)
        labels = [f"{sex} {a}-{b}" for sex in ("male", "female") for a, b in bands]
        if ref not in labels:
            self.fail(entry, f"pattern reference '{ref}' is not one of {labels}")
        i = labels.index(ref)
        if "pattern_prior" not in table:
            self.fail(entry, "an estimated pattern needs a [causes.pattern_prior] table")
        return {
            "pattern_bands": bands,
            "pattern_reference": (i // len(bands), i % len(bands)),
            "pattern_prior": self.prior(table, entry + " pattern", key="pattern_prior"),
        }

    def pattern(self, table: dict, entry: str) -> tuple[np.ndarray | None, str]:
        spec = table.get("pattern")
        if spec == "baseline":
            return None, "in proportion to baseline deaths"
        if not isinstance(spec, dict):
            self.fail(entry, "'pattern' must be \"baseline\" or a table with male and female")
        if "estimated" in spec:
            return None, str(spec.get("note", ""))
        out = np.zeros((2, N_AGES))
        for i, sex in enumerate(("male", "female")):
            bands = spec.get(sex)
            if not isinstance(bands, list) or not bands:
                self.fail(entry, f"pattern needs '{sex}': a list of [first_age, last_age, weight]")
            for band in bands:
                ok = isinstance(band, list) and len(band) == 3
                if not ok or not 0 <= band[0] <= band[1] <= MAX_AGE or band[2] < 0:
                    self.fail(entry, f"pattern band {band!r} is not [first_age, last_age, weight]")
                out[i, int(band[0]) : int(band[1]) + 1] = float(band[2])
        if not out.any():
            self.fail(entry, "pattern is zero at every age")
        return out, str(spec.get("note", ""))

    def window(self, text: str) -> Window:
        r = self.raw
        name = self.get(r, "name", "window", str)
        first = self.get(r, "first_year", "window", int)
        last = self.get(r, "last_year", "window", int)
        if not 1800 < first <= last < 2100:
            self.fail("window", f"first_year {first} and last_year {last} are not a period")
        baseline = self.get(r, "baseline", "window", dict)
        fertility = self.get(r, "fertility", "window", dict)
        schedule = self.get(fertility, "schedule_years", "[fertility]", list)
        edges = tuple(int(e) for e in self.get(r, "age_group_edges", "window", list))
        if not edges or edges[0] != 0 or list(edges) != sorted(set(edges)) or edges[-1] > MAX_AGE:
            self.fail("window", f"age_group_edges {list(edges)} must rise from 0")
        periods = tuple(
            self.years({"p": p}, f"table_periods {p}", first, last, key="p")
            for p in self.get(r, "table_periods", "window", list, default=[[first, last]])
        )
        censuses = self.censuses(first, last, edges)
        causes = self.causes(first, last)
        names = [c.name for c in causes]
        if not causes:
            self.fail("causes", "a window needs at least one cause of excess death")
        if len(set(names)) != len(names):
            self.fail("causes", "two causes share a name")
        deviation_list: list[DeviationSpec] = []
        for i, d in enumerate(self.get(fertility, "deviations", "[fertility]", list, [])):
            entry = f"fertility deviation {i + 1}"
            structure = self.choice(d, "structure", entry, DEVIATION_STRUCTURES, "iid")
            yrs = self.years(d, entry, first, last)
            weights: tuple[float, ...] = ()
            if structure == "weighted":
                raw = self.get(d, "weights", entry, list)
                if len(raw) != yrs[1] - yrs[0] + 1 or not all(
                    isinstance(w, int | float) and not isinstance(w, bool) and 0 <= w <= 1
                    for w in raw
                ):
                    self.fail(
                        entry,
                        f"'weights' must be one number in [0, 1] for each of its years "
                        f"{yrs[0]}-{yrs[1]}, got {raw!r}",
                    )
                weights = tuple(float(w) for w in raw)
            elif "weights" in d:
                self.fail(entry, "'weights' belong to a 'weighted' deviation only")
            deviation_list.append(
                DeviationSpec(
                    self.get(d, "name", entry, str),
                    yrs,
                    self.prior(d, entry),
                    structure,
                    weights,
                )
            )
        deviations = tuple(deviation_list)
        flows: list[FlowSpec] = []
        for i, f in enumerate(self.get(r, "flows", "window", list, [])):
            entry = f"flow {f.get('name', i + 1)}"
            kind = self.choice(f, "kind", entry, FLOW_KINDS)
            ages = f.get("ages")
            if ages is not None:
                ages = self.years({"ages": ages}, entry, 0, MAX_AGE, key="ages", within="ages")
            flows.append(
                FlowSpec(
                    self.get(f, "name", entry, str),
                    self.years(f, entry, first, last),
                    self.prior(f, entry),
                    kind,
                    ages,
                )
            )
        registration: list[RegistrationSpec] = []
        for i, s in enumerate(self.get(r, "registration", "window", list, [])):
            entry = f"registration series {i + 1}"
            kind = self.choice(s, "kind", entry, REGISTRATION_KINDS)
            if any(r.kind == kind for r in registration):
                self.fail(entry, f"a second '{kind}' series: a window observes one of each")
            lo = first - 1 if kind == "rates" else first  # the rates may precede the window
            yrs = self.years(s, entry, lo, last)
            if kind == "rates" and yrs != (first - 1, first - 1):
                self.fail(
                    entry,
                    f"registered rates are compared with the first projection year: their "
                    f"years must be [{first - 1}, {first - 1}]",
                )
            default_suffix = f"_{yrs[0]}_{str(yrs[1])[2:]}" if yrs[0] != yrs[1] else f"_{yrs[0]}"
            suffix = self.get(s, "completeness_suffix", entry, str, default_suffix)
            registration.append(RegistrationSpec(kind, yrs, suffix))
        archival: list[ArchivalSpec] = []
        for i, a in enumerate(self.get(r, "archival", "window", list, [])):
            entry = f"archival series {i + 1}"
            cause = self.get(a, "cause", entry, str)
            if cause not in names:
                self.fail(entry, f"cause '{cause}' is not a cause of this window")
            if next(c for c in causes if c.name == cause).kind != "count":
                self.fail(
                    entry, f"cause '{cause}' is a hazard: archives count a count cause's deaths"
                )
            if any(x.cause == cause for x in archival):
                self.fail(entry, f"a second series for cause '{cause}': one series per cause")
            spec = next(c for c in causes if c.name == cause)
            ratios: list[RatioSpec] = []
            for j, t in enumerate(self.get(a, "ratios", entry, list, [])):
                sub = f"{entry}, ratio {j + 1}"
                rname = self.get(t, "name", sub, str)
                ryears = self.years(t, sub, *spec.years)
                if any(not (ryears[1] < r.years[0] or ryears[0] > r.years[1]) for r in ratios):
                    self.fail(sub, f"years {list(ryears)} overlap another ratio's years")
                ratios.append(RatioSpec(rname, ryears, self.prior(t, sub)))
            stock = self.flag(a, "stock", entry, False)
            measure = self.get(a, "measure", entry, str)
            composition = self.choice(a, "stock_composition", entry, STOCK_COMPOSITIONS, "pattern")
            completeness = self.flag(a, "completeness", entry, True)
            if not completeness and not ratios:
                self.fail(entry, "a series without completeness needs its ratios")
            coverage = a.get("coverage")
            if coverage is not None:
                if isinstance(coverage, str):
                    coverage = [coverage]
                if not isinstance(coverage, list) or not all(isinstance(c, str) for c in coverage):
                    self.fail(
                        entry, f"'coverage' must be a text or a list of texts, got {coverage!r}"
                    )
                coverage = tuple(coverage)
            archival.append(
                ArchivalSpec(
                    cause, measure, stock, tuple(ratios), composition, completeness, coverage
                )
            )
        priors = {}
        for pname, table in self.get(r, "priors", "window", dict, {}).items():
            if not isinstance(table, dict):
                self.fail(f"prior {pname}", "must be a [priors.NAME] table")
            priors[pname] = self.prior_table(table, f"prior {pname}", need_source=True)
        breaks = self.breaks(baseline, "trend_breaks", first, last)
        slope_breaks = self.breaks(baseline, "slope_breaks", first, last)
        level_breaks = self.breaks(baseline, "level_breaks", first, last)
        anchor = self.get(baseline, "level_anchor", "[baseline]", int, None)
        if anchor is not None and (not breaks or not breaks[-1] < anchor <= last):
            self.fail(
                "[baseline]",
                f"level_anchor {anchor} must follow the last trend break and lie in the window "
                f"(trend_breaks {list(breaks)}, last year {last})",
            )
        slope_anchor = self.get(baseline, "slope_anchor", "[baseline]", int, None)
        if slope_anchor is not None and (
            not slope_breaks or not slope_breaks[-1] < slope_anchor <= last
        ):
            self.fail(
                "[baseline]",
                f"slope_anchor {slope_anchor} must follow the last slope break and lie in the "
                f"window (slope_breaks {list(slope_breaks)}, last year {last})",
            )
        bend = self.get(baseline, "level_bend", "[baseline]", int, None)
        if bend is not None and (anchor is None or not breaks[-1] < bend < anchor):
            self.fail(
                "[baseline]",
                f"level_bend {bend} needs a level_anchor and must lie strictly between the last "
                f"trend break and it (trend_breaks {list(breaks)}, level_anchor {anchor})",
            )
        war_share = self.get(fertility, "war_first_year_share", "[fertility]", float, 1.0)
        if not 0.0 < war_share <= 1.0:
            self.fail("[fertility]", f"'war_first_year_share' must be in (0, 1], got {war_share}")
        war_years = None
        if "war_years" in fertility:
            war_years = self.years(fertility, "[fertility]", first, last, key="war_years")
        birth_years = None
        if "ladder_years" in fertility:
            birth_years = self.years(fertility, "[fertility]", first, last, key="ladder_years")
        ladder = None
        if "ladder_period" in r:
            ladder = self.years(r, "window", first, last, key="ladder_period")
        errors = {}
        for ename, table in self.get(r, "observation_errors", "window", dict, {}).items():
            entry = f"observation error {ename}"
            if ename not in OBSERVATION_ERRORS:
                self.fail(entry, f"unknown; known: {', '.join(OBSERVATION_ERRORS)}")
            if not isinstance(table, dict):
                self.fail(entry, "must be a [observation_errors.NAME] table")
            value = table.get("value")
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not 0 < value < float("inf")
            ):
                self.fail(entry, f"'value' must be a positive number, got {value!r}")
            description = self.get(table, "description", entry, str)
            source = self.get(table, "source", entry, str, "")
            basis = self.get(table, "basis", entry, str, "")
            if basis not in PRIOR_BASES:
                self.fail(entry, f"'basis' must be 'assumption' or 'anchored', got {basis!r}")
            if not source and basis != "assumption" and not self.saved:
                self.fail(
                    entry, "needs a 'source' (keys of data/sources.csv) or basis 'assumption'"
                )
            errors[ename] = ObservationError(
                ename, float(value), description.strip(), source, basis
            )
        return Window(
            name=name,
            title=self.get(r, "title", "window", str),
            first_year=first,
            last_year=last,
            standard_life_table=self.get(baseline, "standard_life_table", "[baseline]", str),
            fertility_schedule_years=(int(schedule[0]), int(schedule[1])),
            age_group_edges=edges,
            table_periods=periods,
            censuses=censuses,
            causes=causes,
            deviations=deviations,
            flows=tuple(flows),
            registration=tuple(registration),
            archival=tuple(archival),
            priors=priors,
            observation_errors=errors,
            text=text,
            path=self.where,
            mortality_trend_breaks=breaks,
            mortality_slope_breaks=slope_breaks,
            mortality_level_breaks=level_breaks,
            mortality_level_anchor=anchor,
            mortality_slope_anchor=slope_anchor,
            mortality_level_bend=bend,
            war_first_year_share=war_share,
            war_birth_years=war_years,
            ladder_birth_years=birth_years,
            ladder_years=ladder,
            reconstructed_births=self.reconstructed_births(r, first, last),
            precondition_scope=self.choice(
                r, "precondition_scope", "window", PRECONDITION_SCOPES, "fitted"
            ),
            census_noise_bands=self.noise_bands(r, edges),
        )

    def noise_bands(self, r: dict, edges: tuple[int, ...]) -> tuple[int, ...]:
        """``census_noise_bands``: rising age group edges above 0."""
        bands = self.get(r, "census_noise_bands", "window", list, [])
        if (
            not all(isinstance(b, int) and not isinstance(b, bool) for b in bands)
            or list(bands) != sorted(set(bands))
            or not set(bands) <= set(edges[1:])
        ):
            self.fail(
                "window",
                f"census_noise_bands {bands!r} must be rising age group edges above 0 "
                f"({list(edges[1:])})",
            )
        return tuple(bands)

    def reconstructed_births(self, r: dict, first: int, last: int):
        """``[reconstructed_births]``: rising ``rate_years`` and ``total_years`` (a list of
        [first, last]), all inside the window."""
        if "reconstructed_births" not in r:
            return None
        entry = "[reconstructed_births]"
        table = self.get(r, "reconstructed_births", "window", dict)
        known = ("rate_years", "total_years", "death_rate_years")
        unknown = sorted(set(table) - set(known))
        if unknown:
            self.fail(entry, f"unknown key '{unknown[0]}'; known: {', '.join(known)}")
        rates = self.rising_years(table, "rate_years", entry, first, last)
        deaths = self.rising_years(table, "death_rate_years", entry, first, last)
        if set(deaths) - set(rates):
            self.fail(entry, f"death_rate_years {list(deaths)} must be among rate_years")
        totals = []
        for i, span in enumerate(self.get(table, "total_years", entry, list, [])):
            totals.append(self.years({"years": span}, f"{entry} total_years {i + 1}", first, last))
        return ReconstructedBirthsSpec(rates, tuple(totals), deaths)

    def breaks(self, baseline: dict, key: str, first: int, last: int) -> tuple[int, ...]:
        """Rising years inside the window after its first (``[baseline]`` ``key``)."""
        return self.rising_years(baseline, key, "[baseline]", first + 1, last)

    def rising_years(
        self, table: dict, key: str, entry: str, first: int, last: int
    ) -> tuple[int, ...]:
        """``key`` of ``table``: rising years (default none), each in ``first``-``last``."""
        value = self.get(table, key, entry, list, [])
        if not all(isinstance(b, int) and not isinstance(b, bool) for b in value) or list(
            value
        ) != sorted(set(value)):
            self.fail(entry, f"'{key}' must be rising years, got {value!r}")
        if any(not first <= b <= last for b in value):
            self.fail(entry, f"{key} {value} must lie in {first}-{last}")
        return tuple(int(b) for b in value)

    def census_date(self, c: dict, entry: str, year: int, role: str, first: int):
        """``date`` of a census (a TOML date), its offset in days from its state's 1 January
        (within the 364 days after it for an observed census, within the year before the
        window's first 1 January for the initial one) and its ``date_source``."""
        if "date" not in c:
            if "date_source" in c:
                self.fail(entry, "'date_source' needs a 'date'")
            return "", 0, ""
        source = self.get(c, "date_source", entry, str, "").strip()
        if not self.saved and not source:
            self.fail(entry, "a census 'date' needs a 'date_source' (keys of data/sources.csv)")
        value = c["date"]
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            self.fail(entry, f"'date' must be a date (e.g. date = {year}-01-06), got {value!r}")
        if role == "initial":
            offset = (value - datetime.date(first, 1, 1)).days
            if not -366 < offset <= 0:
                self.fail(entry, f"date {value} must fall in the year before 1 Jan {first}")
        else:
            offset = (value - datetime.date(year, 1, 1)).days
            if value.year != year:
                self.fail(entry, f"date {value} must fall in {year}")
        return value.isoformat(), offset, source

    def censuses(self, first: int, last: int, edges: tuple[int, ...]) -> tuple[CensusSpec, ...]:
        out = []
        for i, c in enumerate(self.get(self.raw, "censuses", "window", list)):
            entry = f"census {c.get('year', i + 1)}"
            year = self.get(c, "year", entry, int)
            role = self.choice(c, "role", entry, CENSUS_ROLES)
            if role == "observed" and not first < year <= last + 1:
                self.fail(entry, f"an observed census must fall in {first + 1}-{last + 1}")
            army = c.get("army_ages")
            if army is not None:
                army = self.years({"a": army}, entry, 0, MAX_AGE, key="a")
            young = self.get(c, "undercount_young_ages", entry, int, 2)
            smooth = c.get("smooth_ages")
            if smooth is not None:
                smooth = self.years({"a": smooth}, entry, 2, MAX_AGE - 3, key="a")
            cohort_error = self.flag(c, "cohort_error", entry, False)
            if cohort_error and role != "initial":
                self.fail(entry, "only the initial census has a cohort error (cohort_error)")
            cohort_last = c.get("cohort_error_last_age")
            if cohort_last is not None and (
                not cohort_error
                or isinstance(cohort_last, bool)
                or not isinstance(cohort_last, int)
                or not young < cohort_last < MAX_AGE
            ):
                self.fail(
                    entry,
                    f"'cohort_error_last_age' needs cohort_error = true and an age between "
                    f"{young + 1} and {MAX_AGE - 1}, got {cohort_last!r}",
                )
            old_last = c.get("old_cohort_error_last_age")
            if old_last is not None and (
                cohort_last is None
                or isinstance(old_last, bool)
                or not isinstance(old_last, int)
                or not cohort_last < old_last < MAX_AGE
            ):
                self.fail(
                    entry,
                    "'old_cohort_error_last_age' needs cohort_error_last_age and an age above "
                    f"it and below {MAX_AGE}, got {old_last!r}",
                )
            by_sex = self.flag(c, "old_cohort_error_by_sex", entry, False)
            if by_sex and old_last is None:
                self.fail(entry, "'old_cohort_error_by_sex' needs old_cohort_error_last_age")
            misstated = self.flag(c, "old_cohort_misstatement", entry, False)
            if misstated and old_last is None:
                self.fail(
                    entry, "'old_cohort_misstatement' needs old_cohort_error_last_age (its cohorts)"
                )
            cohort_misreporting = self.flag(c, "cohort_misreporting", entry, False)
            if cohort_misreporting and role != "observed":
                self.fail(entry, "'cohort_misreporting' needs an observed census")
            date, offset, date_source = self.census_date(c, entry, year, role, first)
            misreporting = c.get("misreporting_from")
            if misreporting is not None and (
                role != "observed"
                or isinstance(misreporting, bool)
                or misreporting not in edges[:-1]
            ):
                self.fail(
                    entry,
                    "'misreporting_from' needs an observed census and the first age of an "
                    f"age group below the open one ({list(edges[:-1])}), got {misreporting!r}",
                )
            out.append(
                CensusSpec(
                    year,
                    role,
                    bool(c.get("padding", False)),
                    army,
                    young,
                    smooth,
                    cohort_error,
                    cohort_error_last_age=cohort_last,
                    old_cohort_error_last_age=old_last,
                    old_cohort_error_by_sex=by_sex,
                    old_cohort_misstatement=misstated,
                    cohort_misreporting=cohort_misreporting,
                    offset_days=offset,
                    date=date,
                    date_source=date_source,
                    misreporting_from=misreporting,
                )
            )
        if sum(c.role == "initial" for c in out) != 1:
            self.fail("censuses", "exactly one census must have role 'initial'")
        init = next(c for c in out if c.role == "initial")
        if init.year not in (first - 1, first) or init.padding or init.army_ages:
            self.fail(
                f"census {init.year}",
                f"the initial census is the population of 1 Jan {first}: its year must be "
                f"{first - 1} or {first}, with no padding or army",
            )
        if not any(c.role == "observed" for c in out):
            self.fail("censuses", "a window needs at least one observed census")
        if init.old_cohort_misstatement and any(c.cohort_misreporting for c in out):
            self.fail(
                "censuses",
                "'old_cohort_misstatement' and 'cohort_misreporting' both misstate the older "
                "cohorts in the observed counts: use one",
            )
        return tuple(out)

    def causes(self, first: int, last: int) -> tuple[CauseSpec, ...]:
        out = []
        for i, c in enumerate(self.get(self.raw, "causes", "window", list)):
            entry = f"cause {c.get('name', i + 1)}"
            name = self.get(c, "name", entry, str)
            kind = self.choice(c, "kind", entry, CAUSE_KINDS)
            tags = tuple(self.get(c, "tags", entry, list))
            unknown = set(tags) - set(CAUSE_TAGS)
            if unknown:
                self.fail(entry, f"unknown tag(s) {sorted(unknown)}; known: {list(CAUSE_TAGS)}")
            if "regime" in tags and ({"war", "residual"} & set(tags)):
                self.fail(entry, "a cause tagged 'war' or 'residual' cannot be 'regime'")
            rung_tags = {"executions", "custodial", "famine"} & set(tags)
            if rung_tags and "regime" not in tags:
                self.fail(
                    entry,
                    f"tag(s) {sorted(rung_tags)} place a cause on the ladder: "
                    "it must also be 'regime'",
                )
            pattern, note = self.pattern(c, entry)
            estimated = {}
            if isinstance(c.get("pattern"), dict) and "estimated" in c["pattern"]:
                if kind != "hazard":
                    self.fail(entry, "only a hazard cause can have an estimated pattern")
                estimated = self.estimated_pattern(c, entry)
            if kind == "hazard" and pattern is None and not estimated:
                self.fail(entry, "a hazard cause needs an age-sex pattern table")
            default_prior = f"{name}_intensity" if kind == "hazard" else f"excess_{name}"
            years = self.years(c, entry, first, last)
            ladder_years, ladder_label = None, ""
            if "ladder_years" in c:
                if "regime" not in tags:
                    self.fail(entry, "'ladder_years' is for a regime cause")
                ladder_years = self.years(
                    c, entry, *years, key="ladder_years", within="the cause's years"
                )
                if ladder_years == years:
                    self.fail(entry, "'ladder_years' equal to the cause's years: leave it out")
                ladder_label = self.get(c, "ladder_label", entry, str)
            out.append(
                CauseSpec(
                    name=name,
                    label=str(c.get("label", name.replace("_", " "))),
                    kind=kind,
                    years=years,
                    tags=tags,
                    prior_name=self.get(c, "prior_name", entry, str, default_prior),
                    prior=self.prior(c, entry),
                    pattern=pattern,
                    pattern_note=note,
                    ladder_years=ladder_years,
                    ladder_label=ladder_label,
                    **estimated,
                )
            )
        labels = [c.label for c in out]
        for c in out:
            if labels.count(c.label) > 1:
                self.fail(f"cause {c.name}", f"label '{c.label}' is another cause's too")
        return tuple(out)
