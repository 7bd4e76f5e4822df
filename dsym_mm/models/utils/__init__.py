# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .box_fusion import fuse_two_views, overlap_groups

__all__ = ['overlap_groups', 'fuse_two_views']
