# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Test a checkpoint and print mAP@0.5, with MMDetection's ``tools/test.py``
flags.

    python tools/test.py CONFIG CHECKPOINT [--show-dir DIR] [--out FILE]

Two mAP@0.5 numbers are printed, because papers mix them up:
* ``VOC``: area under the interpolated precision-recall curve (VOC2010+
  "area" mode, legacy +1 pixel box sizes), with the AP of every class;
* ``COCO AP50``: pycocotools' 101-point interpolated AP at IoU 0.5.

All metrics also go to ``<work-dir>/metrics.json``.
"""
import argparse
import json
import os.path as osp
from typing import Optional

from dsym_mm.apis import (
    add_runner_args,
    build_runner,
    check_checkpoint_matches,
    evaluation_nms_cfg,
    load_config,
    parse_runner_args,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Test a detector')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    add_runner_args(parser)
    parser.add_argument('--out', help='dump the predictions to a .pkl file')
    parser.add_argument('--show', action='store_true', help='show results')
    parser.add_argument('--show-dir', help='save drawn predictions here')
    parser.add_argument('--wait-time', type=float, default=2)
    return parse_runner_args(parser, argv)


def enable_visualization(cfg, args) -> None:
    hooks = cfg.default_hooks
    if 'visualization' not in hooks:
        raise KeyError('--show/--show-dir need default_hooks.visualization')
    hooks.visualization.draw = True
    hooks.visualization.show = args.show
    hooks.visualization.wait_time = args.wait_time
    if args.show_dir:
        hooks.visualization.test_out_dir = args.show_dir


def format_summary(metrics: dict,
                   nms_iou_thr: Optional[float] = None) -> str:
    """The mAP@0.5 lines and the per-class table of ``tools/test.py``, with
    the NMS IoU threshold the detections passed (mAP depends on it)."""
    lines = []
    if nms_iou_thr is not None:
        lines.append(f'detections after NMS at IoU {nms_iou_thr:g}')
    voc = metrics.get('voc/AP50')
    coco = metrics.get('coco/bbox_mAP_50')
    if voc is not None:
        lines.append(f'mAP@0.5 (VOC area, per-class mean): {100 * voc:.1f}')
    if coco is not None:
        lines.append(f'mAP@0.5 (COCO AP50, 101-point):     {100 * coco:.1f}')
    per_class = {
        k[len('voc/AP50_'):]: v
        for k, v in metrics.items() if k.startswith('voc/AP50_')
    }
    if per_class:
        lines.append('per-class AP@0.5 (VOC area):')
        width = max(len(c) for c in per_class)
        lines += [f'  {c:<{width}}  {100 * v:5.1f}'
                  for c, v in per_class.items()]
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options, args.work_dir,
                      args.launcher)
    cfg.load_from = args.checkpoint
    if args.show or args.show_dir:
        enable_visualization(cfg, args)
    if args.out is not None:
        if not args.out.endswith(('.pkl', '.pickle')):
            raise ValueError('--out must be a .pkl or .pickle file')
        cfg.test_evaluator = list(cfg.test_evaluator) if isinstance(
            cfg.test_evaluator, (list, tuple)) else [cfg.test_evaluator]
        cfg.test_evaluator.append(
            dict(type='mmdet.DumpDetResults', out_file_path=args.out))

    runner = build_runner(cfg)
    check_checkpoint_matches(runner.model, args.checkpoint)
    metrics = runner.test()
    nms_iou_thr = (evaluation_nms_cfg(cfg) or {}).get('iou_threshold')
    print(format_summary(metrics, nms_iou_thr), flush=True)
    write_metrics(cfg.work_dir, args.config, args.checkpoint, metrics,
                  nms_iou_thr)
    return metrics


def write_metrics(work_dir: str,
                  config: str,
                  checkpoint: str,
                  metrics: dict,
                  nms_iou_thr: Optional[float] = None) -> str:
    """Write ``<work_dir>/metrics.json`` and return its path, with the NMS
    IoU threshold the detector predicted with (mAP depends on it). The work
    dir is the config's unless ``--work-dir`` is given (as in MMDetection),
    so testing another run's checkpoint with the same config replaces that
    run's metrics: say so, and name the checkpoint they came from."""
    path = osp.join(work_dir, 'metrics.json')
    if osp.isfile(path):
        try:
            with open(path) as f:
                previous = json.load(f).get('checkpoint')
        except (ValueError, AttributeError):
            previous = 'an unreadable file'
        if previous is None or osp.normpath(previous) != osp.normpath(
                checkpoint):
            print(f'{path}: replacing the metrics of {previous} (give '
                  '--work-dir to keep each checkpoint\'s metrics apart)',
                  flush=True)
    with open(path, 'w') as f:
        json.dump(dict(config=config, checkpoint=checkpoint,
                       nms_iou_thr=nms_iou_thr, metrics=metrics), f,
                  indent=1)
    return path


if __name__ == '__main__':
    main()
