# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from typing import List, Sequence

import torch
from mmdet.structures import SampleList
from mmengine.structures import InstanceData

from dsym_mm.registry import TASK_UTILS

from .base_pseudo_label_filter import BasePseudoLabelFilter


@TASK_UTILS.register_module()
class ClassFrequencyThresholdFilter(BasePseudoLabelFilter):
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
        super().__init__()
        assert 0 <= min_thr <= max_thr <= 1 and 0 <= momentum < 1
        self.min_thr, self.max_thr, self.momentum = min_thr, max_thr, momentum
        self.register_buffer(
            'boxes_per_image',
            torch.tensor(boxes_per_image, dtype=torch.float),
            persistent=False)
        num_classes = len(boxes_per_image)
        self.register_buffer('thresholds', torch.full((num_classes, ),
                                                      max_thr))
        self.register_buffer('seen', torch.zeros(num_classes,
                                                 dtype=torch.bool))

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
        batch = self.batch_thresholds(pseudo_instances).to(
            self.thresholds.device)
        observed = ~batch.isnan()
        m = self.momentum
        ema = torch.where(self.seen, m * self.thresholds + (1 - m) * batch,
                          batch)
        new = torch.where(observed, ema, self.thresholds)
        self.thresholds.copy_(new.clamp(self.min_thr, self.max_thr))
        self.seen |= observed

    def keep_masks(self, pseudo_instances: List[InstanceData],
                   batch_inputs: torch.Tensor,
                   batch_data_samples: SampleList,
                   progress: float) -> List[torch.Tensor]:
        if self.training:
            self.update(pseudo_instances)
        thresholds = self.thresholds.to(batch_inputs.device)
        return [
            inst.scores >= thresholds[inst.labels]
            for inst in pseudo_instances
        ]
