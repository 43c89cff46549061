"""Re-weighting losses of the baselines: focal and dice (the paper's section 6) and
the logit-adjusted loss (Menon et al., ICLR 2021), a strong long-tail peer.

Each takes logits of shape (n, n_classes) and integer targets of shape (n,) and
returns the mean loss, like ``torch.nn.CrossEntropyLoss``.
"""

import numpy as np
import torch

__all__ = ["FocalLoss", "DiceLoss", "LogitAdjustedLoss", "make_criterion", "LOSSES"]

LOSSES = ("cross_entropy", "focal", "dice", "logit_adjusted")


def make_criterion(loss, *, weight=None, y=None, n_classes=None):
    """The training loss ``loss`` (one of :data:`LOSSES`) with class weights ``weight``;
    the logit-adjusted loss takes its priors from the training labels ``y``."""
    if loss == "focal":
        return FocalLoss(weight=weight)
    if loss == "dice":
        return DiceLoss(weight=weight)
    if loss == "logit_adjusted":
        counts = np.bincount(np.asarray(y), minlength=n_classes).astype(np.float64)
        return LogitAdjustedLoss(counts / counts.sum(), weight=weight)
    return torch.nn.CrossEntropyLoss(weight=weight)


class LogitAdjustedLoss(torch.nn.Module):
    """Logit-adjusted cross-entropy (Menon et al. 2021, eq. 11):
    ``CE(logits + tau * log(priors), target)``.

    Training adds the log class priors to the logits; prediction uses the plain
    logits, so rare classes get a larger margin. With uniform priors it is plain
    cross-entropy.

    Parameters
    ----------
    priors : array-like of shape (n_classes,)
        Class frequencies of the training set (positive; normalised here).
    tau : float, default=1.0
        Scale of the adjustment.
    weight : torch.Tensor of shape (n_classes,) or None, default=None
        Per-class weights, as in ``torch.nn.CrossEntropyLoss``.
    """

    def __init__(self, priors, tau=1.0, weight=None):
        super().__init__()
        priors = torch.as_tensor(np.asarray(priors, dtype=np.float64))
        if (priors <= 0).any():
            raise ValueError("Every class needs a positive prior (a training sample).")
        self.register_buffer("offsets", (tau * torch.log(priors / priors.sum())).float())
        self.cross_entropy = torch.nn.CrossEntropyLoss(weight=weight)

    def forward(self, logits, target):
        return self.cross_entropy(logits + self.offsets.to(logits.dtype), target)


class FocalLoss(torch.nn.Module):
    """Focal loss (Lin et al. 2017): ``-alpha_t (1 - p_t)^gamma log p_t``.

    Parameters
    ----------
    gamma : float, default=2.0
        Focusing parameter; 0 gives (weighted) cross-entropy.
    weight : tensor of shape (n_classes,) or None, default=None
        Per-class weights ``alpha_t``.
    """

    def __init__(self, gamma=2.0, weight=None):
        super().__init__()
        self.gamma = gamma
        self.register_buffer("weight", None if weight is None else torch.as_tensor(weight))

    def forward(self, logits, target):
        log_p = torch.log_softmax(logits, dim=-1).gather(1, target[:, None]).squeeze(1)
        loss = -((1 - log_p.exp()) ** self.gamma) * log_p
        if self.weight is not None:
            loss = loss * self.weight.to(loss.dtype)[target]
        return loss.mean()


class DiceLoss(torch.nn.Module):
    """Self-adjusting dice loss (Li et al. 2020, "Dice Loss for Data-imbalanced NLP Tasks").

    For each class ``c``, over the minibatch, with ``p`` the predicted
    probabilities of ``c``, ``y`` the one-hot indicator of ``c`` and
    ``q = (1 - p)^alpha * p`` (the self-adjusting factor down-weights easy,
    confident examples)::

        DSC_c = (2 sum(q * y) + gamma) / (sum(q) + sum(y) + gamma)

    and the loss is the mean of ``1 - DSC_c`` over classes (weighted by
    ``weight`` when given). Computed over the batch, as in the authors' code: a
    per-sample dice is not minimised by correct predictions.

    Parameters
    ----------
    alpha : float, default=0.1
        Strength of the self-adjusting factor; 0 gives the plain soft dice.
    gamma : float, default=1.0
        Smoothing term.
    weight : tensor of shape (n_classes,) or None, default=None
        Per-class weights of the average.
    """

    def __init__(self, alpha=0.1, gamma=1.0, weight=None):
        super().__init__()
        self.alpha = alpha
        self.gamma = gamma
        self.register_buffer("weight", None if weight is None else torch.as_tensor(weight))

    def forward(self, logits, target):
        p = torch.softmax(logits, dim=-1)
        y = torch.nn.functional.one_hot(target, p.shape[-1]).to(p.dtype)
        q = (1 - p) ** self.alpha * p
        dice = (2 * (q * y).sum(0) + self.gamma) / (q.sum(0) + y.sum(0) + self.gamma)
        loss = 1 - dice
        if self.weight is not None:
            w = self.weight.to(loss.dtype)
            return (loss * w).sum() / w.sum()
        return loss.mean()
