"""Re-weighting losses of the paper's baselines (section 6): focal and dice.

Both take logits of shape (n, n_classes) and integer targets of shape (n,) and
return the mean loss, like ``torch.nn.CrossEntropyLoss``.
"""

import torch

__all__ = ["FocalLoss", "DiceLoss"]


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
