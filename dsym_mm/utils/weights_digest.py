# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""A SHA-256 digest of model weights, independent of the checkpoint file.

The digest covers the names, dtypes, shapes and values of the tensors in a
checkpoint's ``state_dict`` (parameters and buffers) and nothing else: not
the optimizer, the message hub or the time stamps that MMEngine writes in
``meta``. Two runs of a seeded config that trained to the same weights
have the same digest, although their checkpoint files differ.
"""
import hashlib
from typing import Mapping

import torch


def state_dict_digest(state_dict: Mapping[str, torch.Tensor]) -> str:
    """SHA-256 over the tensors of ``state_dict``, in sorted key order."""
    sha = hashlib.sha256()
    for name in sorted(state_dict):
        tensor = state_dict[name]
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f'state_dict[{name!r}] is a {type(tensor)}, '
                            'not a tensor')
        tensor = tensor.detach().cpu().contiguous()
        sha.update(f'{name}|{tensor.dtype}|{tuple(tensor.shape)}|'.encode())
        sha.update(tensor.view(-1).view(torch.uint8).numpy().tobytes())
    return sha.hexdigest()


def checkpoint_digest(path: str) -> str:
    """Digest of the weights in the checkpoint file ``path`` (its
    ``state_dict``, or the file's dict itself when it holds bare weights)."""
    checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    if not isinstance(checkpoint, dict):
        raise ValueError(f'{path}: not a checkpoint (a {type(checkpoint)})')
    return state_dict_digest(checkpoint.get('state_dict', checkpoint))
