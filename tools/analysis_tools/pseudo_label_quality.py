# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""How good are a teacher's pseudo-labels? Precision and recall (IoU 0.5)
of the boxes that a DSYM config's ``pseudo_label_filter`` keeps (and its
``semi_train_cfg.flip_agreement`` check, when set), on the unlabeled
images, scored against their held-back annotations (or, with ``--images
labeled``, on the labeled images against their own: what a user without
held-back labels can measure, on images the supervised start has seen).

    python tools/analysis_tools/pseudo_label_quality.py SEMI_CONFIG CKPT \
        [--gt-ann data/neu_det/annotations/labeled_100.json] [--progress 0.5]
        [--images {unlabeled,labeled}]

``CKPT`` is a DSYM checkpoint (its teacher is used) or a supervised
checkpoint of the config's detector. The teacher sees the unlabeled images
in batches of the training's unlabeled size, through the test pipeline
(no flips), and the filter updates its state batch after batch as in
training. With ``semi_train_cfg.ignore_score_thr`` set, the "marked
recall" column counts the defects that a kept or an ignored candidate
finds: the ones the student is not taught as background; "ign/img" counts
the ignored candidates, and the areas line gives how much of the defects'
area outside the kept boxes, and of the background, lies in an ignored box
and in no kept one, where the student learns no background. With a YOLOv9
teacher, a last table asks whether the spread of the DFL side distributions
tells the kept pseudo-labels that miss from the hits (see
``relative_side_spread`` and ``rank_auc``; not with fused boxes, from
``--fuse-classes``, ``semi_train_cfg.teacher_flip_fusion`` or
``teacher_partner``; the partner's weights come from its own checkpoint
unless the ``checkpoint`` argument, a whole DSYM checkpoint, holds them).
The localisation errors are split by how they lie against their class's
truths (``extent_kinds``); ``--fuse-classes`` merges the overlapping kept
boxes of those classes (``fuse_overlapping``) before they are scored, to
see what box fusion would make of them.
This is a diagnostic: training never reads these annotations.
"""
import argparse
import math
import os
import os.path as osp
import tempfile

import torch
from mmdet.evaluation.functional import eval_map
from mmdet.structures.bbox import bbox_overlaps
from mmengine.config import DictAction
from mmengine.dataset import pseudo_collate
from mmengine.registry import DATASETS, MODELS, init_default_scope
from mmengine.runner.checkpoint import _load_checkpoint, load_state_dict
from mmengine.structures import InstanceData

import dsym_mm  # noqa: F401  registers the package's modules
from dsym_mm.apis import load_config
from dsym_mm.datasets import annotations_of_images
from dsym_mm.models.utils import first_hit_truths


def teacher_parser(description: str) -> argparse.ArgumentParser:
    """The arguments of the tools that run a DSYM config's teacher and
    pseudo-label filter over its training images."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('config', help='DSYM (semi-supervised) config')
    parser.add_argument('checkpoint', help='DSYM or supervised checkpoint')
    parser.add_argument(
        '--gt-ann',
        default='annotations/labeled_100.json',
        help='COCO file (relative to the data root) holding the scored '
        "images' annotations")
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--progress', type=float, default=0.5,
                        help='training progress t/T passed to the filter')
    parser.add_argument('--max-images', type=int, default=None)
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. '
        'model.semi_train_cfg.pseudo_label_filter.min_thr=0.05')
    return parser


def parse_args(argv=None):
    parser = teacher_parser(__doc__.split('\n')[0])
    parser.add_argument(
        '--images',
        choices=('unlabeled', 'labeled'),
        default='unlabeled',
        help="whose pseudo-labels: the config's unlabeled images (scored "
        "on held-back labels) or its labeled ones (on their own labels, "
        'which the supervised start was trained on)')
    parser.add_argument('--iou', type=float, default=0.5)
    parser.add_argument(
        '--fuse-classes',
        type=int,
        nargs='+',
        default=(),
        help='class indices whose overlapping kept boxes are merged')
    parser.add_argument('--fuse-iou', type=float, default=0.,
                        help='boxes overlap when their IoU exceeds this')
    parser.add_argument('--fuse-mode', choices=('weighted', 'union'),
                        default='weighted',
                        help='score-weighted mean or enclosing box')
    return parser.parse_args(argv)


