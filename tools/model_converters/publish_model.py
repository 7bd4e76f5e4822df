# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Turn a training checkpoint into a weights-only file named by its digest.

Like MMDetection's ``publish_model.py``: the optimizer, the message hub,
the parameter schedulers and the EMA copy are dropped (a published model
initialises a fine-tuning run, it does not resume one) and the first eight
hex digits of the weights' digest (:mod:`dsym_mm.utils.weights_digest`,
the one the docs quote) are added to the file name. ``meta`` is kept (the
config, the seed, the epoch and the dataset's classes), with the full
digest and the source file's name added.

Example::

    python tools/model_converters/publish_model.py \\
        work_dirs/yolov9_t_1xb16-100e_neu-det-40pct/epoch_100.pth \\
        checkpoints/yolov9_t_1xb16-100e_neu-det-40pct.pth
    # -> checkpoints/yolov9_t_1xb16-100e_neu-det-40pct-<digest[:8]>.pth
"""
import argparse
import os
import os.path as osp

import torch

import dsym_mm  # noqa: F401  (MMEngine types for weights_only loading)
from dsym_mm.utils.weights_digest import state_dict_digest


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('in_file', help='a checkpoint saved by MMEngine')
    parser.add_argument('out_file', help='where to write it; the digest '
                        'is added before the extension')
    return parser.parse_args(argv)


def publish(in_file: str, out_file: str) -> str:
    """Write the weights of ``in_file`` to ``out_file`` with the digest in
    the name; return the path written."""
    checkpoint = torch.load(in_file, map_location='cpu', weights_only=True)
    if not isinstance(checkpoint, dict) or not isinstance(
            checkpoint.get('state_dict'), dict):
        raise ValueError(f'{in_file}: no state_dict in the checkpoint')
    state_dict = checkpoint['state_dict']
    digest = state_dict_digest(state_dict)
    meta = dict(checkpoint.get('meta') or {})
    meta.update(weights_digest=digest, published_from=osp.basename(in_file))
    root, ext = osp.splitext(out_file)
    path = f'{root}-{digest[:8]}{ext or ".pth"}'
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    torch.save(dict(meta=meta, state_dict=state_dict), path)
    return path


def main(argv=None):
    args = parse_args(argv)
    print(publish(args.in_file, args.out_file))


if __name__ == '__main__':
    main()
