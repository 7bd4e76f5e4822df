# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from contextlib import contextmanager
from typing import Optional, Tuple

import torch
from mmyolo.models.task_modules.assigners import BatchTaskAlignedAssigner

from dsym_mm.registry import YOLO_TASK_UTILS as TASK_UTILS


@TASK_UTILS.register_module()
class ScoreWeightedTaskAlignedAssigner(BatchTaskAlignedAssigner):
    """MMYOLO's task-aligned assigner whose targets can be scaled per
    ground-truth box: soft pseudo-labels, or pseudo-boxes whose extents
    teach less than their classes.

    The task-aligned assigner's classification target at a positive prior
    is already soft: its box's normalised alignment metric, at most the
    best IoU of that box's priors, and the classification and box losses
    are normalised by the sum of these targets. Inside
    :meth:`weighted_by` each box's targets are also multiplied by a weight
    in [0, 1]. With the teacher's confidence as the weight (DSYM's
    ``semi_train_cfg.score_weighted_pseudo_labels``), a pseudo-box the
    teacher scores 0.6 teaches the student a score of at most 0.6 and
    counts 0.6 times in the box losses, instead of acting as a sure label.

    Box weights leave the targets alone and only record, at each
    assignment, the weight of the box each positive prior is assigned to
    (:attr:`positive_box_weights`); the YOLOv9 heads scale the box and DFL
    loss terms of those priors by it (DSYM's
    ``semi_train_cfg.pseudo_box_weight``). Outside the block it assigns
    exactly as its parent.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._gt_weights: Optional[torch.Tensor] = None
        self._box_weights: Optional[torch.Tensor] = None
        self.positive_box_weights: Optional[torch.Tensor] = None

    @contextmanager
    def weighted_by(self,
                    gt_weights: Optional[torch.Tensor] = None,
                    box_weights: Optional[torch.Tensor] = None):
        """While the block runs, scale the targets of the ground truth by
        ``gt_weights`` and record its ``box_weights`` for the positive
        priors (:attr:`positive_box_weights`: one weight per positive, in
        the row-major order of ``fg_mask_pre_prior`` in which MMYOLO's
        heads select them). Both are shaped ``(batch_size, num_gt)`` as
        MMYOLO's padded ground truth (``gt_instances_preprocess``; padding
        boxes are never assigned); either may be None."""
        for name, weights in (('gt_weights', gt_weights), ('box_weights',
                                                           box_weights)):
            if weights is not None and weights.dim() != 2:
                raise ValueError(f'{name} must be (batch_size, num_gt), got '
                                 f'shape {tuple(weights.shape)}')
        self._gt_weights, self._box_weights = gt_weights, box_weights
        try:
            yield
        finally:
            self._gt_weights = self._box_weights = None
            self.positive_box_weights = None

    def get_targets(self, gt_labels: torch.Tensor, gt_bboxes: torch.Tensor,
                    assigned_gt_idxs: torch.Tensor,
                    fg_mask_pre_prior: torch.Tensor, batch_size: int,
                    num_gt: int) -> Tuple[torch.Tensor, ...]:
        labels, bboxes, scores = super().get_targets(gt_labels, gt_bboxes,
                                                     assigned_gt_idxs,
                                                     fg_mask_pre_prior,
                                                     batch_size, num_gt)
        for weights in (self._gt_weights, self._box_weights):
            if weights is not None and weights.shape != (batch_size, num_gt):
                raise ValueError(
                    f'ground-truth weights of shape {tuple(weights.shape)} '
                    f'for {batch_size} images of {num_gt} (padded) boxes')
        if self._box_weights is not None:
            self.positive_box_weights = self._box_weights.gather(
                1, assigned_gt_idxs.long())[fg_mask_pre_prior.bool()]
        if self._gt_weights is None:
            return labels, bboxes, scores
        # the parent's scores are an integer one-hot: the product is float
        weights = self._gt_weights.gather(1, assigned_gt_idxs.long())
        return labels, bboxes, scores * weights.unsqueeze(-1)
