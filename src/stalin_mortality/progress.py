"""Progress of a run in every mode: nutpie's bar on a terminal; otherwise (piped to a log,
from Python, in a notebook without a terminal) a line every :data:`EVERY` seconds of
sampling and one at each phase (prior draws, compiling, sampling, estimands, tables and
figures, power scaling), on standard error.  ``stalin-mortality ... --quiet`` (or
:func:`set_quiet`) silences both."""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time

#: Seconds between two progress lines while sampling.
EVERY = 20.0
_state = {"quiet": False}


def set_quiet(quiet: bool = True) -> None:
    """Silence (or restore) every progress line and bar."""
    _state["quiet"] = bool(quiet)


def quiet() -> bool:
    return _state["quiet"]


@contextlib.contextmanager
def quiet_logger(name: str, level: int = logging.WARNING):
    """Raise logger ``name`` to ``level`` for the duration (lines that are not ours, e.g.
    PyMC's raw "Sampling: [...]" or the note ``arviz_stats`` logs at every psense call)."""
    logger = logging.getLogger(name)
    before = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(before)


def say(message: str) -> None:
    """One progress line on standard error, with the time of day (nothing when quiet)."""
    if not _state["quiet"]:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def use_bar(progressbar: bool) -> bool:
    """nutpie's bar only where it can redraw itself: asked for, on a terminal, not quiet."""
    return bool(progressbar) and not _state["quiet"] and sys.stderr.isatty()


class SamplingLines:
    """A ``progress_callback`` for nutpie that writes a line every :data:`EVERY` seconds:
    iterations done of all chains, the share, divergences, chains still tuning."""

    def __init__(self, every: float = EVERY):
        self.every = every
        self.start = time.monotonic()
        self.last = self.start
        self.lock = threading.Lock()

    def __call__(self, chains) -> None:
        now = time.monotonic()
        with self.lock:
            if now - self.last < self.every:
                return
            self.last = now
        done = sum(c.finished_draws for c in chains)
        total = sum(c.total_draws for c in chains) or 1
        divergences = sum(c.divergences for c in chains)
        tuning = sum(bool(c.tuning) and bool(c.started) for c in chains)
        say(
            f"sampling: {done}/{total} iterations ({100 * done / total:.0f}%), "
            f"{divergences} divergences, {tuning} chain(s) tuning, {now - self.start:.0f} s"
        )
