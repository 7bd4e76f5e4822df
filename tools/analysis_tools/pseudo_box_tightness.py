# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Could anything the teacher has tell its tight pseudo-boxes from its
loose ones? A cross-validated probe on the kept pseudo-labels of a DSYM
config's unlabeled images, scored against their held-back annotations.

    python tools/analysis_tools/pseudo_box_tightness.py SEMI_CONFIG CKPT \
        [--iou 0.7] [--scales 0.75 1.25] [--folds 5] [--max-images N]

The teacher (``CKPT``: a DSYM checkpoint's teacher or a supervised
checkpoint of the config's detector, as in ``pseudo_label_quality.py``)
predicts on the test pipeline's view of each unlabeled image, and
``pseudo_label_filter`` picks as in training. A kept box is *tight* when it
hits a free annotation of its class at IoU ``--iou`` or more, best scores
first (``first_hit_truths``). Each kept box gets features that a method
could compute without labels (:func:`box_features`):

- ``score``: the teacher's score;
- ``box``: its class (one-hot), log width and height over the image's,
  log aspect ratio, distance to the nearest image border, and how crowded
  its class is around it (best IoU with, and number of, the other
  candidates of its class);
- ``spreads``: its four DFL side spreads relative to its size (YOLOv9);
- ``views``: its best same-class IoU with the teacher's detections
  scoring ``VIEW_SCORE_THR`` or more on the mirrored view and on rescaled
  views (``--scales``);
- ``features``: the teacher's neck features under the box, mean-pooled per
  level, and on P3 in a strip inside and one outside each side: what an
  IoU-prediction branch on the teacher would read;
- ``votes``: how well the teacher's dense predictions before NMS agree
  with the box (PseCo's positive-proposal consistency voting, Li et al.,
  ECCV 2022): of the same-class boxes scoring ``VOTE_SCORE_THR`` or more
  that overlap it at IoU 0.5 or more, how many, their summed score over
  the box's, their score-weighted mean IoU with it, and the score-weighted
  spread of each of their sides relative to the box's size.

For each feature set an L2-regularised logistic regression predicts
tightness; images are split into ``--folds`` folds, each fold's boxes are
predicted by a model fit on the others (its L2 weight chosen by an inner
3-fold split of those), so every number is out of sample. The table gives
the AUC, the AUC within quarters of each class's scores (what the set adds
to the score that already chose the boxes), and the precision and recall
at IoU ``--iou`` of keeping the boxes the probe ranks highest.

This is a diagnostic and reads held-back labels: a linear probe fit on
the very kind of boxes it is scored on, an upper estimate of what a method
could read from these features linearly, not a method. Training never
reads these annotations.
"""
import copy
import os.path as osp
import sys

import torch
import torch.nn.functional as F
from mmdet.structures import DetDataSample
from mmengine.config import ConfigDict
from torchvision.ops import roi_align

import dsym_mm  # noqa: F401  registers the package's modules
from dsym_mm.models.detectors.dsym import captured_outputs
from dsym_mm.models.utils import first_hit_truths, same_class_ious

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
import pseudo_label_quality as quality  # noqa: E402

# the other views' detections that count (as flip_agreement.score_thr in
# the flip-agreement rows)
VIEW_SCORE_THR = 0.1
# the dense predictions that vote on a kept box, and the overlap that makes
# one a voter
VOTE_SCORE_THR = 0.05
VOTE_IOU_THR = 0.5
FEATURE_SETS = {
    'score': ('score', ),
    'score + box': ('score', 'box'),
    'score + box + spreads': ('score', 'box', 'spreads'),
    'score + box + views': ('score', 'box', 'views'),
    'score + box + features': ('score', 'box', 'features'),
    'score + box + votes': ('score', 'box', 'votes'),
    'all': ('score', 'box', 'spreads', 'views', 'features', 'votes'),
}


def parse_args(argv=None):
    parser = quality.teacher_parser(__doc__.split('\n')[0])
    parser.add_argument('--iou', type=float, default=0.7,
                        help='a kept box is tight at this IoU or more')
    parser.add_argument('--scales', type=float, nargs='*',
                        default=(0.75, 1.25),
                        help='rescaled views the teacher also predicts on')
    parser.add_argument('--folds', type=int, default=5)
    return parser.parse_args(argv)


def teacher_rescaled_predict(model, batch_inputs, batch_data_samples,
                             scale: float):
    """The teacher's detections on the batch resized by ``scale`` (sides
    rounded to a multiple of 32), in the original view's pixels."""
    h, w = batch_inputs.shape[-2:]
    size = (max(32, round(h * scale / 32) * 32),
            max(32, round(w * scale / 32) * 32))
    sy, sx = size[0] / h, size[1] / w
    views = []
    for sample in batch_data_samples:
        view = DetDataSample(metainfo=sample.metainfo)
        ih, iw = sample.img_shape[:2]
        view.set_metainfo(
            dict(img_shape=(round(ih * sy), round(iw * sx)),
                 batch_input_shape=size))
        views.append(view)
    resized = F.interpolate(
        batch_inputs, size=size, mode='bilinear', align_corners=False)
    found = model.teacher_view_predict(resized, views)
    for other in found:
        other.bboxes = other.bboxes / other.bboxes.new_tensor(
            [sx, sy, sx, sy])
    return found


def teacher_dense_predict(model, batch_inputs, batch_data_samples):
    """The teacher's boxes before NMS on the batch's view: every prior's
    box for every class it scores ``VOTE_SCORE_THR`` or more (an NMS at
    IoU 1 suppresses nothing), in the view's pixels."""
    own = model.teacher_test_cfg
    dense = ConfigDict(
        copy.deepcopy(own or model.teacher.bbox_head.test_cfg))
    dense.merge(
        dict(score_thr=VOTE_SCORE_THR, multi_label=True, max_per_img=100000,
             nms=dict(iou_threshold=1.0)))
    model.teacher_test_cfg = dense
    try:
        return model.teacher_view_predict(batch_inputs, batch_data_samples)
    finally:
        model.teacher_test_cfg = own


def vote_features(kept, dense):
    """The ``votes`` features of the ``kept`` boxes from the ``dense``
    predictions (see the module's docstring), (n, 7): log(1 + voters),
    voters' summed score over the box's, their score-weighted mean IoU
    with the box, and the four sides' score-weighted spreads over the
    box's width or height (0 without voters)."""
    b = kept.bboxes
    if not len(b) or not len(dense):
        return b.new_zeros(len(b), 7)
    ious = same_class_ious(kept, dense)
    weights = dense.scores[None] * (ious >= VOTE_IOU_THR)  # (n, m)
    total = weights.sum(1).clamp(min=1e-6)
    mean_iou = (weights * ious).sum(1) / total
    size = torch.stack([b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]] * 2,
                       1).clamp(min=1)
    offsets = (dense.bboxes[None] - b[:, None]) / size[:, None]  # (n, m, 4)
    w = (weights / total[:, None])[..., None]
    mean = (w * offsets).sum(1, keepdim=True)
    spread = (w * (offsets - mean)**2).sum(1).sqrt()
    return torch.cat([
        torch.stack([(weights > 0).sum(1).float().log1p(),
                     weights.sum(1) / kept.scores, mean_iou], 1), spread
    ], 1)


def best_same_class_iou(boxes, others):
    """Each of ``boxes``' best IoU with one of ``others`` of its class (0
    without one)."""
    if not len(boxes) or not len(others):
        return boxes.scores.new_zeros(len(boxes))
    return same_class_ious(boxes, others).max(1).values


def edge_strips(bboxes, share=0.15):
    """For each box, eight boxes: a strip ``share`` of its width (height)
    thick inside, then one outside, its left, top, right and bottom
    sides; ``(8 * len(bboxes), 4)``, box by box."""
    x1, y1, x2, y2 = bboxes.unbind(1)
    dx, dy = share * (x2 - x1), share * (y2 - y1)
    strips = [
        (x1, y1, x1 + dx, y2), (x1 - dx, y1, x1, y2),  # left
        (x1, y1, x2, y1 + dy), (x1, y1 - dy, x2, y1),  # top
        (x2 - dx, y1, x2, y2), (x2, y1, x2 + dx, y2),  # right
        (x1, y2 - dy, x2, y2), (x1, y2, x2, y2 + dy),  # bottom
    ]
    return torch.stack([torch.stack(s, 1) for s in strips], 1).view(-1, 4)


def pooled_features(feats, index, bboxes, strides):
    """The neck's features (``feats``, one (B, C, H, W) map per level)
    under ``bboxes`` (image ``index`` of the batch, view pixels):
    mean-pooled per level, then on the first level in the
    :func:`edge_strips` of each box."""
    if not len(bboxes):
        return bboxes.new_zeros(0, sum(f.shape[1] for f in feats) +
                                8 * feats[0].shape[1])
    rois = torch.cat([bboxes.new_full((len(bboxes), 1), index), bboxes], 1)
    pooled = [
        roi_align(f, rois, 4, 1 / s, aligned=True).mean((2, 3))
        for f, s in zip(feats, strides)
    ]
    strips = edge_strips(bboxes)
    strip_rois = torch.cat([strips.new_full((len(strips), 1), index), strips],
                           1)
    edges = roi_align(feats[0], strip_rois, 2, 1 / strides[0],
                      aligned=True).mean((2, 3)).view(len(bboxes), -1)
    return torch.cat([*pooled, edges], 1)


