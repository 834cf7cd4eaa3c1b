"""``train: init:``: start a run from another checkpoint's trained weights (fine-tuning).

A model pretrained on plentiful data (the bundled weights learned hours of synthetic dance)
can start a run on a little real data. Only the parameters the run trains are copied: what
``prepare`` fits on the run's own data (normalisation statistics, a closed-form base, seed
clips) stays the new data's, and so does a frozen part (dance-tokens' tokenizer, dancenet's
VAE), which the run's data was already encoded with. A style table is copied row by row by
style name, so a run may know styles the source did not (their rows start fresh) or drop
some; every other parameter must have the source's shape.
"""

from __future__ import annotations

import torch
from torch import nn

from dancekit.errors import ParameterError


def start_from(model: nn.Module, source: str) -> None:
    """Copy the trained parameters of ``source`` (a bundled model's name or a checkpoint
    path) into those ``model`` trains, in place; raises ParameterError when they do not
    fit."""
    from dancekit.models import load_model

    donor = load_model(source)
    if not isinstance(donor, type(model)):  # a bundled name may be a subclass (its weights)
        raise ParameterError(f"train config init {source!r} is a {type(donor).__name__}, not "
                             f"the {type(model).__name__} being trained")
    given = dict(donor.named_parameters())
    styles, donor_styles = list(model.config.styles), list(donor.config.styles)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if not param.requires_grad:  # a frozen part: the run's data is encoded with it
                continue
            if name not in given:
                raise ParameterError(f"train config init {source!r} has no {name}: its "
                                     "config differs from this run's")
            value = given[name]
            if "style" in name and _is_style_table(param, styles) and _is_style_table(
                    value, donor_styles):
                for row, style in enumerate([*styles, None]):
                    if style is None or style in donor_styles:
                        at = len(donor_styles) if style is None else donor_styles.index(style)
                        param[row] = value[at]
            elif value.shape == param.shape:
                param.copy_(value)
            else:
                raise ParameterError(f"train config init {source!r}: {name} is "
                                     f"{tuple(value.shape)}, this run's {tuple(param.shape)} "
                                     "(its config differs)")


def _is_style_table(param: torch.Tensor, styles: list[str]) -> bool:
    """Shaped as a style embedding: a row per style and a last row for none."""
    return param.dim() == 2 and param.shape[0] == len(styles) + 1
