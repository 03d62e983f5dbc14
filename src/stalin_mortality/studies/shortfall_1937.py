"""Study ``shortfall_1937``: the 1937 census shortfall on total population by sex.

The first study of the library (:mod:`stalin_mortality.model.shortfall`); kept as its own
model script (``models/shortfall_1937.py``) beside the cohort-component study.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import plots, report
from ..model.shortfall import PRIORS_USED as PRIORS_USED
from ..model.shortfall import SHORTFALL_CENSUS, build_shortfall_model
from ..results import claims_frame

NAME = "shortfall_1937"
TITLE = "1937 census shortfall"
build = build_shortfall_model
PRIOR_VAR_NAMES = None  # draw every prior variable

ROWS = [
    ("expected population 1937 (both sexes)", "expected_population_1937_total", {}),
    ("expected population 1937, male", "expected_population_1937", {"sex": "male"}),
    ("expected population 1937, female", "expected_population_1937", {"sex": "female"}),
    ("true population 1937 (both sexes)", "population_1937_total", {}),
    ("shortfall 1937 (both sexes)", "shortfall_1937_total", {}),
    ("shortfall 1937, male", "shortfall_1937", {"sex": "male"}),
    ("shortfall 1937, female", "shortfall_1937", {"sex": "female"}),
    ("baseline birth rate 1926", "birth_rate_1926", {}),
    ("baseline death rate 1926", "death_rate_1926", {}),
    ("1926 census undercount, male", "undercount_1926", {"sex": "male"}),
    ("1926 census undercount, female", "undercount_1926", {"sex": "female"}),
    ("1937 census coverage", "coverage_1937", {}),
]
UNITS = {r[0]: "persons" for r in ROWS[:7]} | {
    "baseline birth rate 1926": "per_1000",
    "baseline death rate 1926": "per_1000",
    "1926 census undercount, male": "percent",
    "1926 census undercount, female": "percent",
    "1937 census coverage": "percent",
}
KEY_VARS = [
    "expected_population_1937_total",
    "shortfall_1937_total",
    "birth_rate_1926",
    "death_rate_1926",
]


def diagnostic_vars(model) -> list[str]:
    return [*KEY_VARS, "coverage_1937", "undercount_1926"]


def write_outputs(tree, manifest: dict, directory: Path) -> list[Path]:
    """All tables and figures of the study, from its saved file only (the census total and
    the published expectations are saved with the draws)."""
    directory = Path(directory)
    scenario = manifest["scenario"]["name"]
    paths = []
    table = report.summary_table(tree, ROWS)
    title = f"1937 census shortfall, scenario '{scenario}'"
    status = report.run_status(manifest)
    paths += report.write_table(table, directory / "tables", "shortfall_1937", title, UNITS, status)
    prior_table = report.summary_table(tree, ROWS[:1] + ROWS[4:5], group="prior")
    paths += report.write_table(
        prior_table,
        directory / "tables",
        "shortfall_1937_prior",
        f"Prior of the {title}",
        UNITS,
        status,
    )
    claims = claims_frame(tree["published_claims"].to_dataset())
    expectations = claims[claims.estimand == "expected_population_1937"].astype({"figure": float})
    census = float(tree["observations"]["census_total"].sel(census=SHORTFALL_CENSUS).sum())
    prior = report.draws(tree, "expected_population_1937_total", "prior").values
    post = report.draws(tree, "expected_population_1937_total").values
    fig = plots.plot_shortfall(
        prior=prior, posterior=post, census=census, expectations=expectations, scenario=scenario
    )
    data = plots.shortfall_data(prior=prior, posterior=post, census=census)
    paths += plots.save_figure(fig, directory / "figures", "shortfall_1937", data, status)
    return paths


def headline(directory: Path) -> pd.DataFrame:
    return report.read_table(Path(directory) / "tables" / "shortfall_1937.csv")
