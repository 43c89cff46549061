"""The backbones the paper pairs MISO with (section 6): TextCNN and TextRNN."""

import torch

__all__ = ["TextCNNModule", "TextRNNModule"]


class TextCNNModule(torch.nn.Module):
    """Kim (2014): parallel convolutions over word embeddings, max-pooling over time.

    ``features(ids)`` gives the pooled representation; ``classifier`` is the
    final linear layer (re-trained by cRT, rescaled by tau-norm).
    """

    def __init__(self, vocab_size, n_classes, *, embedding_dim=50, kernel_sizes=(3, 4, 5),
                 n_filters=100, dropout=0.5, pad_id=0, embedding_weights=None):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_id)
        if embedding_weights is not None:
            self.embedding.weight.data.copy_(torch.as_tensor(embedding_weights))
        self.convs = torch.nn.ModuleList(
            torch.nn.Conv1d(embedding_dim, n_filters, k, padding=k - 1) for k in kernel_sizes)
        self.dropout = torch.nn.Dropout(dropout)
        self.classifier = torch.nn.Linear(n_filters * len(kernel_sizes), n_classes)

    def features(self, ids):
        x = self.embedding(ids).transpose(1, 2)                     # (b, emb, L)
        pooled = [torch.relu(conv(x)).amax(dim=-1) for conv in self.convs]
        return self.dropout(torch.cat(pooled, dim=-1))

    def forward(self, ids):
        return self.classifier(self.features(ids))


class TextRNNModule(torch.nn.Module):
    """A bidirectional LSTM/GRU text classifier (in the spirit of Liu et al. 2016).

    The final states of both directions (packed sequences, so padding is
    skipped) are concatenated into ``features(ids)``.
    """

    def __init__(self, vocab_size, n_classes, *, embedding_dim=50, hidden_dim=128, cell="lstm",
                 dropout=0.3, pad_id=0, embedding_weights=None):
        super().__init__()
        self.pad_id = pad_id
        self.embedding = torch.nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_id)
        if embedding_weights is not None:
            self.embedding.weight.data.copy_(torch.as_tensor(embedding_weights))
        rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
        self.rnn = rnn(embedding_dim, hidden_dim, batch_first=True, bidirectional=True)
        self.dropout = torch.nn.Dropout(dropout)
        self.classifier = torch.nn.Linear(2 * hidden_dim, n_classes)

    def features(self, ids):
        lengths = (ids != self.pad_id).sum(1).clamp(min=1)
        packed = torch.nn.utils.rnn.pack_padded_sequence(
            self.embedding(ids), lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, state = self.rnn(packed)
        hidden = state[0] if isinstance(state, tuple) else state     # (2, b, hidden)
        return self.dropout(torch.cat([hidden[0], hidden[1]], dim=-1))

    def forward(self, ids):
        return self.classifier(self.features(ids))
