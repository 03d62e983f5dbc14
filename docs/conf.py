"""Sphinx configuration of the documentation site (`make docs`: warnings are errors)."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import stalin_mortality  # noqa: E402

project = "stalin_mortality"
author = "stalin_mortality developers"
copyright = "2026, stalin_mortality developers"
release = stalin_mortality.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinxarg.ext",
    "catalogues",
]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "jupyter_execute", "README.md", "**.ipynb_checkpoints"]
suppress_warnings = ["myst.header"]  # the long pages skip heading levels in places

myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3

# the tutorial runs on every build (reduced settings, stated in it): no cache, no skipping
nb_execution_mode = "force"
nb_execution_timeout = 900
nb_execution_raise_on_error = True
nb_merge_streams = True

numpydoc_show_class_members = False
numpydoc_validation_checks = set()
autodoc_typehints = "none"
autodoc_member_order = "bysource"

intersphinx_mapping = {}

html_theme = "pydata_sphinx_theme"
html_title = f"stalin_mortality {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path = []
