"""``MISONet``: the skorch ``NeuralNet`` that trains a :class:`MISOModule`.

skorch gives the training loop, history, callbacks (progress bar, early
stopping, checkpoints), devices and persistence; this subclass adds what
Algorithm 1 needs:

* three optimizers of the same class (``optimizer``, one ``lr``): ``optimizer_``
  for the encoder-decoders and the SFM (psi, sigma), ``optimizer_discriminator_``
  (phi) and ``optimizer_mine_`` (omega);
* ``train_step`` dispatching on the phase of the epoch (``schedule``);
* per-epoch bookkeeping in the history: ``phase``, ``tau``, ``alpha`` and the
  loss components (``rec_minority``, ``adv_minority``, ``mi_minority``, ...);
* ``generate``: anchors for given minority rows paired with majority rows.

``criterion`` is the adversarial criterion (``BCEWithLogitsLoss``); the
reconstruction losses belong to the decoders. ``max_epochs`` counts every
epoch of Algorithm 1: ``pretrain_epochs`` of auto-encoder pre-training,
``pretrain_epochs`` of MINE pre-training (with the MI loss on) and the rest in
the adversarial main loop.
"""

import contextlib

import torch
from skorch import NeuralNet
from skorch.callbacks import PassthroughScoring
from skorch.dataset import unpack_data

from ..exceptions import TrainingDivergedError
from . import schedule
from .early_stopping import AnchorsConverged
from .schedule import ADVERSARIAL, PRETRAIN_AUTOENCODERS, PRETRAIN_MINE

__all__ = ["MISONet", "TrainingDivergedError"]


class EpochMean(PassthroughScoring):
    """skorch's ``PassthroughScoring`` of a training batch value; NaN in an epoch without it."""

    def __init__(self, name):
        super().__init__(name, lower_is_better=None, on_train=True)

    def on_epoch_end(self, net, **kwargs):
        try:
            net.history[-1, "batches", :, self.name]
        except KeyError:
            net.history.record(self.name, float("nan"))
            return
        net.history.record(self.name, float(self.get_avg_score(net.history)))


