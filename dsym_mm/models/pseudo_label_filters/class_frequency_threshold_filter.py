# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from typing import List, Sequence

import torch
from mmengine.structures import InstanceData

from dsym_mm.registry import TASK_UTILS

from .per_class_threshold_filter import PerClassThresholdFilter


@TASK_UTILS.register_module()
class ClassFrequencyThresholdFilter(PerClassThresholdFilter):
    """Per-class thresholds at the teacher's score quantile that keeps as
    many pseudo-boxes per image as the labeled set has boxes of the class.

    A fixed ``tau_conf`` (DSYM eq. (20)) assumes calibrated scores. A
    YOLO-style teacher trained with task-aligned targets scores its correct
    boxes low early in training, so a fixed threshold keeps a small fraction
    of the defects and the student learns the rest as background. This
    filter ranks instead of thresholding absolutely: in each unlabeled
    batch of ``n`` images, class ``c``'s batch threshold is the score of the
    teacher's ``round(n * f_c)``-th best class-``c`` box, where ``f_c`` is the
    labeled set's class-``c`` boxes per image; ``tau_c`` is an exponential
    moving average of these, clipped to ``[min_thr, max_thr]``::

        tau_c <- momentum * tau_c + (1 - momentum) * s_c(round(n * f_c))

    Classes the teacher is less sure of (NEU-DET's crazing, rolled-in
    scale) get lower thresholds by themselves. The thresholds are buffers
    and resume with the model.

    Args:
        boxes_per_image (Sequence[float]): ``f_c`` for every class, counted
            on the labeled training set.
        min_thr (float): lowest threshold (a teacher with only low scores
            yields few pseudo-boxes, not noise).
        max_thr (float): highest threshold.
        momentum (float): weight of the old threshold in each update.
    """

    def __init__(self,
                 boxes_per_image: Sequence[float],
                 min_thr: float = 0.1,
                 max_thr: float = 0.9,
                 momentum: float = 0.9):
        super().__init__(len(boxes_per_image), momentum)
        assert 0 <= min_thr <= max_thr <= 1
        self.min_thr, self.max_thr = min_thr, max_thr
        self.register_buffer(
            'boxes_per_image',
            torch.tensor(boxes_per_image, dtype=torch.float),
            persistent=False)
        self.register_buffer('thresholds',
                             torch.full((len(boxes_per_image), ), max_thr))

    def batch_thresholds(self, pseudo_instances: List[InstanceData]):
        """Score of the ``round(n * f_c)``-th best box of each class (NaN
        for a class without candidates)."""
        scores = torch.cat([inst.scores for inst in pseudo_instances])
        labels = torch.cat([inst.labels for inst in pseudo_instances])
        wanted = (self.boxes_per_image * len(pseudo_instances)).round()
        out = torch.full_like(self.thresholds, float('nan'))
        for c, k in enumerate(wanted.long().clamp(min=1).tolist()):
            class_scores = scores[labels == c]
            if len(class_scores):
                k = min(k, len(class_scores))
                out[c] = class_scores.topk(k).values[-1]
        return out

    @torch.no_grad()
    def update(self, pseudo_instances: List[InstanceData]) -> None:
        batch = self.batch_thresholds(pseudo_instances)
        self.track(self.thresholds, batch, ~batch.isnan())
        self.thresholds.clamp_(self.min_thr, self.max_thr)
