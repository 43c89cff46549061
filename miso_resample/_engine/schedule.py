"""The training schedule of Algorithm 1 and the adaptive temperature ``tau``.

Phases, by epoch (``pretrain_epochs`` each for the two pre-training stages):

1. ``"pretrain_autoencoders"`` (lines 1-2): SFM, MINEs and discriminators are
   frozen; the encoder-decoders learn to reconstruct through the trick of
   section 5, ``Qtilde = FFN([K; Q])``. Only the reconstruction terms are used:
   the adversarial term against a frozen, untrained discriminator would carry
   no information about the data.
2. ``"pretrain_mine"`` (lines 3-4): encoder-decoders frozen; both MINEs
   maximise their Donsker-Varadhan bounds on ``(Q, Qtilde)`` and ``(K, Qtilde)``.
   Skipped in the CAG-only ablation (no MINEs).
3. ``"adversarial"`` (lines 5-8), every minibatch: a discriminator step, a
   generator step on ``(1 - alpha) L_MI + alpha (L_CAG+ + L_CAG-)`` for the
   encoder-decoders and the SFM, and a MINE step.

The paper defines ``tau = #majority / #minority`` "in the current epoch", large
at first (each difficult sample compared with nearly all majority samples)
and smaller at the end. Nothing is added to the training set while MISO trains,
so we count the anchors as accumulating linearly over the adversarial epochs:
``#minority = n_minority + progress * n_anchors`` with ``progress`` going from 0
(first adversarial epoch) to 1 (last epoch, and inference). With a balancing
``sampling_strategy`` the final ``tau`` is then ``n_majority / (n_minority +
n_anchors)``, about 1 for binary problems. ``tau`` is clipped to ``[1, inf)``
as in the paper, and ``alpha = 1 / tau`` (section 5).
"""

PRETRAIN_AUTOENCODERS = "pretrain_autoencoders"
PRETRAIN_MINE = "pretrain_mine"
ADVERSARIAL = "adversarial"

__all__ = ["PRETRAIN_AUTOENCODERS", "PRETRAIN_MINE", "ADVERSARIAL", "training_phase",
           "n_training_epochs", "adversarial_progress", "adaptive_temperature"]


def n_training_epochs(pretrain_epochs, adversarial_epochs, use_mi):
    """Total epochs of Algorithm 1 (both pre-training stages plus the main loop)."""
    return pretrain_epochs * (2 if use_mi else 1) + adversarial_epochs


def training_phase(epoch, pretrain_epochs, use_mi):
    """Phase of the 0-based ``epoch``."""
    if epoch < pretrain_epochs:
        return PRETRAIN_AUTOENCODERS
    if use_mi and epoch < 2 * pretrain_epochs:
        return PRETRAIN_MINE
    return ADVERSARIAL


def adversarial_progress(epoch, pretrain_epochs, n_epochs, use_mi):
    """Fraction in [0, 1] of the adversarial epochs already done at ``epoch``."""
    first = n_epochs - n_training_epochs(pretrain_epochs, 0, use_mi)
    start = n_epochs - first
    if first <= 1:
        return 1.0 if epoch >= start else 0.0
    return min(1.0, max(0.0, (epoch - start) / (first - 1)))


def adaptive_temperature(progress, n_minority, n_majority, n_anchors):
    """``tau = #majority / #minority`` with anchors accumulated up to ``progress``."""
    minority = n_minority + progress * n_anchors
    return max(1.0, float(n_majority) / max(float(minority), 1.0))