def images_with_annotations(cfg, gt_ann: str, images='unlabeled') -> str:
    """A temporary COCO file: the config's ``'unlabeled'`` (or
    ``'labeled'``) training images with their annotations taken from
    ``gt_ann``."""
    index = ('labeled', 'unlabeled').index(images)
    part = cfg.train_dataloader.dataset.datasets[index]
    if 'ann_file' not in part:
        raise ValueError(
            f'train_dataloader.dataset.datasets.{index} (the {images} '
            f"images, type {part.get('type')}) has no ann_file: the tool "
            'reads the image list of a plain dataset, not of a wrapper')
    root = part.data_root
    out = tempfile.NamedTemporaryFile('w', suffix='.json', delete=False)
    out.close()
    return annotations_of_images(
        osp.join(root, part.ann_file), osp.join(root, gt_ann), out.name)


def config_and_model(args):
    """The config of ``args.config`` with ``args.cfg_options`` and its DSYM
    model, in eval mode with ``args.checkpoint``'s teacher
    (:func:`load_teacher`), its pseudo-label filter tracking its state as
    in training."""
    cfg = load_config(args.config, args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    model = MODELS.build(cfg.model)
    load_teacher(model, args.checkpoint)
    model.eval()
    model.pseudo_label_filter.train()
    return cfg, model


def scored_dataset(cfg, gt_ann: str, images='unlabeled'):
    """The config's test dataset over its ``images`` training images, with
    their annotations from ``gt_ann`` (:func:`images_with_annotations`)."""
    dataset_cfg = cfg.test_dataloader.dataset.copy()
    dataset_cfg.ann_file = images_with_annotations(cfg, gt_ann, images)
    try:
        return DATASETS.build(dataset_cfg)  # reads the file now
    finally:
        os.unlink(dataset_cfg.ann_file)


def shuffled_batches(dataset, n: int, batch_size: int, preprocess):
    """``n`` images of ``dataset`` in batches, through ``preprocess`` (the
    model's data preprocessor, not training), shuffled with a fixed seed as
    the training sampler draws them: stateful filters assume batches of
    mixed classes."""
    order = torch.randperm(
        len(dataset), generator=torch.Generator().manual_seed(0))[:n]
    for start in range(0, n, batch_size):
        batch = pseudo_collate(
            [dataset[i] for i in order[start:start + batch_size].tolist()])
        yield preprocess(batch, False)


def load_teacher(model, checkpoint: str) -> None:
    state = _load_checkpoint(checkpoint, map_location='cpu')
    state = state.get('state_dict', state)
    if any(k.startswith('teacher.') for k in state):
        load_state_dict(model, state, strict=False)
    else:  # a supervised checkpoint of the detector
        load_state_dict(model.teacher, state, strict=True)
    partner = getattr(model, 'teacher_partner', None)
    if partner is not None and not any(
            k.startswith('teacher_partner.') for k in state):
        partner.init_weights()  # semi_train_cfg.teacher_partner.checkpoint


def ignored_areas(kept, ignored, truths, height, width, grid=64):
    """Where a ``height x width`` image lies in an ``ignored`` box and in no
    ``kept`` box (no background taught there), on a ``grid x grid`` lattice
    of points: ``(ignored defect, defect, ignored background, background)``
    point counts, where defect points lie in a ``truths`` box and in no
    kept box, and background points in no truth box."""
    ys = (torch.arange(grid) + 0.5) * height / grid
    xs = (torch.arange(grid) + 0.5) * width / grid
    points = torch.stack(torch.meshgrid(xs, ys, indexing='xy'),
                         -1).view(-1, 2)

    def inside(boxes):
        boxes = boxes[:, None]
        return ((points >= boxes[..., :2]) & (points <= boxes[..., 2:])).all(
            -1).any(0)

    kept_area = inside(kept)
    ignored_area = inside(ignored) & ~kept_area
    defect = inside(truths) & ~kept_area
    background = ~inside(truths)
    return torch.stack([(ignored_area & defect).sum(), defect.sum(),
                        (ignored_area & background).sum(),
                        background.sum()]).float()


def relative_side_spread(side_spreads, bboxes):
    """Each box's DFL side spread relative to its size: the mean over its
    left, top, right and bottom sides of the side's standard deviation
    (``side_spreads``, pixels) over the box's width or height."""
    wh = (bboxes[:, 2:] - bboxes[:, :2]).clamp(min=1).repeat(1, 2)
    return (side_spreads / wh).mean(1)


def rank_auc(values, positives):
    """The probability that a random negative has a larger value than a
    random positive (ties count half): 1 when ``values`` put every
    negative above every positive, 0.5 when they tell nothing; NaN
    without both kinds."""
    neg, pos = values[~positives], values[positives]
    if not len(neg) or not len(pos):
        return float('nan')
    above = (neg[:, None] > pos[None]).float().mean()
    tied = (neg[:, None] == pos[None]).float().mean()
    return (above + tied / 2).item()


def side_spread_aucs(labels, hits, scores, spreads, num_classes):
    """Per class and over all (last row): how many kept pseudo-labels, the
    :func:`rank_auc` of their relative side spreads and of their negated
    scores for telling the misses from the hits, and the spreads' AUC
    within each quarter of the class's scores, averaged (what the spread
    adds to the score that already chose them)."""
    rows = []
    for c in [*range(num_classes), None]:
        pick = torch.ones_like(hits) if c is None else labels == c
        h, s, v = hits[pick], scores[pick], spreads[pick]
        within = float('nan')
        if c is not None and len(s) >= 8:
            bounds = torch.quantile(s, s.new_tensor([0.25, 0.5, 0.75]))
            quarter = torch.bucketize(s, bounds)
            within = torch.tensor([
                rank_auc(v[quarter == q], h[quarter == q]) for q in range(4)
            ]).nanmean().item()
        rows.append((int(pick.sum()), rank_auc(v, h), rank_auc(-s, h),
                     within))
    return rows


def per_class_detections(instances, scale, num_classes):
    """``instances`` in the original image's pixels (divided by
    ``scale``) as ``eval_map`` takes them: one (n, 5) array of boxes and
    scores per class."""
    rows = torch.cat([instances.bboxes / scale, instances.scores[:, None]],
                     1).numpy()
    labels = instances.labels.numpy()
    return [rows[labels == c] for c in range(num_classes)]


def fuse_overlapping(instances, classes, iou_thr=0., mode='weighted'):
    """``instances`` with the boxes of ``classes`` merged by class: boxes
    chained by IoU > ``iou_thr`` become one box, their score-weighted mean
    (``mode='weighted'``, as weighted boxes fusion) or the box enclosing
    them (``'union'``), with their highest score. Other classes pass."""
    if not len(instances):
        return instances
    boxes, labels, scores = instances.bboxes, instances.labels, \
        instances.scores
    n = len(instances)
    fused = torch.isin(labels, labels.new_tensor(list(classes)))
    linked = (bbox_overlaps(boxes, boxes) > iou_thr) \
        & (labels[:, None] == labels[None]) & fused[:, None] & fused[None]
    linked |= torch.eye(n, dtype=torch.bool)
    group = torch.arange(n)
    while True:  # each box takes the smallest index of its chain
        joined = torch.where(linked, group[None], n).min(1).values
        if torch.equal(joined, group):
            break
        group = joined
    heads = group.unique()
    merged, best = [], []
    for g in heads:
        b, w = boxes[group == g], scores[group == g]
        merged.append(
            torch.cat([b[:, :2].min(0).values, b[:, 2:].max(0).values])
            if mode == 'union' else (b * w[:, None]).sum(0) / w.sum())
        best.append(w.max())
    return InstanceData(
        bboxes=torch.stack(merged),
        labels=labels[heads],
        scores=torch.stack(best))


# how a localisation error lies against its class's truths (``extent_kinds``)
EXTENTS = ('inside', 'covers', 'spans', 'shifted')


def extent_kinds(pred_boxes, pred_labels, gt_boxes, gt_labels, share=0.8):
    """For each prediction, an index into ``EXTENTS``: it ``spans`` half or
    more of two truths of its class or more; else, against its class's
    truth of highest IoU, it lies ``inside`` it (``share`` of the box in
    it), ``covers`` it (``share`` of the truth in the box) or is
    ``shifted`` (neither). -1 without a truth of its class."""
    kinds = torch.full((len(pred_boxes), ), -1)
    if not len(pred_boxes) or not len(gt_boxes):
        return kinds
    same = pred_labels[:, None] == gt_labels[None]
    ious = bbox_overlaps(pred_boxes, gt_boxes).masked_fill(~same, -1)
    of_pred = bbox_overlaps(pred_boxes, gt_boxes, mode='iof')
    of_gt = bbox_overlaps(gt_boxes, pred_boxes, mode='iof').T
    best = ious.argmax(1)
    rows = torch.arange(len(pred_boxes))
    kinds[of_pred[rows, best] >= share] = EXTENTS.index('inside')
    kinds[of_gt[rows, best] >= share] = EXTENTS.index('covers')
    kinds[(of_pred[rows, best] < share) & (of_gt[rows, best] < share)] = \
        EXTENTS.index('shifted')
    kinds[((of_gt >= 0.5) & same).sum(1) >= 2] = EXTENTS.index('spans')
    kinds[~same.any(1)] = -1
    return kinds


# what a prediction is against the truths of its image (see ``outcomes``)
OUTCOMES = ('hit', 'duplicate', 'localisation', 'other class', 'background')


def outcomes(pred_boxes, pred_labels, gt_boxes, gt_labels, iou_thr,
             low_iou=0.1):
    """The outcome index (into ``OUTCOMES``) of each prediction, taken in
    the given order (best scores first, as VOC does): a hit takes the best
    free truth of its class with IoU >= ``iou_thr``
    (``first_hit_truths``); a false positive is a duplicate (such a truth
    exists but is taken), a localisation error (its class's best IoU is in
    ``[low_iou, iou_thr)``), an other-class error (IoU >= ``low_iou``
    with a truth of another class only) or background."""
    kinds = torch.full((len(pred_boxes), ), OUTCOMES.index('background'))
    if not len(pred_boxes) or not len(gt_boxes):
        return kinds
    ious = bbox_overlaps(pred_boxes, gt_boxes)
    same = pred_labels[:, None] == gt_labels[None]
    own = ious.masked_fill(~same, -1).max(1).values
    other = ious.masked_fill(same, -1).max(1).values
    kinds[other >= low_iou] = OUTCOMES.index('other class')
    kinds[own >= low_iou] = OUTCOMES.index('localisation')
    kinds[own >= iou_thr] = OUTCOMES.index('duplicate')
    kinds[first_hit_truths(pred_boxes, pred_labels, gt_boxes, gt_labels,
                           iou_thr) >= 0] = OUTCOMES.index('hit')
    return kinds


def print_shares(rows, columns, counts, width, total=None):
    """A table of each class's ``counts`` (class x column) as % of the
    class's sum, one line per ``(name, class index or None for all)`` of
    ``rows``; with ``total``, a first column of that name gives the sum."""
    header = f'{"class":<18}' + ('' if total is None else f'{total:>8}') \
        + ''.join(f'{c:>{width}}' for c in columns)
    print(header)
    print('-' * len(header))
    for name, c in rows:
        row = counts.sum(0) if c is None else counts[c]
        print(f'{name:<18}' +
              ('' if total is None else f'{int(row.sum()):>8}') + ''.join(
                  f'{100 * v / max(row.sum(), 1):>{width}.1f}' for v in row))


def main(argv=None):
    args = parse_args(argv)
    cfg, model = config_and_model(args)
    pl_filter = model.pseudo_label_filter
    preprocess = model.data_preprocessor.data_preprocessor

    dataset = scored_dataset(cfg, args.gt_ann, args.images)
    n = len(dataset) if args.max_images is None else min(
        args.max_images, len(dataset))
    classes = dataset.metainfo['classes']
    k = len(classes)
    # true positives of the kept boxes, of all candidates, and of the
    # candidates kept or ignored (DSYM.split_candidates)
    hits = {name: torch.zeros(k) for name in ('kept', 'cand', 'marked')}
    n_gt = torch.zeros(k)
    kept_outcomes = torch.zeros(k, len(OUTCOMES))  # class x outcome
    n_ignored, areas = torch.zeros(k), torch.zeros(4)
    ignore_thr = model.semi_train_cfg.get('ignore_score_thr', None)
    loc_extents = torch.zeros(k, len(EXTENTS))  # class x extent kind
    # the kept boxes' label, hit, score and relative side spread (fused
    # boxes have none)
    with_spreads = hasattr(model.teacher.bbox_head, 'side_spreads_of') \
        and not args.fuse_classes and model.teacher_fusion is None
    kept_rows = []
    # every candidate and truth, per image, for the teacher's AP
    detections, truths = [], []
    with torch.no_grad():
        for data in shuffled_batches(dataset, n, args.batch_size,
                                     preprocess):
            candidates = model.teacher_predict(
                data['inputs'],
                data['data_samples'],
                with_side_spreads=with_spreads)
            masks, _ = model.pseudo_label_masks(
                candidates, data['inputs'], data['data_samples'],
                args.progress)
            for sample, c_inst, keep in zip(data['data_samples'],
                                            candidates, masks):
                scale = c_inst.bboxes.new_tensor(
                    sample.scale_factor).repeat(2)
                gt = sample.gt_instances
                n_gt += torch.bincount(gt.labels, minlength=k)
                detections.append(per_class_detections(c_inst, scale, k))
                truths.append(
                    dict(bboxes=gt.bboxes.numpy(), labels=gt.labels.numpy()))
                k_inst, ignored = model.split_candidates(c_inst, keep)
                if args.fuse_classes:
                    k_inst = fuse_overlapping(k_inst, args.fuse_classes,
                                              args.fuse_iou, args.fuse_mode)
                    k_inst = k_inst[k_inst.scores.argsort(descending=True)]
                views = dict(kept=k_inst, cand=c_inst)
                if ignored is not None:
                    n_ignored += torch.bincount(ignored.labels, minlength=k)
                    areas += ignored_areas(
                        k_inst.bboxes / scale, ignored.bboxes / scale,
                        gt.bboxes, *sample.ori_shape)
                    both = InstanceData.cat([k_inst, ignored])
                    views['marked'] = both[both.scores.argsort(
                        descending=True)]
                for name, inst in views.items():
                    kinds = outcomes(inst.bboxes / scale, inst.labels,
                                     gt.bboxes, gt.labels, args.iou)
                    hit = kinds == OUTCOMES.index('hit')
                    hits[name] += torch.bincount(
                        inst.labels[hit], minlength=k)
                    if name == 'kept':
                        kept_outcomes.index_put_(
                            (inst.labels, kinds),
                            torch.ones(len(kinds)),
                            accumulate=True)
                        # a localisation error has a truth of its class
                        loc = kinds == OUTCOMES.index('localisation')
                        extents = extent_kinds(inst.bboxes[loc] / scale,
                                               inst.labels[loc], gt.bboxes,
                                               gt.labels)
                        loc_extents.index_put_(
                            (inst.labels[loc], extents),
                            torch.ones(len(extents)),
                            accumulate=True)
                        if with_spreads:
                            kept_rows.append(
                                torch.stack([
                                    inst.labels.float(),
                                    hit.float(), inst.scores,
                                    relative_side_spread(
                                        inst.side_spreads, inst.bboxes)
                                ], 1))
    n_kept = kept_outcomes.sum(1)
    _, per_class = eval_map(
        detections, truths, iou_thr=args.iou, logger='silent', nproc=1)
    cand_ap = torch.tensor([c['ap'] for c in per_class], dtype=torch.float)
    # per-class thresholds, of the filter or of one it chains
    thresholds = next((m.thresholds for m in pl_filter.modules()
                       if isinstance(getattr(m, 'thresholds', None),
                                     torch.Tensor)), None)
    print(f'pseudo-labels of {args.checkpoint} on {n} {args.images} images '
          f'(IoU {args.iou}); filter {type(pl_filter).__name__}')
    if ignore_thr is not None:
        print(f'marked recall: the candidates kept or ignored (score >= '
              f'ignore_score_thr = {ignore_thr})')
    header = (f'{"class":<18}{"thr":>6}{"gt/img":>8}{"kept/img":>9}'
              f'{"prec":>7}{"recall":>8}{"cand.recall":>12}{"cand.AP":>8}'
              + ('' if ignore_thr is None else
                 f'{"marked recall":>14}{"ign/img":>8}'))
    print(header)
    print('-' * len(header))
    rows = [(name, c) for c, name in enumerate(classes)] + [('all', None)]
    for name, c in rows:
        pick = slice(None) if c is None else slice(c, c + 1)
        tp, pred, gt = (counts[pick].sum()
                        for counts in (hits['kept'], n_kept, n_gt))
        thr = '' if c is None or thresholds is None else \
            f'{thresholds[c].item():.3f}'
        print(f'{name:<18}{thr:>6}{gt / n:>8.2f}{pred / n:>9.2f}'
              f'{100 * tp / max(pred, 1):>7.1f}{100 * tp / max(gt, 1):>8.1f}'
              f'{100 * hits["cand"][pick].sum() / max(gt, 1):>12.1f}'
              f'{100 * cand_ap[pick].mean():>8.1f}' +
              ('' if ignore_thr is None else
               f'{100 * hits["marked"][pick].sum() / max(gt, 1):>14.1f}'
               f'{n_ignored[pick].sum() / n:>8.2f}'))
    if ignore_thr is not None:
        print('ignored (in an ignored box and in no kept one): '
              f'{100 * areas[0] / max(areas[1], 1):.1f} % of the defects\' '
              'area outside the kept boxes, '
              f'{100 * areas[2] / max(areas[3], 1):.1f} % of the background')
    print('\nkept pseudo-labels by outcome, % of the class\'s kept boxes '
          f'(localisation: best IoU with its class in [0.1, {args.iou}); '
          'other class: IoU >= 0.1 with another class only)')
    print_shares(rows, OUTCOMES, kept_outcomes, width=13)
    print('\nlocalisation errors by extent, % of the class\'s: inside '
          '(80 % of the box in its best truth), covers (80 % of that truth '
          'in the box), spans (half of two truths or more), shifted')
    print_shares(rows, EXTENTS, loc_extents, width=10, total='errors')
    if not with_spreads:
        return
    kept_rows = torch.cat(kept_rows) if kept_rows else torch.zeros(0, 4)
    print('\ndo the kept pseudo-labels that miss have wider DFL sides? '
          'AUC of the relative side spread (0.5: tells nothing), of the '
          'negated score, and of the spread within quarters of the '
          'class\'s scores')
    header = (f'{"class":<18}{"kept":>6}{"spread":>8}{"score":>8}'
              f'{"spread | score":>16}')
    print(header)
    print('-' * len(header))
    aucs = side_spread_aucs(kept_rows[:, 0].long(), kept_rows[:, 1].bool(),
                            kept_rows[:, 2], kept_rows[:, 3], k)
    for (name, _), (count, spread, score, within) in zip(rows, aucs):
        within = '' if math.isnan(within) else f'{within:.3f}'
        print(f'{name:<18}{count:>6}{spread:>8.3f}{score:>8.3f}'
              f'{within:>16}')


if __name__ == '__main__':
    main()
