"""The MISO network: wires the components of Figure 2 and computes the losses.

Data flow for a minibatch of ``b`` paired rows ``(x+_i, x-_i)``:

1. shared encoder: ``Q = E(x+)``, ``K = E(x-)``;
2. semantic fusion: ``Qbar = SFM(Q, K, tau)`` (``model.sfm``); during the
   pre-training of Algorithm 1 (and always in the CAG-only ablation) the SFM is
   replaced by the trick of section 5, ``Qtilde = FFN([K; Q])``;
3. MI loss (section 4.2): two MINEs estimate ``I(Q; Qbar)`` (``T+``) and
   ``I(K; Qbar)`` (``T-``); the encoder and the SFM minimise
   ``L_MI = I(K; Qbar) - I(Q; Qbar)``, each MINE maximises its own bound;
4. injection: a feed-forward layer turns ``[Q; Qbar]`` into the disentangled
   representation ``z`` (step (5) of Figure 2);
5. CAG: the minority decoder reads ``z``, the majority decoder reads ``K``;
   each has a reconstruction loss plus a non-saturating adversarial loss
   against its single-hidden-layer discriminator.

Choices where the paper is silent or ambiguous:

* ``L_CAG`` (the "reconstruction losses ... denoted D(N || U)" of section 4.2)
  is taken as reconstruction + ``adversarial_weight`` x adversarial loss: the
  reconstruction keeps the anchors' surface form close to their source, the
  discriminator keeps them on the data distribution.
* The injection layer reads ``[Q; Qbar]``, not ``Qbar`` alone. The row
  attention of the SFM averages the minority rows of the batch (uniformly when
  ``tau`` is large), so ``Qbar`` alone cannot tell the rows of a batch apart and
  every anchor of a batch would decode to the same point; the paper's anchors
  keep the surface form of their own source, which needs ``Q``. The injection
  layer is applied to ``[Q; Qtilde]`` during pre-training as well, so the
  decoders see the same kind of input before and after the SFM is switched on.
* CAG-only ablation (``use_mi=False``): no SFM, no MINEs, no MI loss; the
  minority decoder reads ``z = injection([Q; FFN([K; Q])])``, i.e. the coupled
  encoder-decoders of Algorithm 1 with the SFM branch removed. The pairing with
  a majority row is kept so both variants draw diverse anchors the same way.
"""

from typing import NamedTuple

import torch

from .discriminators import Discriminator
from .mine import MINE
from .sfm import SemanticFusionModule

__all__ = ["MISOModule", "MISOOutputs"]


def _feed_forward(in_dim, out_dim):
    return torch.nn.Sequential(
        torch.nn.Linear(in_dim, out_dim), torch.nn.GELU(), torch.nn.Linear(out_dim, out_dim))


# Which discriminator scores each view, and the key of the critic's logits on the
# views it also scores (majority_signal="critic").
_SIDE_OF_VIEW = {"minority_real": "minority", "minority_fake": "minority",
                 "minority_negative": "minority", "majority_real": "majority",
                 "majority_fake": "majority"}
_CRITIC_KEYS = {"minority_real": "critic_real", "minority_fake": "critic_fake",
                "minority_negative": "critic_negative"}

class MISOOutputs(NamedTuple):
    """Intermediate tensors of one forward pass."""

    q: torch.Tensor
    k: torch.Tensor
    q_bar: torch.Tensor          # Qbar (SFM) or Qtilde (pre-training trick / CAG-only)
    z: torch.Tensor              # disentangled representation fed to the minority decoder
    minority_output: torch.Tensor
    majority_output: torch.Tensor


