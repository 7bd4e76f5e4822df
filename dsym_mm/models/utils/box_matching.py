# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import torch
from mmdet.structures.bbox import bbox_overlaps


def first_hit_truths(pred_boxes: torch.Tensor, pred_labels: torch.Tensor,
                     gt_boxes: torch.Tensor, gt_labels: torch.Tensor,
                     iou_thr: float) -> torch.Tensor:
    """The truth each prediction hits, taken in the given order (best
    scores first, as VOC's AP counts them), -1 for none: a hit takes the
    free truth of its class that it overlaps most, with IoU ``iou_thr`` or
    more; a later prediction on a taken truth is not a hit (a
    duplicate)."""
    truths = torch.full((len(pred_boxes), ), -1, dtype=torch.long,
                        device=pred_boxes.device)
    if not len(pred_boxes) or not len(gt_boxes):
        return truths
    own = bbox_overlaps(pred_boxes, gt_boxes).masked_fill(
        pred_labels[:, None] != gt_labels[None], -1)
    used = torch.zeros(len(gt_boxes), dtype=torch.bool,
                       device=gt_boxes.device)
    for i, row in enumerate(own):
        free = row.masked_fill(used, -1)
        best = free.argmax()
        if free[best] >= iou_thr:
            used[best] = True
            truths[i] = best
    return truths

