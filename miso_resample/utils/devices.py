"""Small torch helpers shared by the package: device resolution and seeding."""

import contextlib

import torch

__all__ = ["resolve_device", "seeded_torch"]


def resolve_device(device):
    """Turn ``"auto"`` into ``"cuda"`` when a GPU is visible, else ``"cpu"``.

    Any other value must name a torch device that exists on this machine;
    a clear ``ValueError`` is raised otherwise (before any training).
    """
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if isinstance(device, torch.device):
        device = str(device)
    if not isinstance(device, str):
        raise ValueError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}.")
    try:
        parsed = torch.device(device)
    except RuntimeError as exc:
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}.") from exc
    if parsed.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} was requested but CUDA is not available here; "
                "use device='auto' or 'cpu'.")
        if parsed.index is not None and parsed.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} does not exist: {torch.cuda.device_count()} GPU(s) visible.")
    elif parsed.type != "cpu":
        raise ValueError(
            f"device={device!r} is not supported; use 'auto', 'cpu' or 'cuda[:N]'.")
    return device


@contextlib.contextmanager
def seeded_torch(seed):
    """Seed torch inside the block and restore the global torch RNG afterwards.

    A fit must be reproducible from ``random_state`` without changing the
    caller's global random state.
    """
    # manual_seed seeds every CUDA device too: save and restore all of them.
    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield
