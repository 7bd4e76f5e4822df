# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .box_fusion import fuse_two_views

__all__ = ['fuse_two_views']
