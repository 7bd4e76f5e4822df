# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from abc import abstractmethod
from typing import Iterator, List, Tuple

import torch
import torch.nn as nn
from mmdet.structures import SampleList
from mmengine.structures import InstanceData

from .base_pseudo_label_filter import BasePseudoLabelFilter


class PerClassThresholdFilter(BasePseudoLabelFilter):
    """A pseudo-instance is kept when its score reaches its class's
    threshold ``thresholds[label]`` (DSYM eq. (20) with one ``tau_conf`` per
    class). Subclasses say how the thresholds follow the teacher: in
    training, :meth:`update` sees every batch's candidates first; in eval
    the thresholds stay as they are.

    Per-class statistics are tracked as exponential moving averages that
    start at the first value observed (:meth:`track`); ``seen`` marks the
    classes observed so far. Both are buffers, saved with the detector.

    Args:
        num_classes (int): number of classes.
        momentum (float): weight of the old average in each update.
    """

    def __init__(self, num_classes: int, momentum: float):
        super().__init__()
        assert 0 <= momentum < 1
        self.momentum = momentum
        self.register_buffer('seen', torch.zeros(num_classes,
                                                 dtype=torch.bool))

    @abstractmethod
    def update(self, pseudo_instances: List[InstanceData]) -> None:
        """Move the thresholds with one batch of teacher candidates."""

    @torch.no_grad()
    def track(self, average: torch.Tensor, batch: torch.Tensor,
              observed: torch.Tensor) -> None:
        """``average <- momentum * average + (1 - momentum) * batch`` for the
        ``observed`` classes (``batch`` itself for a class seen first)."""
        m = self.momentum
        batch = batch.to(average)
        ema = torch.where(self.seen, m * average + (1 - m) * batch, batch)
        average.copy_(torch.where(observed, ema, average))
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


def per_class_filters(
        pl_filter: nn.Module) -> Iterator[Tuple[str, PerClassThresholdFilter]]:
    """The per-class threshold filters in ``pl_filter`` (itself, or inside a
    :class:`SequentialPseudoLabelFilter`), with their module names."""
    for name, module in pl_filter.named_modules():
        if isinstance(module, PerClassThresholdFilter):
            yield name, module
