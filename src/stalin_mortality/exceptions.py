"""Exceptions with messages meant for the user: each names the file, row and problem."""


class StalinMortalityError(Exception):
    """Base class: the CLI turns these into a message and a non-zero exit, not a traceback."""


class DataValidationError(StalinMortalityError):
    """A data file is malformed or holds an impossible value."""

    def __init__(self, file, problem, row=None, column=None):
        self.file, self.problem, self.row, self.column = str(file), problem, row, column
        where = self.file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {problem}")


class ScenarioError(StalinMortalityError):
    """A scenario file is malformed, names an unknown prior, or sets an impossible value."""


class WindowError(StalinMortalityError):
    """A window file is malformed or inconsistent."""


class ConvergenceError(StalinMortalityError):
    """The sampler's diagnostics fail the convergence gate; ``result`` holds the fit (a
    :class:`stalin_mortality.Run`) when there is one, so it can still be inspected."""

    def __init__(self, message: str, result=None):
        super().__init__(message)
        self.result = result


class ResultsError(StalinMortalityError):
    """A results folder is missing, corrupted, or would be overwritten."""


class Interrupted(StalinMortalityError):
    """The run was interrupted (SIGINT or SIGTERM): nothing was written or replaced."""
