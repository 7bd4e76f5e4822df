# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Recompute the BN running statistics of a checkpoint from labeled training
images, and save the checkpoint with them.

    python tools/analysis_tools/recompute_bn_stats.py CONFIG CHECKPOINT \
        --out OUT.pth [--num-batches N] [--batch-size 8]

A diagnostic: does a model lose accuracy to the images its BN statistics
were tracked on? (A mean teacher whose student also normalised the
strongly augmented unlabeled views does; docs/dsym.md, "BN statistics".)
``tools/test.py CONFIG OUT.pth`` then tests it. Only BN buffers change:
every BN layer's running mean and variance become the average over
``N`` batches (all of them by default, ``momentum=None``) of the labeled
training images, through the training pipeline; for a teacher-student
config, the first dataset of the training ``ConcatDataset`` (the labeled
one) and the ``sup`` branch of its ``MultiBranch``, for teacher and
student alike. The optimizer state is dropped: the result is for testing,
not for resuming.
"""
import argparse
import copy

import torch
from mmengine.registry import MODELS, init_default_scope
from mmengine.runner import Runner, set_random_seed
from mmengine.runner.checkpoint import load_checkpoint, save_checkpoint
from torch.nn.modules.batchnorm import _BatchNorm

import dsym_mm  # noqa: F401  registers the package's modules
from dsym_mm.apis import load_config


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--out', required=True, help='checkpoint to write')
    parser.add_argument('--num-batches', type=int, default=None,
                        help='batches to average (default: one epoch)')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def labeled_dataset_cfg(train_dataset: dict) -> dict:
    """The labeled training set of a (semi-)supervised config, through the
    pipeline that its labeled images train with."""
    dataset = copy.deepcopy(train_dataset)
    if 'datasets' in dataset:  # MMDet's semi-supervised configs: [sup, unsup]
        dataset = dataset['datasets'][0]
    pipeline = list(dataset['pipeline'])
    if pipeline[-1]['type'].split('.')[-1] == 'MultiBranch':
        pipeline[-1] = pipeline[-1]['sup']
    dataset['pipeline'] = pipeline
    return dataset


def recompute_bn_statistics(detectors, batches, data_preprocessor) -> int:
    """Track the cumulative average of every BN layer's batch statistics
    over ``batches`` (from reset statistics); returns the number of
    batches. Layers that the forward pass does not reach (training-only
    branches) keep their statistics."""
    layers = [
        m for det in detectors for m in det.modules()
        if isinstance(m, _BatchNorm) and m.track_running_stats
    ]
    saved = [copy.deepcopy(m.state_dict()) for m in layers]
    momenta = [m.momentum for m in layers]
    for m in layers:
        m.reset_running_stats()
        m.momentum = None  # cumulative average
    for det in detectors:
        det.train()
    count = 0
    with torch.no_grad():
        for batch in batches:
            data = data_preprocessor(batch, False)
            for det in detectors:
                det._forward(data['inputs'], data['data_samples'])
            count += 1
    for m, state, momentum in zip(layers, saved, momenta):
        m.momentum = momentum
        if m.num_batches_tracked == 0:  # not reached by the forward pass
            m.load_state_dict(state)
    if count == 0:
        raise ValueError('no batch to recompute the BN statistics from')
    return count


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    set_random_seed(args.seed)
    model = MODELS.build(cfg.model)
    checkpoint = load_checkpoint(
        model, args.checkpoint, map_location='cpu', strict=True)
    detectors = [model.teacher, model.student] if hasattr(
        model, 'teacher') else [model]
    # MultiBranchDataPreprocessor wraps the detectors' own
    preprocessor = getattr(model.data_preprocessor, 'data_preprocessor',
                           model.data_preprocessor)
    loader = Runner.build_dataloader(
        dict(
            dataset=labeled_dataset_cfg(cfg.train_dataloader.dataset),
            batch_size=args.batch_size,
            num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=True),
            collate_fn=dict(type='pseudo_collate')),
        seed=args.seed)
    dataset = loader.dataset
    limit = args.num_batches or len(loader)
    count = recompute_bn_statistics(
        detectors, (b for _, b in zip(range(limit), loader)), preprocessor)
    meta = dict(checkpoint.get('meta', {}))
    meta['bn_stats_recomputed'] = dict(
        checkpoint=args.checkpoint, batches=count,
        batch_size=args.batch_size, images=len(dataset))
    save_checkpoint(dict(meta=meta, state_dict=model.state_dict()), args.out)
    print(f'{args.out}: BN statistics of {len(detectors)} model(s) from '
          f'{count} batches of {args.batch_size} of the {len(dataset)} '
          'labeled training images')


if __name__ == '__main__':
    main()
