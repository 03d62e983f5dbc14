"""The README's Python API snippet runs as written (at a quick run's settings)."""

import re
from pathlib import Path

import matplotlib

ROOT = Path(__file__).resolve().parents[2]


def readme_snippet() -> str:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Python API") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_api_snippet_runs(tmp_path, monkeypatch, capsys):
    matplotlib.use("Agg")
    code = readme_snippet()
    assert 'sm.run("1927_1939"' in code and len(code.splitlines()) <= 12
    # reduced settings: a quick run, whose convergence gate is not the point here
    code = code.replace("seed=20260101)", "seed=20260101, quick=True, accept_failed_gate=True)")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert (tmp_path / "results" / "informed_1939" / "posterior.nc").exists()
    again = namespace["again"]
    assert again.scenario.name == "informed_1939"
    assert again.manifest["quick"]
    captured = capsys.readouterr()
    out = captured.out
    assert "excess deaths 1927-1938: Gulag" in out and "lower" in out
    # progress from Python (no terminal): a line at each phase, and PyMC's raw prior-draw
    # line ("Sampling: [every variable]") is not shown
    for phase in ("prior: ", "compiling the model", "sampling: ", "sampled in", "figures"):
        assert phase in captured.err, phase
    assert "Sampling: [" not in captured.err + out
