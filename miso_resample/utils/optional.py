"""Optional dependencies: import them where a feature needs them, with a clear message."""

import importlib

__all__ = ["require"]


def require(module, extra, feature):
    """Import and return ``module``; raise an ``ImportError`` naming the extra if missing.

    ``feature`` says what needs it, e.g. ``"TransformerEmbedder"``.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = module.split(".")[0].replace("_", "-")
        raise ImportError(
            f"{feature} needs the optional package {package!r}: "
            f"pip install \"miso-resample[{extra}]\"") from exc
