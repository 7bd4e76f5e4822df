# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""How hard does each loss term pull? The value of each loss of a DSYM
config and the norm of its gradient on the student's parameters, medians
over a few training batches, to set loss weights by their gradients
rather than by their values (eq. (2)'s sum of squares and YOLO's
normalised BCE have unrelated scales).

    python tools/analysis_tools/loss_gradient_scale.py SEMI_CONFIG \
        [--checkpoint CKPT] [--batches 8] [--iter N] [--reference NAME]

Without ``--checkpoint`` the model starts as the config starts it (its
``init_cfg``, e.g. the supervised checkpoint of a fine-tuning stage);
``CKPT`` is a DSYM checkpoint (student and teacher). ``--iter`` is the
training iteration the losses see (default: the end of burn-in plus
ramp-up, where ``lambda(t) = 1``). Values are as training weighs them:
to give a term the gradient norm of the reference term (``--reference``),
multiply its weight by its printed ``ref / this``.
"""
import argparse
import statistics

import torch
from mmengine.config import DictAction
from mmengine.logging import MessageHub
from mmengine.registry import MODELS, init_default_scope
from mmengine.runner import Runner, set_random_seed
from mmengine.runner.checkpoint import load_checkpoint

import dsym_mm  # noqa: F401  registers the package's modules
from dsym_mm.apis import load_config


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='DSYM (semi-supervised) config')
    parser.add_argument('--checkpoint', help='DSYM checkpoint to start from')
    parser.add_argument('--batches', type=int, default=8)
    parser.add_argument('--iter', type=int, default=None,
                        help='training iteration the losses see')
    parser.add_argument(
        '--reference',
        default='unsup_loss_cls',
        help='loss whose gradient norm the others are compared with')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. '
        'model.semi_train_cfg.consistency_weight=10')
    return parser.parse_args(argv)


def gradient_norms(losses: dict, params: list) -> dict:
    """Norm of each differentiable loss's gradient on ``params``."""
    norms = {}
    for name, value in losses.items():
        if 'loss' not in name or not value.requires_grad:
            continue
        grads = torch.autograd.grad(
            value, params, retain_graph=True, allow_unused=True)
        norms[name] = torch.nn.utils.get_total_norm(
            [g for g in grads if g is not None]).item()
    return norms


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    set_random_seed(args.seed)  # same model and batches on every call
    model = MODELS.build(cfg.model)
    if args.checkpoint:
        load_checkpoint(model, args.checkpoint, map_location='cpu',
                        strict=True)
    else:
        model.init_weights()
    model.train()
    semi = model.semi_train_cfg
    it = args.iter if args.iter is not None else semi.get(
        'burn_in_iters', 0) + semi.get('rampup_iters', 0)
    hub = MessageHub.get_current_instance()
    hub.update_info('iter', it)
    hub.update_info('max_iters', cfg.train_cfg.max_iters)
    hub.update_info('epoch', 0)  # TOOD's head reads it

    cfg.train_dataloader.update(num_workers=0, persistent_workers=False)
    loader = Runner.build_dataloader(cfg.train_dataloader, seed=args.seed)
    params = [p for p in model.student.parameters() if p.requires_grad]
    values, norms = {}, {}
    for _, batch in zip(range(args.batches), loader):
        data = model.data_preprocessor(batch, True)
        losses = model.loss(data['inputs'], data['data_samples'])
        for name, norm in gradient_norms(losses, params).items():
            norms.setdefault(name, []).append(norm)
            values.setdefault(name, []).append(losses[name].item())
    if not norms:
        raise RuntimeError(f'{args.config}: no differentiable loss at '
                           f'iteration {it}')
    ref = statistics.median(norms[args.reference]) \
        if args.reference in norms else None
    print(f'{args.config}: medians over {args.batches} batches at iteration '
          f'{it}; unsup_weight {semi.get("unsup_weight", 1.)}, '
          f'consistency_weight {semi.get("consistency_weight", 0.)}; '
          f'ref = {args.reference}')
    header = f'{"loss":<26}{"value":>10}{"grad norm":>12}'
    if ref is not None:
        header += f'{"ref / this":>12}'
    print(header)
    print('-' * len(header))
    for name in sorted(norms):
        norm = statistics.median(norms[name])
        row = f'{name:<26}{statistics.median(values[name]):>10.4f}' \
              f'{norm:>12.4f}'
        if ref is not None:
            row += f'{ref / norm if norm > 0 else float("inf"):>12.2f}'
        print(row)


if __name__ == '__main__':
    main()
