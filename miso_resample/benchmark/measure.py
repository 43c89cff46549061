"""Wall time and peak memory of a block, measured in a fresh process (Linux ``/proc``)."""

import time

__all__ = ["PeakMemory", "run_in_fresh_process"]


def _rss_kib(field):
    """``VmRSS`` (current) or ``VmHWM`` (peak) of this process, in KiB (0 if unknown)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _reset_peak_rss():
    """Reset the kernel's peak-RSS counter of this process; False where impossible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class PeakMemory:
    """Context manager: ``seconds``, ``peak_mib`` (process peak) and ``increase_mib``
    (peak reached inside the block above the resident memory before it, or None where
    the peak counter cannot be reset)."""

    def __enter__(self):
        self.base = _rss_kib("VmRSS")
        self.exact = _reset_peak_rss()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        peak = _rss_kib("VmHWM")
        self.peak_mib = peak / 1024
        self.increase_mib = max(peak - self.base, 0) / 1024 if self.exact else None
        return False


def run_in_fresh_process(target, *args, echo=True):
    """Run ``target(*args, queue)`` in a spawned process and return what it puts on
    ``queue`` (its peak memory is then its own)."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    row = queue.get()
    proc.join()
    if echo:
        print(row, flush=True)
    return row
