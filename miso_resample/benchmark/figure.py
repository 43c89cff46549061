"""The benchmark's figures: MISO's re-embedding in 2-D (the paper's Figure 1) and the
critical-difference diagram of the methods' average ranks (Demšar 2006, Figure 1)."""

import math

import numpy as np
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from .._sampler import MISOSampler
from ..utils.optional import require

__all__ = ["plot_reembedding", "plot_critical_difference"]


def plot_reembedding(X, y, path, *, random_state=0, title=""):
    """Fit MISO on ``(X, y)`` (1 = minority) and save a before/after scatter plot.

    Both panels share one PCA projection fitted on the original rows. Left: the
    data with its difficult minority samples circled; right: the same plus the
    anchors MISO generated, and the minority samples still difficult after
    re-embedding circled. Returns ``(share_before, share_after)`` (%).
    """
    matplotlib = require("matplotlib", "benchmark", "plot_reembedding")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X = StandardScaler().fit_transform(X)
    sampler = MISOSampler(random_state=random_state)
    X_res, y_res = sampler.fit_resample(X, y)
    from ..difficulty import find_difficult_samples

    before = sampler.difficult_mask_
    after = find_difficult_samples(X_res, y_res, minority_class=1)
    pca = PCA(2, random_state=random_state).fit(X)
    P, A = pca.transform(X), pca.transform(X_res[len(X):])
    fig, axes = plt.subplots(1, 2, figsize=(11, 5), sharex=True, sharey=True)
    for ax, mask, label in [(axes[0], before, "before MISO"), (axes[1], after[:len(X)],
                                                                "after MISO")]:
        ax.scatter(*P[y == 0].T, s=6, c="#bbbbbb", label="majority")
        ax.scatter(*P[y == 1].T, s=14, c="#1f77b4", label="minority")
        ax.scatter(*P[mask & (y == 1)].T, s=60, facecolors="none", edgecolors="#d62728",
                   label=f"difficult ({100 * mask[y == 1].mean():.0f}% of minority)")
        ax.set_title(label)
    axes[1].scatter(*A.T, s=10, marker="x", c="#2ca02c", alpha=0.6,
                    label=f"anchors ({len(A)})")
    for ax in axes:
        ax.legend(loc="best", fontsize=8)
        ax.set_xlabel("PC 1")
    axes[0].set_ylabel("PC 2")
    fig.suptitle(title or "MISO re-embedding of difficult samples (PCA of the embeddings)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return 100 * before[y == 1].mean(), 100 * after[:len(X)][y == 1].mean()


def _cliques(ranks, cd):
    """Maximal runs ``(i, j)`` of rank-sorted methods whose ranks span less than ``cd``."""
    found = []
    for i in range(len(ranks)):
        j = i
        while j + 1 < len(ranks) and ranks[j + 1] - ranks[i] < cd:
            j += 1
        if j > i and (not found or j > found[-1][1]):
            found.append((i, j))
    return found


def _draw_axis(ax, lo, hi, cd):
    """Rank axis from ``lo`` to ``hi`` at height 0 with the CD bar above it."""
    ax.plot([lo, hi], [0, 0], c="k", lw=1)
    for tick in range(lo, hi + 1):
        ax.plot([tick, tick], [0, 0.1], c="k", lw=1)
        ax.text(tick, 0.18, str(tick), ha="center", va="bottom", fontsize=9)
    if np.isfinite(cd):
        ax.plot([lo, lo + cd], [0.75, 0.75], c="k", lw=1.5)
        for x in (lo, lo + cd):
            ax.plot([x, x], [0.68, 0.82], c="k", lw=1.5)
        ax.text(lo + cd / 2, 0.86, f"CD = {cd:.2f}", ha="center", va="bottom", fontsize=9)


def plot_critical_difference(ranks, cd, path, title=""):
    """Save a critical-difference diagram (Demšar 2006, Figure 1) as a PNG.

    Methods sit on an average-rank axis (rank 1, the best, on the left); the
    better half is labelled on the left, the rest on the right. A bar above the
    axis shows the CD, and thick lines join runs of methods whose ranks differ by
    less than the CD. Methods with a NaN rank are left out.

    Parameters
    ----------
    ranks : pandas.Series or dict
        Average rank per method.
    cd : float
        Critical difference, e.g. from :func:`nemenyi_critical_difference`.
    path : str or path-like
        Where to write the PNG.
    title : str, default=""
        Figure title.

    Returns
    -------
    str or path-like
        ``path``.
    """
    matplotlib = require("matplotlib", "benchmark", "plot_critical_difference")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    items = sorted((float(r), str(m)) for m, r in dict(ranks).items() if np.isfinite(r))
    if not items:
        raise ValueError("No finite rank to plot.")
    values = [r for r, _ in items]
    k, half = len(items), (len(items) + 1) // 2
    lo, hi = 1, max(k, math.ceil(values[-1]))
    cliques = _cliques(values, cd) if np.isfinite(cd) else []
    top = -0.3 - 0.2 * len(cliques)  # label lines start below the clique lines
    fig, ax = plt.subplots(figsize=(9, 1.6 + 0.3 * half + 0.2 * len(cliques)))
    _draw_axis(ax, lo, hi, cd)
    for i, (r, name) in enumerate(items):
        left = i < half
        y = top - 0.3 * (i if left else k - 1 - i)
        x_end = lo - 0.25 if left else hi + 0.25
        ax.plot([r, r, x_end], [0, y, y], c="k", lw=0.8)
        ax.text(x_end + (-0.05 if left else 0.05), y, f"{name} ({r:.2f})",
                ha="right" if left else "left", va="center", fontsize=9)
    for n, (i, j) in enumerate(cliques):
        ax.plot([values[i] - 0.03, values[j] + 0.03], [-0.2 - 0.2 * n] * 2, c="k", lw=4,
                solid_capstyle="butt")
    ax.set_xlim(lo - 0.3, hi + 0.3)
    ax.set_ylim(top - 0.3 * half - 0.1, 1.2)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return path
