# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .held_out_annotations import annotations_of_images
from .transforms import YOLOv5RandomAffineWithHomography
from .voc_annotations import (
                              AnnotationError,
                              nested_stratified_subsets,
                              parse_voc_xml,
                              to_coco,
)

__all__ = [
    'AnnotationError', 'annotations_of_images', 'nested_stratified_subsets',
    'parse_voc_xml', 'to_coco', 'YOLOv5RandomAffineWithHomography'
]
