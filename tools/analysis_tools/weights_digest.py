# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Print a SHA-256 digest of the model weights in checkpoints.

See :mod:`dsym_mm.utils.weights_digest` for what the digest covers. The docs
quote the digest of the supervised starts that DSYM fine-tunes, so that a
start rebuilt on another day can be checked to be the same model.

Example::

    python tools/analysis_tools/weights_digest.py \\
        work_dirs/yolov9_t_1xb16-100e_neu-det-20pct/epoch_100.pth
"""
import argparse

import dsym_mm  # noqa: F401  (MMEngine types for weights_only loading)
from dsym_mm.utils.weights_digest import checkpoint_digest


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('checkpoints', nargs='+')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    for path in args.checkpoints:
        print(f'{checkpoint_digest(path)}  {path}')


if __name__ == '__main__':
    main()
