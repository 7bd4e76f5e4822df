# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .burn_in_mean_teacher_hook import BurnInMeanTeacherHook

__all__ = ['BurnInMeanTeacherHook']
