"""Building blocks shared verbatim by several models: a pre-norm transformer encoder.

Kept deliberately small (nanoGPT's block, without the causal mask by default) so each model
file still reads top to bottom and only imports what is truly identical between models.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class SelfAttention(nn.Module):
    """Multi-head self-attention over a whole sequence (full attention unless ``causal``)."""

    def __init__(self, hidden: int, heads: int, dropout: float, causal: bool = False) -> None:
        super().__init__()
        if hidden % heads:
            raise ValueError(f"hidden size {hidden} is not divisible by {heads} heads")
        self.heads = heads
        self.causal = causal
        self.dropout = dropout
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.proj = nn.Linear(hidden, hidden)

    def forward(self, x: torch.Tensor, queries: int | None = None) -> torch.Tensor:
        """Attend from every position, or only from the first ``queries`` (the outputs a
        caller keeps), which saves their share of the work."""
        B, T, C = x.shape
        Q = T if queries is None else queries
        if Q == T:
            q, k, v = self.qkv(x).split(C, dim=2)
        else:  # keys and values for every position, queries only where they are kept
            q = F.linear(x[:, :Q], self.qkv.weight[:C], self.qkv.bias[:C])
            k, v = F.linear(x, self.qkv.weight[C:], self.qkv.bias[C:]).split(C, dim=2)
        q = q.reshape(B, Q, self.heads, C // self.heads).transpose(1, 2)  # (B, nh, Q, hs)
        k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2)
                for t in (k, v))  # (B, nh, T, hs)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=self.causal,
                                           dropout_p=self.dropout if self.training else 0.0)
        y = y.transpose(1, 2).reshape(B, Q, C)  # (B, Q, C)
        return self.proj(y)

    def extend(self, x: torch.Tensor, past: tuple[torch.Tensor, torch.Tensor] | None
               ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Causal attention for new positions ``x`` (B, T, C) after the ``past`` keys and
        values (each (B, nh, P, hs)); returns their outputs and the keys and values of all
        P + T positions. The same numbers as :meth:`forward` over the whole sequence, at the
        cost of the new positions only (incremental decoding)."""
        B, T, C = x.shape
        q, k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2)
                   for t in self.qkv(x).split(C, dim=2))
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)
        P = k.shape[2] - T
        # new position i sees every past position and the new ones up to itself (one new
        # position sees them all: no mask to build)
        mask = None if T == 1 else torch.ones(T, P + T, dtype=torch.bool,
                                              device=x.device).tril(diagonal=P)
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        return self.proj(y.transpose(1, 2).reshape(B, T, C)), (k, v)


class Block(nn.Module):
    """Pre-LayerNorm transformer block: attention and a GELU MLP, each residual."""

    def __init__(self, hidden: int, heads: int, ff: int, dropout: float,
                 causal: bool = False) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(hidden)
        self.attn = SelfAttention(hidden, heads, dropout, causal)
        self.ln2 = nn.LayerNorm(hidden)
        self.mlp = nn.Sequential(nn.Linear(hidden, ff), nn.GELU(), nn.Linear(ff, hidden),
                                 nn.Dropout(dropout))

    def forward(self, x: torch.Tensor, queries: int | None = None) -> torch.Tensor:
        x = x[:, :queries] + self.attn(self.ln1(x), queries)
        return x + self.mlp(self.ln2(x))

    def extend(self, x: torch.Tensor, past: tuple[torch.Tensor, torch.Tensor] | None
               ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """:meth:`forward` of a causal block for new positions after cached ones."""
        y, kv = self.attn.extend(self.ln1(x), past)
        x = x + y
        return x + self.mlp(self.ln2(x)), kv


class Transformer(nn.Module):
    """A stack of :class:`Block` with a learned position embedding and a final LayerNorm."""

    def __init__(self, layers: int, hidden: int, heads: int, ff: int, dropout: float,
                 max_len: int, causal: bool = False) -> None:
        super().__init__()
        self.pos = nn.Parameter(torch.zeros(1, max_len, hidden))
        nn.init.normal_(self.pos, std=0.02)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(Block(hidden, heads, ff, dropout, causal)
                                    for _ in range(layers))
        self.ln = nn.LayerNorm(hidden)

    def forward(self, x: torch.Tensor, keep: int | None = None) -> torch.Tensor:
        """(B, T, C) -> (B, T, C), or only the first ``keep`` outputs (B, keep, C): the last
        block then computes just those."""
        B, T, C = x.shape
        x = self.drop(x + self.pos[:, :T])
        for i, block in enumerate(self.blocks):
            x = block(x, keep if i == len(self.blocks) - 1 else None)
        return self.ln(x)

    def extend(self, x: torch.Tensor, start: int,
               past: list[tuple[torch.Tensor, torch.Tensor]] | None
               ) -> tuple[torch.Tensor, list[tuple[torch.Tensor, torch.Tensor]]]:
        """A causal stack's outputs for new positions ``start .. start + T - 1`` (x: (B, T,
        C)) given the cached keys and values of the positions before them (``past``, one per
        block, from the previous call; None when ``start`` is 0). In eval mode the outputs
        equal :meth:`forward`'s at those positions."""
        x = x + self.pos[:, start:start + x.shape[1]]
        cache = []
        for i, block in enumerate(self.blocks):
            x, kv = block.extend(x, None if past is None else past[i])
            cache.append(kv)
        return self.ln(x), cache
