"""The sampler's engine (not public API), above :mod:`miso_resample.model`.

* ``dense_mode`` / ``text_mode``: the two modes of ``MISOSampler`` behind one
  interface (validation, difficult samples, module building, generation,
  output);
* ``training``: one class's partners, held-back rows, net, training and
  anchors; ``early_stopping``: stopping on the anchors of held-back rows;
* ``net``: ``MISONet``, the skorch net that trains the MISO model with
  Algorithm 1; ``schedule``: its phases and the adaptive temperature ``tau``;
  ``pairing``: minibatches of paired minority and majority rows.
"""
