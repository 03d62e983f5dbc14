"""Pages generated from the library itself at build time (never edited by hand): the prior
catalogue (from the components' declarations and the window file), the scenario catalogue
(from the shipped scenario files) and the data provenance table (from ``data/sources.csv``
and ``data/registry.csv``).  Written to ``docs/generated/`` when Sphinx starts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parents[1]
OUT = HERE / "generated"


def _cell(text) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(rows: list[dict], columns: list[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(r.get(c, "")) for c in columns) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def priors_page() -> str:
    import stalin_mortality as sm

    out = [
        "# Prior catalogue",
        "",
        "Every prior of each shipped window's model, generated from the components'",
        "declarations and the window file (`sm.prior_specs(window)`): name, meaning,",
        "distribution with its parametrisation (PyMC's), units, support and source keys",
        "(`data/sources.csv`; see {doc}`provenance`). A scenario replaces any of them",
        "({doc}`scenarios`). The basis column says what a prior rests on: `sourced` (derived",
        "from its sources), `anchored` (centred on its sources, its spread a modelling",
        "choice) or `assumption` (a modelling choice; any sources named are context). Each",
        "description says why; a test holds every prior of every shipped window to one of them.",
        "",
    ]
    for name in sm.list_windows():
        window = sm.load_window(name)
        out += [f"## Window `{name}`", "", window.title, ""]
        rows = [s.as_row() for s in sm.prior_specs(window).values()]
        for r in rows:
            r["name"] = f"`{r['name']}`"
        out.append(
            _table(
                rows,
                ["name", "label", "component", "distribution", "units", "support", "length",
                 "source", "basis", "description"],
            )
        )
        if window.observation_errors:
            out += ["", "Fixed observation errors stated in the window file:", ""]
            out.append(
                _table(
                    [
                        {"name": f"`{e.name}`", "value": e.value, "source": e.source,
                         "description": e.description}
                        for e in window.observation_errors.values()
                    ],
                    ["name", "value", "source", "description"],
                )
            )
    return "\n".join(out) + "\n"


def scenarios_page() -> str:
    import stalin_mortality as sm

    out = [
        "# Scenario catalogue",
        "",
        "The shipped scenarios (`models/scenarios/*.toml`, package data), generated from the",
        "files: each is a set of prior overrides (and, optionally, observation series it",
        "leaves out) checked against the window's model. `stalin-mortality scenarios` lists",
        "them; `stalin-mortality run --scenario NAME` runs one; `stalin-mortality",
        "scenario-table` runs those of the identification report ({doc}`/engine`,",
        '"Scenarios").',
        "",
    ]
    for name in sm.list_scenarios():
        sc = sm.load_scenario(name)
        out += [f"## `{name}`", "", " ".join(sc.description.split()), ""]
        if sc.overrides:
            rows = []
            for prior, table in sc.overrides.items():
                params = ", ".join(f"{k}={v}" for k, v in table.items() if k != "distribution")
                rows.append({"prior": f"`{prior}`",
                             "distribution": f"{table.get('distribution', '')}({params})"})
            out.append(_table(rows, ["prior", "distribution"]))
        if sc.exclude:
            out += ["", "Leaves out: " + ", ".join(f"`{e}`" for e in sc.exclude), ""]
    return "\n".join(out) + "\n"


def provenance_page() -> str:
    from stalin_mortality.constants import DATA_DIR

    sources = pd.read_csv(DATA_DIR / "sources.csv")
    registry = pd.read_csv(DATA_DIR / "registry.csv")
    out = [
        "# Data provenance",
        "",
        "Generated from `data/sources.csv` and `data/registry.csv`. `verified` is `yes`",
        "where the figure was checked against the original publication (or a faithful copy",
        "of it) and `as_cited` where it was taken from a work that quotes it; `docs/data.md`",
        "and `data/SOURCES.md` say which number comes from where.",
        "",
        "## Files",
        "",
        _table(registry.to_dict("records"), list(registry.columns)),
        "",
        "## Sources",
        "",
        _table(
            [dict(r, key=f"`{r['key']}`") for r in sources.to_dict("records")],
            list(sources.columns),
        ),
    ]
    return "\n".join(out) + "\n"


def figures_page() -> str:
    from stalin_mortality.outputs import DIAGNOSTIC_FIGURES, FIGURE_CAPTIONS

    out = [
        "# Figures of a run",
        "",
        "Every run writes these figures into `figures/` (the sampler's own checks into",
        "`figures/diagnostics/`), each as PNG and PDF with the plotted numbers in a CSV whose",
        "`.csv-metadata.json` sidecar holds the caption below. A quick or failed-gate run is",
        "stamped \"not a result\" across every figure. Generated from",
        "`stalin_mortality.outputs.FIGURE_CAPTIONS`.",
        "",
    ]
    for stem, caption in FIGURE_CAPTIONS.items():
        where = f"figures/diagnostics/{stem}" if stem in DIAGNOSTIC_FIGURES else f"figures/{stem}"
        out += [f"## `{where}`", "", caption, ""]
    return "\n".join(out) + "\n"


def generate(app=None) -> None:
    OUT.mkdir(exist_ok=True)
    for name, page in (
        ("priors", priors_page),
        ("scenarios", scenarios_page),
        ("provenance", provenance_page),
        ("figures", figures_page),
    ):
        text = page()
        path = OUT / f"{name}.md"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def setup(app):
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True, "version": "1"}
