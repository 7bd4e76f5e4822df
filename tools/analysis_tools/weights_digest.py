# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Print a SHA-256 digest of the model weights in checkpoints.

The digest covers the names, dtypes, shapes and values of the tensors in the
checkpoint's ``state_dict`` (parameters and buffers) and nothing else: not
the optimizer, the message hub or the time stamps that MMEngine writes in
``meta``. Two runs of a seeded config that trained to the same weights
print the same digest, although their checkpoint files differ. The docs
quote the digest of the supervised starts that DSYM fine-tunes, so that a
start rebuilt on another day can be checked to be the same model.

Example::

    python tools/analysis_tools/weights_digest.py \\
        work_dirs/yolov9_t_1xb16-100e_neu-det-20pct/epoch_100.pth
"""
import argparse
import hashlib
from typing import Mapping

import torch

import dsym_mm  # noqa: F401  (MMEngine types for weights_only loading)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('checkpoints', nargs='+')
    return parser.parse_args(argv)


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
    """Digest of the weights in the checkpoint file ``path``."""
    checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    if not isinstance(checkpoint, dict):
        raise ValueError(f'{path}: not a checkpoint (a {type(checkpoint)})')
    state_dict = checkpoint.get('state_dict', checkpoint)
    return state_dict_digest(state_dict)


def main(argv=None):
    args = parse_args(argv)
    for path in args.checkpoints:
        print(f'{checkpoint_digest(path)}  {path}')


if __name__ == '__main__':
    main()
