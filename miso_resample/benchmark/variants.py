"""MISO's variants in one place: the legacy generator, the ablations of this release,
and the random-target control of the decisive benchmark.

Used by the benchmark harness (:mod:`miso_resample.benchmark.methods`), the
scripts in ``benchmarks/`` and the golden-anchor test. Each ablation switches
one change of this release's generator off (``docs/design.md``); ``legacy``
switches them all off and reproduces the sampler as it was before them.
"""

from ..decoders import EditDecoder, ScratchDecoder, VectorDecoder

__all__ = ["ABLATIONS", "legacy_params", "RandomTargetEditDecoder"]


class RandomTargetEditDecoder(EditDecoder):
    """MISO's edit decoder steered toward random anchor vectors, not MISO's.

    Same sources, edit rate and rules as :class:`~miso_resample.decoders.EditDecoder`;
    each target is drawn from a standard normal in the standardised sentence space
    (the spread of the training texts' sentence vectors). The difference from
    MISO's rows is what MISO's steering adds.
    """

    def _targets(self, net, data, source, partners, rng):
        noise = rng.standard_normal((len(source), data.inputs.shape[1]))
        return data.state.scaler.inverse_transform(noise)


def legacy_params(mode="dense", **decoder_params):
    """``MISOSampler`` parameters of the generator before this release's changes.

    Parameters
    ----------
    mode : {"dense", "text"}, default="dense"
        Dense: the vector decoder without residual decoding; text: the
        word-by-word decoder.
    **decoder_params
        More parameters of that decoder (for example a tiny vocabulary).

    Returns
    -------
    params : dict
        Keyword arguments of ``MISOSampler``. The previous dense defaults also
        had ``lr=1e-4``.
    """
    decoder_cls, extra = ((VectorDecoder, {"residual": False}) if mode == "dense"
                          else (ScratchDecoder, {}))
    decoder = decoder_cls(**extra, latent_noise=0.0, adversarial_weight=0.1, **decoder_params)
    return dict(decoder=decoder, n_partners=None, majority_signal=None, mi_floor=0.0,
                mine_warmup="qtilde", epoch_pairs=None, early_stopping=None)


# Dense mode: name -> the MISOSampler parameters that switch one change off.
ABLATIONS = {
    "residual": dict(decoder=VectorDecoder(residual=False)),
    "nearest": dict(n_partners=None),
    "signal": dict(majority_signal=None),
    "critic": dict(majority_signal="critic"),
    "floor": dict(mi_floor=0.0),
    "noise": dict(decoder=VectorDecoder(latent_noise=0.0)),
    "early": dict(early_stopping=None),
}
