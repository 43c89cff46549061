"""``MISOSampler``: the imbalanced-learn over-sampler built on the MISO model.

The sampler orchestrates; the engine (:mod:`miso_resample._engine`) runs each
mode, the decoders (:mod:`miso_resample.decoders`) write the anchors.
"""

import numbers

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import Substitution
from imblearn.utils._docstring import _random_state_docstring
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from ._engine.dense_mode import DenseMode
from ._engine.parameters import MovedParametersMixin, check_class_sizes, resolve_params
from ._engine.text_mode import TextMode
from ._engine.training import resample_classes
from .decoders import BaseDecoder
from .utils.labels import check_label_types
from .utils.text_input import check_not_mixed, check_texts, is_text_input

__all__ = ["MISOSampler"]

_MODES = {"dense": DenseMode, "text": TextMode}


@Substitution(sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
              random_state=_random_state_docstring)
class MISOSampler(MovedParametersMixin, BaseOverSampler):
    """Mutual Information constrained Semantically Oversampling (MISO).

    For every class to over-sample (the *minority*, against all other rows as
    the *majority*, as in the paper's multi-class setting), a MISO network is
    trained with Algorithm 1 of Tian et al. (EMNLP 2021): a shared encoder, the
    semantic fusion module (SFM) with adaptive temperature ``tau``, two MINEs
    and the MI loss, and the coupled adversarial encoder-decoders (CAG). It then
    generates *anchor instances* for the class's difficult samples (section
    7.1), each paired with a different majority sample, until the class reaches
    the count asked by ``sampling_strategy``.

    Dense mode: ``X`` is a numeric matrix (for example sentence embeddings).

    Text mode: ``X`` is a column of strings (list, 1-D array, ``(n, 1)``
    object array, pandas Series or single-column DataFrame). Difficult samples
    are found on TF-IDF vectors (cosine distance); by default the network runs
    on sentence vectors of the texts and each anchor is its source text edited
    toward the anchor vector (``EditDecoder``); ``ScratchDecoder`` writes
    anchors word by word with the paper's autoregressive decoders. Anchors are
    returned in the input's container. The mode is chosen from the data: any
    column holding strings is text.

    Read more in ``docs/design.md``.

    Parameters
    ----------
    {sampling_strategy}

    k_neighbors : int, default=5
        Neighbours inspected to decide which minority samples are difficult
        (:func:`miso_resample.find_difficult_samples`: Euclidean distance in
        the input space in dense mode, cosine distance between TF-IDF vectors
        in text mode). Must be smaller than the size of every class to
        over-sample.

    {random_state}

        With an int, results are identical from run to run on CPU; global
        random states are left untouched.

    decoder : "auto" or a decoder of :mod:`miso_resample.decoders`, default="auto"
        How anchors are written: the representation the network runs on, the
        encoder and decoders, and the rendering of an anchor.
        ``"auto"``: :class:`~miso_resample.decoders.VectorDecoder` (residual
        anchor vectors) in dense mode, :class:`~miso_resample.decoders.EditDecoder`
        (each source text edited toward its anchor vector) in text mode;
        :class:`~miso_resample.decoders.LanguageModelDecoder` and
        :class:`~miso_resample.decoders.ScratchDecoder` are the other text
        decoders. The strings ``"residual"``, ``"edit"``, ``"pretrained"`` and
        ``"scratch"`` are deprecated (0.2) aliases of those objects.

    n_partners : int or None, default=10
        Majority partner of each minority row, in training and at generation:
        one of its ``n_partners`` nearest majority rows (so ``K`` carries the
        majority semantics entangled with the source, which the MI loss
        removes); the ``j``-th anchor of a source takes the ``j``-th nearest.
        None: a random majority row.

    majority_signal : {{"negatives", "critic"}} or None, default="negatives"
        A signal that points the anchors away from the majority:
        ``"negatives"`` shows the minority discriminator the real majority rows
        as "not minority" too; ``"critic"`` adds a critic trained on real
        minority vs real majority rows, whose verdict on the anchors joins the
        minority generator's adversarial loss. None: the paper's two
        discriminators only.

    use_mi : bool, default=True
        False switches the SFM and the MI loss off (CAG-only, section 7.2).

    mi_floor : float in [0, 1), default=0.2
        Lower bound of the MI loss's weight ``1 - alpha`` (section 5): with
        ``alpha = 1 / tau`` alone, the weight falls to 0 as ``tau`` reaches 1
        and the last updates ignore the MI loss.

    mine_warmup : {{"sfm", "qtilde"}}, default="sfm"
        What the two MINEs are pre-trained on (Algorithm 1, line 4): the frozen
        SFM's output at the first adversarial ``tau``, so that their estimates
        (history keys ``mi_minority``, ``mi_majority``) are calibrated when the
        adversarial phase starts, or the paper's ``Qtilde = FFN([K; Q])``.

    latent_dim : int, default=64
        Width ``d`` of ``Q``, ``K``, ``Qbar`` and ``z``.

    hidden_dim : int, default=256
        Hidden width of the encoder and decoders.

    n_heads : int, default=8
        Attention heads of the SFM; must divide ``latent_dim``.

    max_epochs : int or "auto", default="auto"
        Epochs of the adversarial main loop (Algorithm 1, lines 5-8), each of
        ``epoch_pairs`` minority/majority pairs. ``"auto"``: the decoder's
        (20; 3 for ``ScratchDecoder``).

    pretrain_epochs : int or "auto", default="auto"
        Epochs of each pre-training stage (auto-encoders, MINEs); ``"auto"``: 3.

    epoch_pairs : int, "auto" or None, default="auto"
        Minority/majority pairs per epoch, so that ``max_epochs`` and
        ``pretrain_epochs`` are a budget of optimizer steps whatever the size
        of the data. None: one pass over the larger class (the budget then
        grows with the data). ``"auto"``: 1024, except None for
        ``ScratchDecoder``.

    batch_size : int, default=64
        Minibatch size ``b_s`` (pairs per batch).

    lr : float or "auto", default="auto"
        Learning rate of the three Adam optimizers. ``"auto"``: 1e-3 (the
        paper's 1e-4 underfits in the epochs a CPU affords).

    early_stopping : int or None, default=3
        Decoders whose anchors are vectors (all but ``ScratchDecoder``), classes
        of 20 rows or more: hold back 10% of the minority rows, score their
        anchors after every adversarial epoch (history key
        ``valid_anchor_score``, ``docs/design.md``), and stop when the score
        has not improved for this many epochs, keeping the best epoch's state.
        None trains for ``max_epochs``.

    device : str, default="auto"
        ``"auto"`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"`` or
        ``"cuda:N"``.

    precision : {{"float32", "bfloat16"}}, default="float32"
        ``"bfloat16"`` trains and generates under bf16 autocast (weights and
        optimizer states stay float32): faster on GPUs with bf16 units, and
        anchors are returned in the input's dtype either way, but dense
        anchors then carry bf16 precision (about 3 significant digits).

    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks (checkpoints, logging, LR schedules, ...), a
        deep copy for each class's net; with several classes a
        ``Checkpoint``'s ``fn_prefix`` gets ``class_<c>_`` in front. There is
        no validation split, and ``train_loss`` changes meaning between the
        phases of Algorithm 1: monitor with care (``docs/design.md``).

    verbose : int, default=0
        0 is silent; 1 or more shows each class's progress and epoch table.

    **moved_parameters
        Deprecated in 0.2, removed in 0.3 (a ``FutureWarning`` each): the
        decoder options that were flat parameters (``edit_rate``,
        ``temperature``, ``max_length``, ``top_p``, ``word_vectors``,
        ``latent_noise``, ...), passed on to the decoder the fit uses, and
        ``pairing`` (now ``n_partners=None`` for random partners).

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of anchors to generate per class.

    mode_ : {{"dense", "text"}}
        The mode chosen from ``X``.

    decoder_ : decoder object
        The validated copy of the decoder the fit used (``"auto"`` and the
        deprecated strings resolved).

    difficult_mask_ : ndarray of shape (n_samples,), dtype=bool
        Difficult samples of the classes being over-sampled.

    anchor_sources_ : ndarray of shape (n_anchors,), dtype=int
        For each generated row (in output order), the index in ``X`` of the
        difficult sample it was generated for.

    nets_ : dict
        The fitted ``MISONet`` (a skorch ``NeuralNet``) of each over-sampled
        class, keyed by class label; ``nets_[c].history`` holds the training
        history (losses, ``tau``, ``alpha``, phase per epoch).

    n_features_in_ : int
        Dense mode: number of features of ``X``.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Dense mode: column names of a DataFrame ``X`` with string column names.

    vocabulary_ : TextVocabulary
        ``ScratchDecoder`` only: the fitted word-level vocabulary of its token ids.

    n_redecoded_ : int
        Text mode: anchors re-drawn because they copied a text (edits and
        scratch decodings), or written by an edit because the language-model
        decoder had no usable candidate left for its source.

    Notes
    -----
    Anchors are generated only for *difficult* samples. When a class to
    over-sample has no difficult sample (its classes are already separated at
    ``k_neighbors``), all its samples are used as sources instead.

    Sparse input is accepted and densified for the network (MISO works on
    dense representations); the output is sparse, in the input's format.

    Failures leave no half-fitted state: when ``fit_resample`` raises (bad
    input, :class:`~miso_resample.TrainingDivergedError`, Ctrl-C), every
    fitted attribute is removed, and anchors of a half-trained net are never
    returned (``docs/reliability.md``).

    See Also
    --------
    imblearn.over_sampling.ADASYN, imblearn.over_sampling.SMOTE

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from miso_resample import MISOSampler
    >>> X, y = make_classification(n_samples=300, weights=[0.9, 0.1], random_state=0)
    >>> sampler = MISOSampler(max_epochs=2, pretrain_epochs=1, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(0, 268), (1, 268)]
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "k_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "decoder": [StrOptions({"auto", "residual", "edit", "pretrained", "scratch"}),
                    BaseDecoder],
        "n_partners": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "majority_signal": [StrOptions({"negatives", "critic"}), None],
        "use_mi": ["boolean"],
        "mi_floor": [Interval(numbers.Real, 0, 1, closed="left")],
        "mine_warmup": [StrOptions({"sfm", "qtilde"})],
        "latent_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "hidden_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_heads": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "pretrain_epochs": [Interval(numbers.Integral, 0, None, closed="left"),
                            StrOptions({"auto"})],
        "epoch_pairs": [Interval(numbers.Integral, 1, None, closed="left"),
                        StrOptions({"auto"}), None],
        "batch_size": [Interval(numbers.Integral, 2, None, closed="left")],
        "lr": [Interval(numbers.Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "early_stopping": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "device": [str],
        "precision": [StrOptions({"float32", "bfloat16"})],
        "callbacks": [list, None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        k_neighbors=5,
        random_state=None,
        decoder="auto",
        n_partners=10,
        majority_signal="negatives",
        use_mi=True,
        mi_floor=0.2,
        mine_warmup="sfm",
        latent_dim=64,
        hidden_dim=256,
        n_heads=8,
        max_epochs="auto",
        pretrain_epochs="auto",
        epoch_pairs="auto",
        batch_size=64,
        lr="auto",
        early_stopping=3,
        device="auto",
        precision="float32",
        callbacks=None,
        verbose=0,
        **moved_parameters,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.k_neighbors = k_neighbors
        self.random_state = random_state
        self.decoder = decoder
        self.n_partners = n_partners
        self.majority_signal = majority_signal
        self.use_mi = use_mi
        self.mi_floor = mi_floor
        self.mine_warmup = mine_warmup
        self.latent_dim = latent_dim
        self.hidden_dim = hidden_dim
        self.n_heads = n_heads
        self.max_epochs = max_epochs
        self.pretrain_epochs = pretrain_epochs
        self.epoch_pairs = epoch_pairs
        self.batch_size = batch_size
        self.lr = lr
        self.early_stopping = early_stopping
        self.device = device
        self.precision = precision
        self.callbacks = callbacks
        self.verbose = verbose
        self._set_moved_parameters(moved_parameters)      # deprecated in 0.2

    # -- entry points: imbalanced-learn's template, in both modes ----------------------
    def fit_resample(self, X, y, **params):
        """Resample the dataset: originals first, then the generated anchors.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features), \
                or a column of texts
            Dense mode: a numeric matrix. Text mode: a list, 1-D array, ``(n, 1)``
            object array, pandas Series or single-column DataFrame of strings.
        y : array-like of shape (n_samples,)
            Class labels.
        **params : dict
            Unused; for imbalanced-learn's API.

        Returns
        -------
        X_resampled : same container as ``X``
            ``X`` followed by the anchors (vectors or texts).
        y_resampled : same container as ``y``
            ``y`` followed by the anchors' labels.
        """
        self._forget_fit()          # a refit (even in the other mode) starts clean
        try:
            X_checked, container = self._checked_input(X, y)
            X_res, y_res = super().fit_resample(X_checked, y, **params)
            return (X_res, y_res) if container is None else container.wrap(X_res, y_res)
        except BaseException:    # KeyboardInterrupt, divergence, ...: no half-fitted state
            self._forget_fit()
            raise

    def fit(self, X, y, **params):
        """Validate ``X`` and ``y`` (as :meth:`fit_resample` does) and compute
        ``sampling_strategy_``, without training; for imbalanced-learn's API."""
        self._forget_fit()
        return super().fit(self._checked_input(X, y)[0], y, **params)

    @staticmethod
    def _checked_input(X, y):
        """Mixed tables and labels rejected; texts as one object array, and their
        container (None in dense mode)."""
        check_not_mixed(X)
        check_label_types(y)
        if not is_text_input(X):
            return X, None
        texts, container = check_texts(X)
        return np.asarray(texts, dtype=object), container

    def _forget_fit(self):
        """Remove every fitted attribute: the sampler is as if never fitted."""
        for name in [n for n in vars(self) if n.endswith("_") and not n.startswith("__")]:
            delattr(self, name)

    def _check_X_y(self, X, y, accept_sparse=None):
        self.mode_ = "text" if is_text_input(X) else "dense"
        return _MODES[self.mode_].check_X_y(self, X, y)

    # -- orchestration ---------------------------------------------------------------
    def _fit_resample(self, X, y):
        params = resolve_params(self, self.mode_)
        targets = {c: int(n) for c, n in self.sampling_strategy_.items() if n > 0}
        check_class_sizes(params, y, targets)
        mode = _MODES[self.mode_](params)
        rng = check_random_state(self.random_state)
        data = mode.prepare(X, y, targets, rng)
        nets, anchors, labels, sources, n_redrawn = resample_classes(
            mode, params, data, y, targets, rng)
        X_res, y_res = mode.assemble(X, y, anchors, labels, data)
        self.decoder_ = params.decoder
        self.difficult_mask_ = data.difficult
        self.nets_ = nets
        self.anchor_sources_ = np.concatenate(sources) if sources else np.empty(0, np.intp)
        if self.mode_ == "text":
            self.n_redecoded_ = n_redrawn
        if hasattr(data.state, "vocabulary"):           # the scratch decoder's token ids
            self.vocabulary_ = data.state.vocabulary
        return X_res, y_res
