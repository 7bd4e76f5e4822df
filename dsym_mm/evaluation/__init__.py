# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .classwise_voc_metric import ClasswiseVOCMetric

__all__ = ['ClasswiseVOCMetric']
