# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""mAP@0.5 of one checkpoint at several NMS IoU thresholds.

    python tools/analysis_tools/nms_sweep.py CONFIG CKPT \
        [--iou-thrs 0.7 0.6 0.5 0.4] [--held-out annotations/unlabeled_40.json]

The detectors' NMS threshold is an inference setting, the protocol's
``neu_nms_iou_thr`` in ``configs/_base_/datasets/neu_det.py`` (0.5; until
it was chosen with this tool, the configs inherited MMYOLO's COCO value,
0.7, and TOOD's 0.6). Choosing it on the test images would tune on them:
``--held-out`` scores on the images of a split's unlabeled file instead,
with their annotations from ``--gt-ann``. Training never reads those
annotations, so the unlabeled pool can choose the threshold that the test
images then measure. ``CONFIG`` is a supervised or a DSYM config (its
``model.detector``'s NMS is set).
"""
import argparse
import os
import os.path as osp
import tempfile

from mmengine.config import DictAction

from dsym_mm.apis import (build_runner, check_checkpoint_matches,
                         evaluation_nms_cfg, load_config)
from dsym_mm.datasets import annotations_of_images


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--iou-thrs', type=float, nargs='+',
                        default=[0.7, 0.6, 0.5, 0.4])
    parser.add_argument(
        '--held-out',
        help='COCO file (relative to the data root) naming the images to '
        'score instead of the test set, e.g. annotations/unlabeled_40.json')
    parser.add_argument(
        '--gt-ann',
        default='annotations/labeled_100.json',
        help='COCO file (relative to the data root) holding the held-out '
        "images' annotations")
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def set_nms_iou(cfg, iou_thr: float) -> None:
    """Set the NMS IoU threshold of a detector config or of a
    teacher-student config's ``detector``."""
    nms = evaluation_nms_cfg(cfg)
    if nms is None:
        raise KeyError(f'{cfg.filename}: the model has no test_cfg.nms')
    nms.iou_threshold = iou_thr


def use_held_out(cfg, ann_file: str) -> None:
    """Test on the images of ``ann_file`` (an absolute COCO file with
    their annotations): the test dataset and every evaluator that reads
    a ground-truth file."""
    cfg.test_dataloader.dataset.ann_file = ann_file
    evaluators = cfg.test_evaluator if isinstance(
        cfg.test_evaluator, (list, tuple)) else [cfg.test_evaluator]
    for evaluator in evaluators:
        if 'ann_file' in evaluator:
            evaluator.ann_file = ann_file


def format_table(rows: dict) -> str:
    """One line per threshold: VOC mAP@0.5, COCO AP50, AP of each
    class (x 100)."""
    classes = [
        k[len('voc/AP50_'):] for k in next(iter(rows.values()))
        if k.startswith('voc/AP50_')
    ]
    header = ['NMS IoU', 'VOC', 'COCO AP50', *classes]
    lines = ['| ' + ' | '.join(header) + ' |',
             '|' + '---|' * len(header)]
    for thr, metrics in rows.items():
        cells = [f'{thr:g}', metrics.get('voc/AP50'),
                 metrics.get('coco/bbox_mAP_50'),
                 *(metrics[f'voc/AP50_{c}'] for c in classes)]
        lines.append('| ' + ' | '.join(
            c if isinstance(c, str) else
            '-' if c is None else f'{100 * c:.1f}' for c in cells) + ' |')
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    rows = {}
    with tempfile.TemporaryDirectory() as work_dir:
        held_out = None
        if args.held_out:
            root = load_config(args.config, args.cfg_options,
                               work_dir).test_dataloader.dataset.data_root
            held_out = annotations_of_images(
                osp.join(root, args.held_out), osp.join(root, args.gt_ann),
                osp.join(work_dir, 'held_out.json'))
        for thr in args.iou_thrs:
            cfg = load_config(args.config, args.cfg_options, work_dir)
            cfg.load_from = args.checkpoint
            set_nms_iou(cfg, thr)
            if held_out:
                use_held_out(cfg, held_out)
            runner = build_runner(cfg)
            check_checkpoint_matches(runner.model, args.checkpoint)
            rows[thr] = runner.test()
    where = args.held_out or 'the test set'
    print(f'{args.checkpoint} on {where}, mAP@0.5 (x 100) by NMS IoU '
          'threshold', flush=True)
    print(format_table(rows), flush=True)
    return rows


if __name__ == '__main__':
    os.environ.setdefault('HF_HUB_OFFLINE', '1')
    main()
