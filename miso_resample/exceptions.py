"""Exceptions raised by miso-resample."""

__all__ = ["TrainingDivergedError"]


class TrainingDivergedError(FloatingPointError):
    """Raised when a MISO loss, or an anchor, becomes NaN or infinite during training."""
