"""Errors of the insight core: a code for programs, a Chinese message for people."""

from __future__ import annotations


class InsightError(Exception):
    """Base class. ``code`` is stable (for callers and logs); ``message`` is shown to staff."""

    code = "insight_error"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class TrainingDataError(InsightError):
    """Nothing usable to train on (no rows, or fewer than two categories with enough examples).

    The caller keeps its previous model: training never replaces a model before
    the new one is complete.
    """

    code = "training_data"


class ModelFormatError(InsightError):
    """Bytes that are not a model of this kind, or of a format version this code cannot read."""

    code = "model_format"


class NotTrainedError(InsightError):
    code = "not_trained"


class RareCategoryWarning(UserWarning):
    """Categories with too few examples were left out of a model (listed in the message)."""
