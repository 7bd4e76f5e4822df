# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .yolov9_pafpn import YOLOv9PAFPN

__all__ = ['YOLOv9PAFPN']
