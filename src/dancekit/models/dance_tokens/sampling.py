"""Drawing a dance code by code: the network gives the odds of the next code, this loop
decides which one the dance takes and what the transformer remembers."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import torch

from dancekit.models.dance_tokens.config import DanceTokensConfig
from dancekit.utils import single_threaded


class CodeNetwork(Protocol):
    """What the loop needs of the network (:class:`~dancekit.models.dance_tokens.model.
    DanceTokens`): its config, the start code, the music/style read-in, the code embedding,
    the causal transformer (with ``extend``) and the head; with ``config.cap_runs``, also a
    ``longest_run`` per code (:func:`longest_runs`); with ``config.foot_guidance``, its
    ``foot_slide`` (codes (B, N) -> (B,), the tokenizer's ``planted_slide``). A protocol,
    so the sampler does not import the model that calls it."""

    config: DanceTokensConfig
    bos: int
    training: bool
    code_embed: Any
    body: Any
    head: Any

    def hear(self, music: torch.Tensor, style: int | None) -> torch.Tensor: ...

    def eval(self) -> Any: ...

    def foot_slide(self, codes: torch.Tensor) -> torch.Tensor: ...

    def train(self, mode: bool = True) -> Any: ...


def longest_runs(sequences: list[np.ndarray], codes: int) -> np.ndarray:
    """(codes,) int64: per code, the most times in a row it occurs in any of ``sequences``
    (1-D arrays of codes); 0 for a code that never occurs."""
    longest = np.zeros(codes, np.int64)
    for seq in sequences:
        seq = np.asarray(seq).astype(np.int64)
        if not len(seq):
            continue
        starts = np.flatnonzero(np.r_[True, seq[1:] != seq[:-1]])
        lengths = np.diff(np.r_[starts, len(seq)])
        np.maximum.at(longest, seq[starts], lengths)
    return longest


def nucleus(odds: torch.Tensor, share: float) -> torch.Tensor:
    """``odds`` (codes,) with all but the fewest likeliest codes whose odds reach ``share``
    set to 0 (the likeliest always kept); not renormalised (``torch.multinomial`` takes
    weights)."""
    ranked, order = odds.sort(descending=True)
    before = ranked.cumsum(0) - ranked  # odds of the codes likelier than each
    kept = torch.zeros_like(odds)
    keep = before < share
    kept[order[keep]] = ranked[keep]
    return kept


#: codes before a candidate decoded with it for foot guidance (the decoder's reach back)
GUIDE_CODES = 8
#: most candidates scored per step (the likeliest; the others are left out of the draw)
GUIDE_CANDIDATES = 32


def foot_guided(net: CodeNetwork, odds: torch.Tensor, history: list[int],
                strength: float) -> torch.Tensor:
    """``odds`` with each candidate code's weight times exp(-strength * (slide - the least
    slide)), slide being how fast the feet decoded for it after the last GUIDE_CODES codes of
    ``history`` slide on the floor; only the GUIDE_CANDIDATES likeliest candidates stay in
    the draw."""
    recent = history[1:][-GUIDE_CODES:]
    candidates = odds.nonzero().flatten()
    if not recent or len(candidates) < 2:
        return odds
    candidates = candidates[odds[candidates].argsort(descending=True)[:GUIDE_CANDIDATES]]
    rows = torch.cat([torch.tensor(recent).expand(len(candidates), -1), candidates[:, None]],
                     dim=1)
    guided = torch.zeros_like(odds)
    slide = net.foot_slide(rows)
    # against the least sliding candidate, so that one always keeps its odds
    guided[candidates] = odds[candidates] * torch.exp(-strength * (slide - slide.min()))
    return guided


@torch.no_grad()
@single_threaded(torch=True)  # tiny steps: one thread is faster (benchmarks/generate.py)
def draw_codes(net: CodeNetwork, music: np.ndarray | torch.Tensor, style: int | None,
               generator: torch.Generator | None,
               prompt: torch.Tensor | None = None,
               temperature: float | None = None) -> torch.Tensor:
    """Draw one code per row of ``music`` (N, 592, raw), each from the odds at
    ``temperature`` (default the config's) given the codes before it (after ``prompt``
    codes, if any); without a generator, the most likely code.

    Incremental: each new position reuses the keys and values of the ones before it, so a
    code costs one position of the transformer, not a whole context. The context holds
    ``context_codes`` positions at most; when it is full, it restarts from its last
    ``context_codes - context_codes // 6`` (40 of 48) codes, recomputed once. With
    ``config.cap_runs``, a code drawn as many times in a row as the training data ever held
    it is not drawn again next. With ``config.top_p`` below 1, each code is drawn from the
    fewest likeliest codes whose odds reach that share (nucleus sampling); with
    ``config.foot_guidance``, away from codes whose decoded feet slide (:func:`foot_guided`)."""
    was_training = net.training
    net.eval()
    c = net.config
    temperature = c.temperature if temperature is None else temperature
    music = torch.as_tensor(np.asarray(music, np.float32)) if isinstance(music, np.ndarray) \
        else music.float()
    history = [net.bos] + ([] if prompt is None else prompt.tolist())
    start = len(history) - 1  # music rows belong to the codes drawn after the prompt
    # the prompt's own positions see the first row of music (they are given, not drawn)
    rows = torch.cat([music[:1].expand(start, -1), music]) if start else music
    heard = net.hear(rows, style)  # (N, hidden)

    def inputs(a: int, b: int) -> torch.Tensor:  # positions a .. b - 1 -> (1, b - a, C)
        return (net.code_embed(torch.tensor(history[a:b])) + heard[a:b])[None]

    cap = net.longest_run.tolist() if c.cap_runs else None
    run = 0  # how many times in a row the last code has been drawn (or given)
    for code in reversed(history[1:]):
        if code != history[-1]:
            break
        run += 1
    keep = c.context_codes - max(1, c.context_codes // 6)
    lo, cache = 0, None  # the context starts at history[lo]; cache: positions lo .. t - 1
    try:
        for t in range(start, start + len(music)):
            if t + 1 - lo > c.context_codes:
                lo, cache = t + 1 - keep, None
            if cache is None:
                out, cache = net.body.extend(inputs(lo, t + 1), 0, None)
            else:
                out, cache = net.body.extend(inputs(t, t + 1), t - lo, cache)
            logits = net.head(out[0, -1])
            if cap is not None and run and run >= cap[history[-1]]:
                logits[history[-1]] = -torch.inf
            if generator is None:
                code = int(logits.argmax())
            else:
                odds = (logits / temperature).softmax(dim=0)
                if c.top_p < 1.0:
                    odds = nucleus(odds, c.top_p)
                if c.foot_guidance > 0:
                    odds = foot_guided(net, odds, history, c.foot_guidance)
                code = int(torch.multinomial(odds, 1, generator=generator))
            run = run + 1 if run and code == history[-1] else 1
            history.append(code)
    finally:
        net.train(was_training)
    return torch.tensor(history[start + 1:])
