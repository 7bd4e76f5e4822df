# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .yolov5_random_affine_with_homography import \
    YOLOv5RandomAffineWithHomography

__all__ = ['YOLOv5RandomAffineWithHomography']
