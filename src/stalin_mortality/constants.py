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

#: ``data/`` at the root of a source checkout (the package is installed editable).
DATA_DIR = Path(__file__).resolve().parents[2] / "data"
MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
SCENARIO_DIR = MODELS_DIR / "scenarios"
WINDOW_DIR = MODELS_DIR / "windows"
DEFAULT_WINDOW = "1927_1939"
