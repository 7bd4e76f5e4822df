# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .mamba_yolov9_head import MambaYOLOv9Head, MambaYOLOv9HeadModule
from .yolov9_head import YOLOv9Head, YOLOv9HeadModule

__all__ = [
    'YOLOv9Head', 'YOLOv9HeadModule', 'MambaYOLOv9Head',
    'MambaYOLOv9HeadModule'
]