class MISONet(NeuralNet):
    """skorch net training the MISO model with the schedule of Algorithm 1.

    Parameters
    ----------
    module : MISOModule instance or class
        The network (see :class:`miso_resample.model.MISOModule`).
    pretrain_epochs : int, default=5
        Epochs of each pre-training stage (lines 2 and 4 of Algorithm 1).
    n_minority, n_majority : int, default=1
        Class sizes, used by the adaptive temperature ``tau``.
    n_anchors : int, default=0
        Anchors that will be generated, used by the ``tau`` schedule.
    mi_floor : float, default=0.0
        Lower bound of the MI loss's weight ``1 - alpha`` in the adversarial
        phase: ``alpha = min(1 / tau, 1 - mi_floor)``. With the default 0, the
        weight follows ``tau`` down to 0 when ``tau`` reaches 1.
    mine_warmup : {"qtilde", "sfm"}, default="qtilde"
        What the MINEs are pre-trained on (Algorithm 1, line 4): the paper's
        ``Qtilde = FFN([K; Q])`` trick, or the output of the (frozen) SFM at the
        first adversarial ``tau``, so that their estimates of ``I(Q; Qbar)``
        and ``I(K; Qbar)`` are calibrated when the adversarial phase starts.
    gradient_clip : float or None, default=5.0
        Max gradient norm per optimizer step (``None`` disables clipping).
    precision : {"float32", "bfloat16"}, default="float32"
        ``"bfloat16"`` runs forward passes and losses under
        ``torch.autocast(dtype=torch.bfloat16)`` (weights, optimizer states
        and the MINE moving averages stay float32; no loss scaling is needed
        with bf16). Mostly useful on GPUs with bf16 units.
    criterion : torch loss class, default=torch.nn.BCEWithLogitsLoss
        Adversarial criterion on discriminator logits.
    optimizer : torch optimizer class, default=torch.optim.Adam
        Class of the three optimizers.
    **kwargs
        Everything else of :class:`skorch.NeuralNet` (``lr``, ``max_epochs``,
        ``batch_size``, ``callbacks``, ``device``, ``verbose``, ...).
    """

    def __init__(self, module, *, pretrain_epochs=5, n_minority=1, n_majority=1,
                 n_anchors=0, mi_floor=0.0, mine_warmup="qtilde", gradient_clip=5.0,
                 precision="float32",
                 criterion=torch.nn.BCEWithLogitsLoss,
                 optimizer=torch.optim.Adam, train_split=None, torch_load_kwargs=None,
                 **kwargs):
        # Loading weights never unpickles arbitrary objects, whatever skorch's default.
        super().__init__(module, criterion=criterion, optimizer=optimizer,
                         train_split=train_split,
                         torch_load_kwargs=({"weights_only": True} if torch_load_kwargs is None
                                            else torch_load_kwargs),
                         **kwargs)
        self.pretrain_epochs = pretrain_epochs
        self.n_minority = n_minority
        self.n_majority = n_majority
        self.n_anchors = n_anchors
        self.mi_floor = mi_floor
        self.mine_warmup = mine_warmup
        self.gradient_clip = gradient_clip
        self.precision = precision

    # -- initialisation ---------------------------------------------------------
    def initialize_optimizer(self, triggered_directly=None):
        module = self.module_
        args, kwargs = self.get_params_for_optimizer(
            "optimizer", module.generator_parameters())
        self.optimizer_ = self.optimizer(*args, **kwargs)
        args, kwargs = self.get_params_for_optimizer(
            "optimizer", module.discriminator_parameters())
        self.optimizer_discriminator_ = self.optimizer(*args, **kwargs)
        if module.use_mi:
            args, kwargs = self.get_params_for_optimizer("optimizer", module.mine_parameters())
            self.optimizer_mine_ = self.optimizer(*args, **kwargs)
        return self

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        """skorch's loop; records whether a ``KeyboardInterrupt`` stopped it.

        skorch's ``partial_fit`` swallows the interrupt and keeps the partly
        trained net (``interrupted_`` is then True); :class:`MISOSampler`
        re-raises it rather than generating anchors from an unfinished model.
        """
        self.interrupted_ = False
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        except AnchorsConverged:        # early stopping on held-back anchors: done
            return self
        except KeyboardInterrupt:
            self.interrupted_ = True
            raise

    # -- per-epoch bookkeeping ----------------------------------------------------
    @property
    def use_mi(self):
        return self.module_.use_mi

    def temperature(self, progress):
        """``tau`` at a given adversarial ``progress`` in [0, 1]."""
        return schedule.adaptive_temperature(
            progress, self.n_minority, self.n_majority, self.n_anchors)

    def alpha(self, tau):
        """Weight of the CAG losses, ``1 / tau`` (section 5) capped by ``mi_floor``."""
        return min(1.0 / tau, 1.0 - self.mi_floor) if self.use_mi else 1.0 / tau

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        super().on_epoch_begin(net, dataset_train, dataset_valid, **kwargs)
        epoch = len(self.history) - 1
        self.phase_ = schedule.training_phase(epoch, self.pretrain_epochs, self.use_mi)
        progress = schedule.adversarial_progress(
            epoch, self.pretrain_epochs, self.max_epochs, self.use_mi)
        self.tau_ = self.temperature(progress if self.phase_ == ADVERSARIAL else 0.0)
        self.history.record("phase", self.phase_)
        self.history.record("tau", self.tau_)
        self.history.record("alpha", self.alpha(self.tau_))
        if hasattr(dataset_train, "reshuffle"):
            dataset_train.reshuffle()

    # Loss components averaged per epoch into the history (NaN when a phase has none).
    loss_components = ("rec_minority", "rec_majority", "adv_minority", "adv_majority",
                       "disc", "mi_minority", "mi_majority")

    def get_default_callbacks(self):
        """skorch's defaults, with an epoch mean of each loss component before the log."""
        defaults = list(super().get_default_callbacks())
        means = [(key, EpochMean(key)) for key in self.loss_components]
        at = next((i for i, (name, _) in enumerate(defaults) if name == "print_log"),
                  len(defaults))
        return defaults[:at] + means + defaults[at:]

    # -- one minibatch of Algorithm 1 ---------------------------------------------
    def _optimizer_step(self, optimizer, loss, named_parameters):
        optimizer.zero_grad()
        loss.backward()
        if self.gradient_clip is not None:
            torch.nn.utils.clip_grad_norm_([p for _, p in named_parameters], self.gradient_clip)
        optimizer.step()

    def _check_finite(self, **losses):
        for name, value in losses.items():
            if not torch.isfinite(value):
                raise TrainingDivergedError(
                    f"MISO training diverged: the {name} loss became {float(value.detach())} in "
                    f"epoch {len(self.history)} (phase {self.phase_!r}). Lower `lr`, "
                    "or standardise the inputs.")

    def _record(self, **values):
        for name, value in values.items():
            self.history.record_batch(name, float(value.detach()))

    def _adversarial_labels(self, logits, real):
        return torch.full_like(logits, 1.0 if real else 0.0)

    def _discriminator_loss(self, logits):
        crit, lab = self.criterion_, self._adversarial_labels
        loss = (crit(logits["minority_real"], lab(logits["minority_real"], True))
                + crit(logits["minority_fake"], lab(logits["minority_fake"], False))
                + crit(logits["majority_real"], lab(logits["majority_real"], True))
                + crit(logits["majority_fake"], lab(logits["majority_fake"], False)))
        if "minority_negative" in logits:         # real majority rows, "not minority"
            loss = loss + crit(logits["minority_negative"],
                               lab(logits["minority_negative"], False))
        if "critic_real" in logits:               # the critic: real minority vs majority
            loss = loss + crit(logits["critic_real"], lab(logits["critic_real"], True)) \
                + crit(logits["critic_negative"], lab(logits["critic_negative"], False))
        return loss

    def train_step(self, batch, **fit_params):
        self._set_training(True)
        x_min, x_maj = unpack_data(batch)
        x_min = x_min.to(self.device, non_blocking=True)
        x_maj = x_maj.to(self.device, non_blocking=True)
        module = self.module_
        with self._autocast():
            if self.phase_ == PRETRAIN_AUTOENCODERS:
                loss = self._pretrain_autoencoders_step(module, x_min, x_maj)
            elif self.phase_ == PRETRAIN_MINE:
                on_sfm = self.mine_warmup == "sfm"
                loss = self._mine_step(module, x_min, x_maj, tau=self.temperature(0.0),
                                       pretraining=not on_sfm)
            else:
                loss = self._adversarial_step(module, x_min, x_maj)
        return {"loss": loss.detach().float(), "y_pred": None}

    def _autocast(self):
        """bf16 autocast on the net's device when ``precision="bfloat16"``."""
        if self.precision == "float32":
            return contextlib.nullcontext()
        if self.precision != "bfloat16":
            raise ValueError(f"precision must be 'float32' or 'bfloat16', got {self.precision!r}.")
        device_type = torch.device(self.device or "cpu").type
        return torch.autocast(device_type=device_type, dtype=torch.bfloat16)

    def _pretrain_autoencoders_step(self, module, x_min, x_maj):
        """Algorithm 1, line 2 (reconstruction through Qtilde)."""
        out = module(x_min, x_maj, pretraining=True)
        rec_pos, rec_neg = module.reconstruction_losses(out, x_min, x_maj)
        loss = rec_pos + rec_neg
        self._check_finite(reconstruction=loss)
        self._optimizer_step(self.optimizer_, loss, module.generator_parameters())
        self._record(rec_minority=rec_pos, rec_majority=rec_neg)
        return loss

    def _mine_step(self, module, x_min, x_maj, tau=1.0, pretraining=False):
        """Algorithm 1, lines 4 and 8: each MINE ascends its own DV bound."""
        with torch.no_grad():
            q, k, q_bar, _ = module.representations(x_min, x_maj, tau, pretraining)
        i_pos, i_neg = module.mutual_information(q, k, q_bar, update_ema=True)
        loss = -(i_pos.objective + i_neg.objective)
        self._check_finite(mine=loss)
        self._optimizer_step(self.optimizer_mine_, loss, module.mine_parameters())
        self._record(mi_minority=i_pos.estimate, mi_majority=i_neg.estimate)
        return loss

    def _adversarial_step(self, module, x_min, x_maj):
        """Algorithm 1, lines 6-8."""
        tau = self.tau_
        alpha = self.alpha(tau)
        # line 6: discriminators ascend log D(x) + log(1 - D(G(.)))
        out = module(x_min, x_maj, tau=tau)
        views = module.discriminator_views(out, x_min, x_maj)
        disc = self._discriminator_loss(module.discriminate(views, detach_fake=True))
        self._check_finite(discriminator=disc)
        self._optimizer_step(self.optimizer_discriminator_, disc,
                             module.discriminator_parameters())
        # line 7: encoder-decoders and SFM descend (1 - alpha) L_MI + alpha (L_CAG+ + L_CAG-)
        logits = module.discriminate(views, detach_fake=False)
        rec_pos, rec_neg = module.reconstruction_losses(out, x_min, x_maj)
        adv_pos = self.criterion_(logits["minority_fake"],
                                  self._adversarial_labels(logits["minority_fake"], True))
        adv_neg = self.criterion_(logits["majority_fake"],
                                  self._adversarial_labels(logits["majority_fake"], True))
        if "critic_fake" in logits:               # the critic should call anchors minority
            adv_pos = adv_pos + self.criterion_(
                logits["critic_fake"], self._adversarial_labels(logits["critic_fake"], True))
        weight = module.adversarial_weight
        cag = (rec_pos + weight * adv_pos) + (rec_neg + weight * adv_neg)
        if module.use_mi:
            # The plain DV estimates (log-sum-exp form) drive the encoder and the SFM;
            # the moving-average correction is for each MINE's own ascent only.
            i_pos, i_neg = module.mutual_information(out.q, out.k, out.q_bar)
            mi_loss = i_neg.estimate - i_pos.estimate        # I(K; Qbar) - I(Q; Qbar)
            loss = (1.0 - alpha) * mi_loss + alpha * cag
        else:
            loss = cag
        self._check_finite(generator=loss)
        self._optimizer_step(self.optimizer_, loss, module.generator_parameters())
        self._record(rec_minority=rec_pos, rec_majority=rec_neg, adv_minority=adv_pos,
                     adv_majority=adv_neg, disc=disc)
        # line 8: MINEs ascend their bounds on the updated representations
        if module.use_mi:
            self._mine_step(module, x_min, x_maj, tau=tau)
        return loss

    # -- inference ----------------------------------------------------------------
    def generate(self, x_minority, x_majority, batch_size=None, decode_batch_size=1024,
                 **decode_options):
        """Anchors for ``x_minority[i]`` paired with ``x_majority[i]`` (lines 9-12).

        The disentangled representations ``z`` are computed at the ``tau`` of
        the last epoch trained (or restored by early stopping) by minibatches
        of ``batch_size`` pairs (the SFM attends within a batch, as in
        training), then decoded by chunks of
        ``decode_batch_size``. ``decode_options`` go to the minority decoder's
        ``generate`` (decoding, temperature, top_k for sequence decoders).
        Returns a numpy array.
        """
        self.check_is_fitted()
        batch_size = batch_size or self.batch_size
        # The tau of the last epoch trained (the end of the schedule), or of the
        # epoch that early stopping restored.
        tau = getattr(self, "tau_", None) or self.temperature(1.0)
        x_minority = torch.as_tensor(x_minority)
        x_majority = torch.as_tensor(x_majority)
        module = self.module_
        module.eval()
        with torch.no_grad(), self._autocast():
            z = torch.cat([module.sample_latent(module.representations(
                x_minority[i:i + batch_size].to(self.device),
                x_majority[i:i + batch_size].to(self.device), tau)[3])
                for i in range(0, len(x_minority), batch_size)])
            anchors = [module.minority_decoder.generate(
                z[i:i + decode_batch_size],
                x_minority[i:i + decode_batch_size].to(self.device), **decode_options).cpu()
                for i in range(0, len(z), decode_batch_size)]
        anchors = torch.cat(anchors)
        return (anchors.float() if anchors.is_floating_point() else anchors).numpy()
