# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""CPU time of one training iteration of a semi-supervised (DSYM) config,
in the burn-in and after it, on a real batch of its dataloader.

    python tools/benchmarks/semi_step_time.py \
        configs/dsym/dsym_yolov9_t_8k_neu-det-40pct.py --write docs/benchmarks.md

Needs the converted data (``bash tools/prepare_neu_det.sh``). Prints the
median of ``--repeats`` iterations of each phase and the schedule's
estimated training time (validation not included).
"""
import argparse
import os.path as osp
import statistics
import time

import torch
from doc_sections import write_section  # tools/benchmarks/
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from dsym_mm.engine import to_channels_last, trains_channels_last
from dsym_mm.registry import MODELS


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--write', help='markdown file to update')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.default_scope)
    cfg.train_dataloader.update(num_workers=0, persistent_workers=False)
    batch = next(iter(Runner.build_dataloader(cfg.train_dataloader, seed=0)))
    model = MODELS.build(cfg.model)
    model.init_weights()
    if trains_channels_last(cfg):  # as the config's runner would
        to_channels_last(model)
    model.train()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-4))
    hub = MessageHub.get_current_instance()
    burn_in = cfg.model.semi_train_cfg.burn_in_iters
    max_iters = cfg.train_cfg.max_iters
    hub.update_info('max_iters', max_iters)
    hub.update_info('epoch', 0)
    medians = {}
    for phase, it in (('burn-in', 0), ('semi-supervised', burn_in)):
        hub.update_info('iter', it)
        model.train_step(batch, optim)  # warm-up
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            model.train_step(batch, optim)
            times.append(time.perf_counter() - start)
        medians[phase] = statistics.median(times)
    total = burn_in * medians['burn-in'] + (
        max_iters - burn_in) * medians['semi-supervised']
    name = osp.splitext(osp.basename(args.config))[0]
    text = (f'`{name}`, batch {cfg.train_dataloader.batch_size}, '
            f'{torch.get_num_threads()} CPU threads, '
            f"{'NHWC' if trains_channels_last(cfg) else 'NCHW'}, medians of "
            f'{args.repeats} iterations.\n'
            f'Command: `python tools/benchmarks/semi_step_time.py '
            f'{args.config} --repeats {args.repeats}`\n\n'
            '| phase | s / iteration | iterations |\n|---|---|---|\n'
            f"| burn-in | {medians['burn-in']:.2f} | {burn_in} |\n"
            f"| semi-supervised | {medians['semi-supervised']:.2f} | "
            f'{max_iters - burn_in} |\n\n'
            f'Estimated training time: {total / 60:.0f} minutes '
            '(validation not included).')
    print(text)
    if args.write:
        write_section(args.write, f'semi_step_time:{name}', text)


if __name__ == '__main__':
    main()
