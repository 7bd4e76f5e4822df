# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import torch
from mmdet.structures.bbox import bbox_overlaps
from mmengine.structures import InstanceData


def same_class_ious(boxes: InstanceData,
                    others: InstanceData) -> torch.Tensor:
    """(len(boxes), len(others)) IoUs, 0 between boxes of two classes."""
    return bbox_overlaps(boxes.bboxes, others.bboxes).masked_fill(
        boxes.labels[:, None] != others.labels[None], 0)


def fuse_two_views(first: InstanceData, second: InstanceData,
                   iou_thr: float) -> InstanceData:
    """Weighted boxes fusion of one image's detections on two views (in
    one coordinate frame).

    A box of one view and a box of the other are paired when each is the
    other's best overlap among the boxes of its class and their IoU is
    ``iou_thr`` or more; a pair becomes its score-weighted mean box, scored
    by the mean of the two scores. A box without a partner keeps its place
    and scores half (the view that does not find it adds 0), so the fused
    scores rank what both views find first. Pairing one to one, rather
    than chaining every overlapping box, keeps a view's many low-scoring
    neighbours of a defect from merging it into one wide box.
    """
    n = len(first)
    paired = first.bboxes.new_zeros(n, dtype=torch.bool)
    partner = first.labels.new_zeros(n)
    if n and len(second):
        ious = same_class_ious(first, second)
        best_iou, partner = ious.max(1)
        mutual = ious.argmax(0)[partner] == torch.arange(
            n, device=ious.device)
        paired = mutual & (best_iou >= iou_thr)
    mates = partner[paired]
    alone = torch.ones(len(second), dtype=torch.bool,
                       device=second.bboxes.device)
    alone[mates] = False
    own, other = first[paired], second[mates]
    weights = torch.stack([own.scores, other.scores]).clamp(min=1e-6)
    boxes = (own.bboxes * weights[0, :, None] +
             other.bboxes * weights[1, :, None]) / weights.sum(0)[:, None]
    lone = [first[~paired], second[alone]]
    return InstanceData(
        bboxes=torch.cat([boxes] + [v.bboxes for v in lone]),
        labels=torch.cat([own.labels] + [v.labels for v in lone]),
        scores=torch.cat([(own.scores + other.scores) / 2] +
                         [v.scores / 2 for v in lone]))
