"""Project-wide constants: dimension names, the interval policy, the default seed.

The interval policy lives here and is passed explicitly to every ArviZ call, because the
ArviZ 1.x defaults (89% equal-tailed) may change between releases.
"""

from pathlib import Path

#: Central credible interval used in every table, plot and printed summary.
INTERVAL_PROB = 0.90
#: "eti" = equal-tailed interval (5th to 95th percentile for INTERVAL_PROB = 0.90); "hdi" =
#: highest-density interval.  Both come from ``arviz_stats``; every table names its kind.
INTERVAL_KIND = "eti"
INTERVAL_KINDS = {"eti": "equal-tailed", "hdi": "highest-density"}


def interval_label(kind: str = INTERVAL_KIND, prob: float = INTERVAL_PROB) -> str:
    """``"90% equal-tailed credible interval"`` for the given kind and probability."""
    return f"{prob:.0%} {INTERVAL_KINDS[kind]} credible interval"


INTERVAL_LABEL = interval_label()


DEFAULT_SEED = 20260101

SEXES = ("male", "female")
CENSUSES = (1926, 1937, 1939, 1959)
MAX_AGE = 100  # single years 0..99 and the open group 100+, stored as age 100


def _resources() -> Path:
    """The package data (``stalin_mortality/resources``): ``data/``, the window files and
    the shipped scenarios, found with :mod:`importlib.resources` so an installed wheel
    works outside a checkout (in a checkout, ``data/``, ``models/windows`` and
    ``models/scenarios`` at the root are links to them)."""
    from importlib.resources import files

    root = files("stalin_mortality") / "resources"
    if not isinstance(root, Path):  # e.g. a zip import: the data need real files
        raise RuntimeError(f"stalin_mortality's package data are not files on disk: {root}")
    return root


RESOURCES_DIR = _resources()
#: The shipped data tables (``$STALIN_MORTALITY_DATA`` overrides: ``data.load.data_dir``).
DATA_DIR = RESOURCES_DIR / "data"
SCENARIO_DIR = RESOURCES_DIR / "scenarios"
WINDOW_DIR = RESOURCES_DIR / "windows"
DEFAULT_WINDOW = "1927_1939"
#: Where a window's shipped preconditioner may be used (``precondition.select``)
PRECONDITION_SCOPES = ("fitted", "window")

#: XLA on the calling thread only: the sampler's (or dask's) threads are the parallelism.
#: XLA's own pool handing each log density between threads cost 29% of a whole-era fit's
#: sampling time and two thirds of a validation worker's CPU time (docs/sampling.md).  Set
#: by the command line before JAX starts (``cli.single_thread_xla``); a Python caller sets
#: it in ``XLA_FLAGS`` before importing JAX.
SINGLE_THREAD_XLA = "--xla_cpu_multi_thread_eigen=false"
