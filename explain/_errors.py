"""Exceptions of the explain package. Verification raises; it never returns False."""

from __future__ import annotations

__all__ = ["ModelError", "ArtifactError", "TrainingError"]


class ModelError(Exception):
    """The model cannot give a trustworthy score; the pipeline must fail closed (hold)."""


class ArtifactError(ModelError):
    """A model artifact is unreadable, malformed, inconsistent or not the expected file."""


class TrainingError(ModelError):
    """Training produced a model that breaks a stated guarantee (monotonicity, exactness)."""
