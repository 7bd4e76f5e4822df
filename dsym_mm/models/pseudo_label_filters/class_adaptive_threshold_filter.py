# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from typing import List

import torch
from mmengine.structures import InstanceData

from dsym_mm.registry import TASK_UTILS

from .per_class_threshold_filter import PerClassThresholdFilter


@TASK_UTILS.register_module()
class ClassAdaptiveThresholdFilter(PerClassThresholdFilter):
    """Per-class confidence thresholds that follow the teacher's scores.

    DSYM's single ``tau_conf`` (eq. (20)) starves classes whose detections
    are less confident (on NEU-DET, crazing and rolled-in scale; paper
    Table 4). Here each class ``c`` keeps an exponential moving average
    ``m_c`` of the mean score of the teacher's class-``c`` detections above
    ``min_thr``, and its threshold is scaled by how confident it is relative
    to the most confident class::

        tau_c = min_thr + (score_thr - min_thr) * m_c / max_k m_k

    The most confident class keeps ``score_thr``; a class the teacher is
    unsure of moves towards ``min_thr``. Classes not seen yet use
    ``score_thr``. The averages are buffers, so they resume with the model.

    Args:
        num_classes (int): number of classes.
        score_thr (float): the threshold of the most confident class.
        min_thr (float): the lowest threshold; lower scores never count.
        momentum (float): weight of the old average in each update.
    """

    def __init__(self,
                 num_classes: int,
                 score_thr: float = 0.5,
                 min_thr: float = 0.2,
                 momentum: float = 0.99):
        super().__init__(num_classes, momentum)
        assert 0 <= min_thr <= score_thr <= 1
        self.score_thr, self.min_thr = score_thr, min_thr
        self.register_buffer('mean_scores', torch.zeros(num_classes))

    @property
    def thresholds(self) -> torch.Tensor:
        """The current ``tau_c`` of every class."""
        top = self.mean_scores[self.seen].max() if self.seen.any() else 1.
        ratio = torch.where(self.seen, self.mean_scores / top,
                            torch.ones_like(self.mean_scores))
        return self.min_thr + (self.score_thr - self.min_thr) * ratio

    @torch.no_grad()
    def update(self, pseudo_instances: List[InstanceData]) -> None:
        scores = torch.cat([inst.scores for inst in pseudo_instances])
        labels = torch.cat([inst.labels for inst in pseudo_instances])
        valid = scores > self.min_thr
        scores, labels = scores[valid], labels[valid]
        n = len(self.mean_scores)
        count = torch.bincount(labels, minlength=n)
        total = torch.bincount(labels, weights=scores.float(), minlength=n)
        self.track(self.mean_scores, total / count.clamp(min=1), count > 0)
