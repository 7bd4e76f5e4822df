# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import os.path as osp

import torch.nn as nn
from mmengine.runner import CheckpointLoader


class CheckpointMismatchError(RuntimeError):
    """A checkpoint does not fit the model it is loaded into."""


def check_checkpoint_matches(model: nn.Module, path: str,
                             max_listed: int = 5) -> dict:
    """Fail loudly when ``path`` is not a checkpoint of ``model``.

    MMEngine loads test checkpoints with ``strict=False`` and only warns about
    missing or mis-shaped weights, which turns a wrong checkpoint into a
    silent mAP of zero. This compares every key and shape first.

    Returns:
        The loaded checkpoint dict.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint not found: {path}')
    ckpt = CheckpointLoader.load_checkpoint(path, map_location='cpu')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(state, dict):
        raise CheckpointMismatchError(
            f'{path}: no state_dict in the checkpoint')
    state = {k[7:] if k.startswith('module.') else k: v
             for k, v in state.items()}
    own = model.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    mismatched = sorted(
        f'{k}: checkpoint {tuple(state[k].shape)} vs model '
        f'{tuple(own[k].shape)}' for k in set(own) & set(state)
        if hasattr(state[k], 'shape') and state[k].shape != own[k].shape)
    problems = []
    for name, keys in (('missing in the checkpoint', missing),
                       ('not in the model', unexpected),
                       ('shape mismatch', mismatched)):
        if keys:
            listed = ', '.join(keys[:max_listed])
            more = f' (+{len(keys) - max_listed} more)' \
                if len(keys) > max_listed else ''
            problems.append(f'{len(keys)} {name}: {listed}{more}')
    if problems:
        raise CheckpointMismatchError(
            f'{path} does not match the model of this config: ' +
            '; '.join(problems))
    return ckpt
