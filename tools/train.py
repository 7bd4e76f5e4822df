# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Train a detector, with MMDetection's ``tools/train.py`` flags.

    python tools/train.py configs/yolov9/yolov9_t_1xb16-100e_neu-det-40pct.py
    python tools/train.py CONFIG --resume            # from the last checkpoint
"""
import argparse
import logging
import os

from mmengine.logging import print_log

from dsym_mm.apis import (
    add_runner_args,
    build_runner,
    load_config,
    parse_runner_args,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a detector')
    parser.add_argument('config', help='config file')
    add_runner_args(parser)
    parser.add_argument(
        '--amp', action='store_true', help='automatic mixed precision')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the lr by the actual / base batch size')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint, or, with no value, from the '
        'latest checkpoint in the work dir')
    return parse_runner_args(parser, argv)


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options, args.work_dir,
                      args.launcher)
    if args.amp:
        if cfg.optim_wrapper.type == 'AmpOptimWrapper':
            print_log('AMP is already on in the config', 'current',
                      logging.WARNING)
        elif cfg.optim_wrapper.type != 'OptimWrapper':
            raise ValueError('--amp needs optim_wrapper.type=OptimWrapper, '
                             f'got {cfg.optim_wrapper.type}')
        else:
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.loss_scale = 'dynamic'
    if args.auto_scale_lr:
        if not cfg.get('auto_scale_lr', {}).get('base_batch_size'):
            raise KeyError('--auto-scale-lr needs auto_scale_lr.'
                           'base_batch_size in the config')
        cfg.auto_scale_lr.enable = True
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        if not os.path.isfile(args.resume):
            raise FileNotFoundError(f'--resume: no checkpoint {args.resume}')
        cfg.resume, cfg.load_from = True, args.resume

    runner = build_runner(cfg)
    runner.train()


if __name__ == '__main__':
    main()
