"""Model script: the 1927-1939 window of the cohort-component account (the default), every
table and figure.

    python models/engine_1927_1939.py [--scenario informed_1939] [--out results/engine]

The same as ``stalin-mortality run --window 1927_1939``; kept as a script a paper can cite
with its arguments.
"""

import sys

from stalin_mortality import cli

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--out" not in args:
        args += ["--out", "results/engine_1927_1939"]
    sys.exit(cli.main(["run", "--window", "1927_1939", *args]))
