# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .box_fusion import fuse_two_views, same_class_ious
from .box_matching import first_hit_truths

__all__ = ['same_class_ious', 'fuse_two_views', 'first_hit_truths']
