# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .base_pseudo_label_filter import BasePseudoLabelFilter
from .class_adaptive_threshold_filter import ClassAdaptiveThresholdFilter
from .class_frequency_threshold_filter import ClassFrequencyThresholdFilter
from .per_class_threshold_filter import PerClassThresholdFilter
from .score_threshold_filter import ScoreThresholdFilter

__all__ = [
    'BasePseudoLabelFilter', 'ClassAdaptiveThresholdFilter',
    'ClassFrequencyThresholdFilter', 'PerClassThresholdFilter',
    'ScoreThresholdFilter'
]
