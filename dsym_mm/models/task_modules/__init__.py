# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .score_weighted_task_aligned_assigner import \
    ScoreWeightedTaskAlignedAssigner

__all__ = ['ScoreWeightedTaskAlignedAssigner']
