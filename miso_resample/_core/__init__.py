"""The sampler's internals (not public API).

* ``dense_mode`` / ``text_mode``: the two modes of ``MISOSampler`` behind one
  interface (validation, difficult samples, module building, generation,
  output); ``text_edit``: the edit decoder's ``SourceEditor``;
* ``training``: one class's partners, held-back rows, net, training and
  anchors; ``validation``: early stopping on held-back anchors;
* ``net``: ``MISONet``, the skorch net that trains the MISO model with
  Algorithm 1; ``schedule``: its phases and the adaptive temperature ``tau``;
  ``pairing``: minibatches of paired minority and majority rows;
* ``vocabulary``: word-level tokenization for text mode; ``glove``: optional
  GloVe word vectors; ``inputs``: text-input detection, validation and
  containers; ``torch_utils``: device resolution and seeding.
"""
