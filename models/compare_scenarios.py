"""Model script: run the engine under several scenarios and compare their estimands.

    python models/compare_scenarios.py default informed_1939 archival [--force]

Writes ``results/scenarios/<name>/`` for each scenario (skipping those already there unless
``--force``) and ``results/scenarios/comparison.csv``.
"""

import sys
from pathlib import Path

from stalin_mortality import cli

if __name__ == "__main__":
    force = "--force" in sys.argv
    names = [a for a in sys.argv[1:] if not a.startswith("--")] or ["default", "informed_1939"]
    root = Path("results/scenarios")
    for name in names:
        out = root / name
        if out.exists() and not force:
            continue
        args = ["run", "--scenario", name, "--out", str(out), "--quiet"]
        code = cli.main(args + (["--force"] if force else []))
        if code:
            sys.exit(code)
    sys.exit(
        cli.main(
            ["compare", *(str(root / n) for n in names), "--out", str(root / "comparison.csv")]
        )
    )
