# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .base_pseudo_label_filter import BasePseudoLabelFilter
from .class_adaptive_threshold_filter import ClassAdaptiveThresholdFilter
from .class_frequency_threshold_filter import ClassFrequencyThresholdFilter
from .class_wise_containment_filter import ClasswiseContainmentFilter
from .class_wise_nms_filter import ClasswiseNMSFilter
from .per_class_threshold_filter import (PerClassThresholdFilter,
                                         per_class_filters)
from .score_threshold_filter import ScoreThresholdFilter
from .sequential_pseudo_label_filter import SequentialPseudoLabelFilter

__all__ = [
    'BasePseudoLabelFilter', 'ClassAdaptiveThresholdFilter',
    'ClassFrequencyThresholdFilter', 'ClasswiseContainmentFilter',
    'ClasswiseNMSFilter',
    'PerClassThresholdFilter', 'ScoreThresholdFilter',
    'SequentialPseudoLabelFilter', 'per_class_filters'
]