class MISOModule(torch.nn.Module):
    """The MISO network of Figure 2 with pluggable encoder and decoders.

    Parameters
    ----------
    encoder : torch.nn.Module
        Shared encoder mapping a batch of inputs to ``(batch, latent_dim)``.
    minority_decoder, majority_decoder : torch.nn.Module
        Decoders following the contract of :mod:`miso_resample.model.decoders`.
    latent_dim : int, default=64
        Width ``d`` of ``Q``, ``K``, ``Qbar`` and ``z``.
    n_heads : int, default=8
        Attention heads of the SFM.
    discriminator_hidden_dim : int, default=128
        Hidden width of the two discriminators.
    mine_hidden_dim : int, default=128
        Hidden width of the two MINE statistics networks.
    use_mi : bool, default=True
        ``False`` gives the CAG-only ablation of section 7.2.
    adversarial_weight : float, default=0.1
        Weight of the adversarial term inside each ``L_CAG``.
    majority_signal : {"negatives", "critic"} or None, default=None
        A signal that points the anchors away from the majority.
        ``"negatives"``: the minority discriminator also sees the real majority
        rows as "not a real minority sample". ``"critic"``: a separate
        single-hidden-layer critic learns real minority vs real majority rows,
        and the minority generator is also scored by it (weight
        ``adversarial_weight``). None: the paper's two discriminators only.
    latent_noise : float, default=0.0
        At generation, Gaussian noise added to ``z`` before the minority
        decoder, in units of the per-dimension standard deviation of ``z`` in
        training (a moving average over the minibatches, buffer ``z_scale``):
        anchors are decoded from samples of a kernel estimate of the
        distribution of ``Z`` (section 3: "we sample Z"), so the anchors of one
        source differ. Training uses ``z`` itself.
    """

    def __init__(self, encoder, minority_decoder, majority_decoder, *, latent_dim=64,
                 n_heads=8, discriminator_hidden_dim=128, mine_hidden_dim=128,
                 use_mi=True, adversarial_weight=0.1, majority_signal=None,
                 latent_noise=0.0):
        super().__init__()
        self.use_mi = use_mi
        self.adversarial_weight = adversarial_weight
        self.majority_signal = majority_signal
        self.latent_noise = latent_noise
        self.register_buffer("z_scale", torch.ones(latent_dim))
        self.encoder = encoder
        self.pretrain_fusion = _feed_forward(2 * latent_dim, latent_dim)  # Qtilde = FFN([K; Q])
        self.injection = _feed_forward(2 * latent_dim, latent_dim)  # step (5): [Q; Qbar] -> z
        self.minority_decoder = minority_decoder
        self.majority_decoder = majority_decoder
        self.minority_discriminator = Discriminator(
            minority_decoder.view_dim, discriminator_hidden_dim)
        self.majority_discriminator = Discriminator(
            majority_decoder.view_dim, discriminator_hidden_dim)
        if majority_signal == "critic":          # real minority vs real majority
            self.critic = Discriminator(minority_decoder.view_dim, discriminator_hidden_dim)
        if use_mi:
            self.sfm = SemanticFusionModule(latent_dim, n_heads)
            self.mine_minority = MINE(latent_dim, latent_dim, mine_hidden_dim)  # T+ on (Q, Qbar)
            self.mine_majority = MINE(latent_dim, latent_dim, mine_hidden_dim)  # T- on (K, Qbar)

    # -- parameter groups, one optimizer each (Algorithm 1) -------------------
    def generator_parameters(self):
        """psi (encoder-decoders) and sigma (SFM, fusion and injection layers)."""
        excluded = {id(p) for _, p in self.discriminator_parameters()}
        excluded |= {id(p) for _, p in self.mine_parameters()}
        return [(n, p) for n, p in self.named_parameters() if id(p) not in excluded]

    def discriminator_parameters(self):
        """phi+ and phi- (and the minority-vs-majority critic, if any)."""
        names = ["minority_discriminator", "majority_discriminator"]
        names += ["critic"] if hasattr(self, "critic") else []
        return [(f"{name}.{n}", p) for name in names
                for n, p in getattr(self, name).named_parameters()]

    def mine_parameters(self):
        """omega+ and omega- (empty in the CAG-only ablation)."""
        if not self.use_mi:
            return []
        return [(f"mine_minority.{n}", p) for n, p in self.mine_minority.named_parameters()] + [
                (f"mine_majority.{n}", p) for n, p in self.mine_majority.named_parameters()]

    # -- forward ---------------------------------------------------------------
    def representations(self, x_minority, x_majority, tau=1.0, pretraining=False):
        """``Q``, ``K``, ``Qbar`` (or ``Qtilde``) and ``z``, without decoding."""
        q = self.encoder(x_minority)
        k = self.encoder(x_majority)
        if self.use_mi and not pretraining:
            q_bar = self.sfm(q, k, tau)
        else:
            q_bar = self.pretrain_fusion(torch.cat([k, q], dim=-1))
        z = self.injection(torch.cat([q, q_bar], dim=-1))
        return q, k, q_bar, z

    def sample_latent(self, z):
        """``z`` plus ``latent_noise`` x its per-dimension training spread x N(0, I)."""
        if not self.latent_noise:
            return z
        return z + self.latent_noise * self.z_scale.to(z.dtype) * torch.randn_like(z)

    @torch.no_grad()
    def _track_z_scale(self, z, momentum=0.05):
        if self.training and z.shape[0] > 1:
            self.z_scale.lerp_(z.detach().float().std(dim=0), momentum)

    def forward(self, x_minority, x_majority, tau=1.0, pretraining=False):
        q, k, q_bar, z = self.representations(x_minority, x_majority, tau, pretraining)
        self._track_z_scale(z)
        minority_output = self.minority_decoder(z, x_minority)
        majority_output = self.majority_decoder(k, x_majority)
        return MISOOutputs(q, k, q_bar, z, minority_output, majority_output)

    # -- losses ----------------------------------------------------------------
    def mutual_information(self, q, k, q_bar, *, update_ema=False):
        """DV estimates of ``I(Q; Qbar)`` and ``I(K; Qbar)`` (``MIEstimate`` pairs)."""
        return (self.mine_minority(q, q_bar, update_ema=update_ema),
                self.mine_majority(k, q_bar, update_ema=update_ema))

    def reconstruction_losses(self, out, x_minority, x_majority):
        return (self.minority_decoder.reconstruction_loss(out.minority_output, x_minority),
                self.majority_decoder.reconstruction_loss(out.majority_output, x_majority))

    def discriminator_views(self, out, x_minority, x_majority):
        """What the two discriminators see of real and generated samples.

        Computed once per step: the discriminator step uses the generated views
        detached, the generator step with their gradients.
        """
        views = {
            "minority_real": self.minority_decoder.real_view(x_minority),
            "minority_fake": self.minority_decoder.discriminator_view(
                out.minority_output, x_minority),
            "majority_real": self.majority_decoder.real_view(x_majority),
            "majority_fake": self.majority_decoder.discriminator_view(
                out.majority_output, x_majority),
        }
        if self.majority_signal is not None:   # real majority rows, "not minority"
            views["minority_negative"] = self.minority_decoder.real_view(x_majority)
        return views

    def discriminate(self, views, *, detach_fake):
        """Logits of the discriminators (and critic) on ``discriminator_views``.

        Keys are those of ``views``; with ``majority_signal="negatives"`` the
        minority discriminator scores ``minority_negative``; with ``"critic"``
        the critic scores the real minority and majority rows and the generated
        minority rows (keys ``critic_real``, ``critic_negative``, ``critic_fake``).
        """
        with_critic = self.majority_signal == "critic"
        logits = {}
        for name, view in views.items():
            if detach_fake and name.endswith("fake"):
                view = view.detach()
            if with_critic and name in _CRITIC_KEYS:
                logits[_CRITIC_KEYS[name]] = self.critic(view)
                if name == "minority_negative":       # with the critic, for it alone
                    continue
            side = _SIDE_OF_VIEW[name]
            discriminator = (self.minority_discriminator if side == "minority"
                             else self.majority_discriminator)
            logits[name] = discriminator(view)
        return logits