def box_features(kept, candidates, img_shape, num_classes):
    """The label-free ``score``, ``box`` and ``spreads`` features of the
    ``kept`` boxes (see the module's docstring), each an (n, d) tensor."""
    b = kept.bboxes
    h, w = img_shape[:2]
    bw, bh = (b[:, 2] - b[:, 0]).clamp(min=1), (b[:, 3] - b[:, 1]).clamp(
        min=1)
    border = torch.stack([b[:, 0] / w, b[:, 1] / h, 1 - b[:, 2] / w,
                          1 - b[:, 3] / h], 1).clamp(min=0).min(1).values
    ious = same_class_ious(kept, candidates) if len(candidates) else \
        b.new_zeros(len(b), 0)
    others = ious.masked_fill(ious > 0.999, 0)  # not the box itself
    crowd = torch.stack([
        others.max(1).values if others.shape[1] else b.new_zeros(len(b)),
        (others > 0.1).sum(1).float()
    ], 1)
    return dict(
        score=kept.scores[:, None],
        box=torch.cat([
            F.one_hot(kept.labels, num_classes).float(),
            torch.stack([(bw / w).log(), (bh / h).log(), (bw / bh).log(),
                         border], 1), crowd
        ], 1),
        spreads=(kept.side_spreads /
                 torch.stack([bw, bh, bw, bh], 1)).clamp(min=1e-3).log())


def fit_logistic(x, y, l2, steps=200):
    """Weights (with the bias last) of the L2-regularised logistic
    regression of ``y`` on ``x`` (standardised), by L-BFGS."""
    weights = x.new_zeros(x.shape[1] + 1, requires_grad=True)
    optimizer = torch.optim.LBFGS([weights], max_iter=steps,
                                  line_search_fn='strong_wolfe')

    def closure():
        optimizer.zero_grad()
        logits = x @ weights[:-1] + weights[-1]
        loss = F.binary_cross_entropy_with_logits(logits, y) \
            + 0.5 * l2 * weights[:-1].square().sum()
        loss.backward()
        return loss

    with torch.enable_grad():
        optimizer.step(closure)
    return weights.detach()


def fold_of(groups, folds, seed=0):
    """A fold index per sample such that all samples of a group (image)
    share one."""
    unique, inverse = groups.unique(return_inverse=True)
    order = torch.randperm(
        len(unique), generator=torch.Generator().manual_seed(seed))
    return (order % folds)[inverse]


def out_of_fold_scores(x, y, groups, folds=5, l2s=(1e-3, 1e-2, 1e-1, 1.)):
    """Each sample's predicted log-odds from a logistic regression fit on
    the other folds (:func:`fold_of`); in each, the L2 weight of ``l2s``
    with the best AUC on an inner 3-fold split of its training part."""

    def fit_predict(train, test, l2):
        mean, std = x[train].mean(0), x[train].std(0).clamp(min=1e-6)
        weights = fit_logistic((x[train] - mean) / std, y[train], l2)
        return (x[test] - mean) / std @ weights[:-1] + weights[-1]

    def auc(logits, labels):
        return 1 - quality.rank_auc(logits, labels.bool())

    fold = fold_of(groups, folds)
    scores = torch.zeros(len(y))
    for f in range(folds):
        train = (fold != f).nonzero().flatten()
        inner = fold_of(groups[train], 3, seed=f + 1)
        best = max(l2s, key=lambda l2: sum(
            auc(fit_predict(train[inner != i], train[inner == i], l2),
                y[train[inner == i]]) for i in range(3)))
        test = fold == f
        scores[test] = fit_predict(train, test, best)
    return scores


def keep_top(scores, tight, n_truths, shares=(1., 0.9, 0.75, 0.5)):
    """Precision and recall (of the ``n_truths`` defects) of keeping the
    given shares of the boxes, best ``scores`` first: ``(share,
    precision, recall)`` per share."""
    order = scores.argsort(descending=True)
    rows = []
    for share in shares:
        kept = tight[order[:max(1, round(share * len(scores)))]]
        rows.append((share, kept.float().mean().item(),
                     kept.sum().item() / max(n_truths, 1)))
    return rows


