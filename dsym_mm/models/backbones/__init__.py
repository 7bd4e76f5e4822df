# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .yolov9_backbone import YOLOv9Backbone

__all__ = ['YOLOv9Backbone']
