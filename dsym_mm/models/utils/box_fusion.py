# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from typing import List

import torch
from mmdet.structures.bbox import bbox_overlaps
from mmengine.structures import InstanceData


def overlap_groups(bboxes: torch.Tensor, labels: torch.Tensor,
                   iou_thr: float,
                   linkable: torch.Tensor = None) -> torch.Tensor:
    """Group boxes of one class that overlap: boxes chained by IoU above
    ``iou_thr`` share a group, named by the smallest index in it.

    Args:
        bboxes (Tensor): (n, 4) boxes, x1y1x2y2.
        labels (Tensor): (n, ) class indices.
        iou_thr (float): two boxes of a class are linked when their IoU
            exceeds it.
        linkable (Tensor, optional): (n, ) bool; boxes marked False stay
            alone.

    Returns:
        Tensor: (n, ) the group of each box.
    """
    n = len(bboxes)
    linked = (bbox_overlaps(bboxes, bboxes) > iou_thr) \
        & (labels[:, None] == labels[None])
    if linkable is not None:
        linked &= linkable[:, None] & linkable[None]
    linked |= torch.eye(n, dtype=torch.bool, device=bboxes.device)
    group = torch.arange(n, device=bboxes.device)
    while True:  # each box takes the smallest group among its links
        joined = torch.where(linked, group[None], n).min(1).values
        if torch.equal(joined, group):
            return group
        group = joined


def fuse_views(views: List[InstanceData], iou_thr: float) -> InstanceData:
    """Weighted boxes fusion of one image's detections on several views
    (in one coordinate frame): the boxes of a class chained across the
    views by IoU above ``iou_thr`` become one box, their score-weighted
    mean, scored by the mean over the views of each view's best score in
    the group (a view that does not find it adds 0).

    A defect that every view finds keeps its score; a box that one view of
    two finds is halved, so the fused scores rank agreement first.
    """
    boxes = torch.cat([v.bboxes for v in views])
    if not len(boxes):
        return InstanceData(
            bboxes=boxes,
            labels=torch.cat([v.labels for v in views]),
            scores=torch.cat([v.scores for v in views]))
    labels = torch.cat([v.labels for v in views])
    scores = torch.cat([v.scores for v in views])
    view = torch.cat([
        torch.full((len(v), ), i, device=boxes.device)
        for i, v in enumerate(views)
    ])
    heads, group = overlap_groups(boxes, labels, iou_thr).unique(
        return_inverse=True)
    num = len(heads)
    weights = scores.clamp(min=1e-6)  # boxes that score 0 still count
    fused = boxes.new_zeros(num, 4).index_add_(
        0, group, boxes * weights[:, None])
    fused /= weights.new_zeros(num).index_add_(0, group, weights)[:, None]
    best = scores.new_zeros(num * len(views)).scatter_reduce(
        0, group * len(views) + view, scores, reduce='amax')
    return InstanceData(
        bboxes=fused,
        labels=labels[heads],
        scores=best.view(num, len(views)).mean(1))