def main(argv=None):
    args = parse_args(argv)
    cfg, model = quality.config_and_model(args)
    preprocess = model.data_preprocessor.data_preprocessor
    head = model.teacher.bbox_head
    if not hasattr(head, 'side_spreads_of'):
        raise ValueError(f'{type(head).__name__} has no DFL sides: the '
                         'probe needs a YOLOv9 teacher')
    strides = [s[0] for s in head.prior_generator.strides]
    dataset = quality.scored_dataset(cfg, args.gt_ann)
    n = len(dataset) if args.max_images is None else min(
        args.max_images, len(dataset))
    k = len(dataset.metainfo['classes'])
    rows = {name: [] for name in ('score', 'box', 'spreads', 'views',
                                  'features', 'votes')}
    tight, labels, groups, n_truths = [], [], [], 0
    with torch.no_grad():
        for data in quality.shuffled_batches(dataset, n, args.batch_size,
                                             preprocess):
            inputs, samples = data['inputs'], data['data_samples']
            with captured_outputs(model.teacher.neck) as neck:
                candidates = model.teacher_predict(
                    inputs, samples, with_side_spreads=True)
            masks, _ = model.pseudo_label_masks(candidates, inputs, samples,
                                                args.progress)
            others = [model.teacher_mirrored_predict(inputs, samples)] + [
                teacher_rescaled_predict(model, inputs, samples, s)
                for s in args.scales
            ]
            dense = teacher_dense_predict(model, inputs, samples)
            for i, (sample, cand, keep) in enumerate(
                    zip(samples, candidates, masks)):
                kept, _ = model.split_candidates(cand, keep)
                kept = kept[kept.scores.argsort(descending=True)]
                scale = kept.bboxes.new_tensor(sample.scale_factor).repeat(2)
                gt = sample.gt_instances
                n_truths += len(gt)
                tight.append(
                    first_hit_truths(kept.bboxes / scale, kept.labels,
                                     gt.bboxes, gt.labels, args.iou) >= 0)
                labels.append(kept.labels)
                groups.append(torch.full((len(kept), ), len(groups)))
                for name, value in box_features(kept, cand,
                                                sample.img_shape,
                                                k).items():
                    rows[name].append(value)
                rows['views'].append(
                    torch.stack([
                        best_same_class_iou(kept, view[i][
                            view[i].scores >= VIEW_SCORE_THR]) for view in others
                    ], 1))
                rows['features'].append(
                    pooled_features(neck[0], i, kept.bboxes, strides))
                rows['votes'].append(vote_features(kept, dense[i]))
    features = {name: torch.cat(v).float() for name, v in rows.items()}
    tight, labels, groups = (torch.cat(v) for v in (tight, labels, groups))
    scores = features['score'][:, 0]
    print(f'kept pseudo-labels of {args.checkpoint} on {n} unlabeled '
          f'images: {len(tight)} ({len(tight) / n:.2f} per image), '
          f'{100 * tight.float().mean():.1f} % tight (IoU >= {args.iou}); '
          f'{args.folds}-fold probes, out of sample')
    if tight.all() or not tight.any() or \
            len(groups.unique()) < args.folds:
        print('no probe: it needs tight and loose kept boxes, in at least '
              f'{args.folds} images')
        return
    shares = [s for s, _, _ in keep_top(scores, tight, n_truths)]
    header = (f'{"features":<24}{"dims":>6}{"AUC":>7}'
              f'{"AUC | score":>13}' + ''.join(
                  f'{f"keep {100 * s:.0f} %: P / R":>22}' for s in shares))
    print(header)
    print('-' * len(header))
    for name, parts in FEATURE_SETS.items():
        x = torch.cat([features[p] for p in parts], 1)
        logits = out_of_fold_scores(x, tight.float(), groups, args.folds)
        per_class = quality.side_spread_aucs(labels, tight, scores,
                                             -logits, k)
        within = torch.tensor([row[3] for row in per_class[:-1]]).nanmean()
        print(f'{name:<24}{x.shape[1]:>6}{per_class[-1][1]:>7.3f}'
              f'{within:>13.3f}' + ''.join(
                  f'{f"{100 * p:.1f} / {100 * r:.1f}":>22}'
                  for _, p, r in keep_top(logits, tight, n_truths)))
    # the last probe (all features) class by class
    print(f'\nby class: how many kept, % tight, AUC of the score and of the '
          f'"{name}" probe within the class')
    header = f'{"class":<18}{"kept":>6}{"tight":>7}{"score":>7}{"probe":>7}'
    print(header)
    print('-' * len(header))
    for c, (count, auc, score_auc, _) in enumerate(per_class):
        pick = torch.ones_like(tight) if c == k else labels == c
        share = 100 * tight[pick].float().mean() if count else float('nan')
        print(f'{(dataset.metainfo["classes"] + ("all", ))[c]:<18}'
              f'{count:>6}{share:>7.1f}{score_auc:>7.3f}{auc:>7.3f}')


if __name__ == '__main__':
    main()
