# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .transforms import YOLOv5RandomAffineWithHomography
from .voc_annotations import (
                              AnnotationError,
                              nested_stratified_subsets,
                              parse_voc_xml,
                              to_coco,
)

__all__ = [
    'AnnotationError', 'nested_stratified_subsets', 'parse_voc_xml', 'to_coco',
    'YOLOv5RandomAffineWithHomography'
]
