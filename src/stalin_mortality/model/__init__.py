"""Models: pure demographic arithmetic (``demography``) and model builders."""

from .shortfall import build_shortfall_model

__all__ = ["build_shortfall_model"]
