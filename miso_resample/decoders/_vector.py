"""``VectorDecoder``: dense mode's decoder, anchor vectors in the input's feature space."""

from imblearn.utils import Substitution
from sklearn.preprocessing import StandardScaler

from ._base import SHARED_DOCS, BaseDecoder, Representation, vector_parts

__all__ = ["VectorDecoder"]


@Substitution(**SHARED_DOCS)
class VectorDecoder(BaseDecoder):
    """Dense mode: an MLP decoder writes each anchor as a vector of features.

    Features are standardised for the network (the encoder and the MINEs expect
    unit-scale inputs); the sampler maps anchors back to the input's scale, and
    constant features stay constant.

    Parameters
    ----------
    residual : bool, default=True
        ``anchor = source + g(z)``: the last layer of ``g`` starts at zero, so
        the first anchors are their sources and the reconstruction loss prices
        the step away from the source; anchors are not shrunk toward the
        centre by an underfitted decoder. False decodes ``z`` alone (the
        paper's decoder).

    {latent_noise}

    {vector_adversarial_weight}

    See Also
    --------
    EditDecoder, ScratchDecoder, LanguageModelDecoder : the text decoders.

    Examples
    --------
    >>> from miso_resample import MISOSampler
    >>> from miso_resample.decoders import VectorDecoder
    >>> sampler = MISOSampler(decoder=VectorDecoder(residual=False))
    """

    mode = "dense"
    _parameter_constraints: dict = {**BaseDecoder._parameter_constraints,
                                    "residual": ["boolean"]}

    def __init__(self, *, residual=True, latent_noise=4.0, adversarial_weight=1.0):
        self.residual = residual
        self.latent_noise = latent_noise
        self.adversarial_weight = adversarial_weight

    def represent(self, X, y, context):
        """Standardised features (float32); the fitted scaler is the state."""
        scaler = StandardScaler().fit(X)
        return Representation(scaler.transform(X).astype("float32"), scaler)

    def build_parts(self, representation, params):
        return vector_parts(representation.inputs.shape[1], params, residual=self.residual)

    def render(self, net, data, source, partners, rng):
        """Anchor vectors (standardised) and 0 re-drawn; ``rng`` is not needed here."""
        return net.generate(data.inputs[source], data.inputs[partners]), 0
