"""A Figure-1-style picture: majority, minority, difficult samples and anchors in 2-D."""

from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from .._sampler import MISOSampler

__all__ = ["plot_reembedding"]


def plot_reembedding(X, y, path, *, random_state=0, title=""):
    """Fit MISO on ``(X, y)`` (1 = minority) and save a before/after scatter plot.

    Both panels share one PCA projection fitted on the original rows. Left: the
    data with its difficult minority samples circled; right: the same plus the
    anchors MISO generated, and the minority samples still difficult after
    re-embedding circled. Returns ``(share_before, share_after)`` (%).
    """
    import matplotlib

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
