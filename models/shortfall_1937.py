"""Model script: the 1937 census shortfall on total population by sex.

python models/shortfall_1937.py [--scenario registered_baseline] [--out results/shortfall]
"""

import sys

from stalin_mortality import cli

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--out" not in args:
        args += ["--out", "results/shortfall_1937"]
    sys.exit(cli.main(["run", "--study", "shortfall_1937", *args]))
