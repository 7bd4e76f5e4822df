# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import numpy as np
from mmyolo.datasets.transforms import YOLOv5RandomAffine

from dsym_mm.registry import YOLO_TRANSFORMS


@YOLO_TRANSFORMS.register_module()
class YOLOv5RandomAffineWithHomography(YOLOv5RandomAffine):
    """MMYOLO's ``YOLOv5RandomAffine`` that records its warp in
    ``results['homography_matrix']``, as MMDetection's geometric transforms
    (``Resize``, ``RandomFlip``, ``Rotate``, ...) do.

    With it, a semi-supervised student view can carry the labeled images'
    scale jitter: ``SemiBaseDetector.project_pseudo_instances`` moves the
    teacher's pseudo-boxes (the targets ``t_i`` of the paper's eq. (1) on
    unlabeled images) onto the student's view through the two views'
    homography matrices, so every geometric step of either view must
    record its matrix. The upstream transform keeps its warp to itself;
    this subclass changes nothing else.
    """

    def _get_random_homography_matrix(self, height, width):
        warp_matrix, scaling_ratio = super()._get_random_homography_matrix(
            height, width)
        self._last_warp_matrix = warp_matrix
        return warp_matrix, scaling_ratio

    def transform(self, results: dict) -> dict:
        src_h, src_w = results['img'].shape[:2]
        results = super().transform(results)
        # the upstream warp moves the source image's centre to the origin
        # first (its ``center_matrix``)
        matrix = self._last_warp_matrix @ np.array(
            [[1, 0, -src_w / 2], [0, 1, -src_h / 2], [0, 0, 1]],
            dtype=np.float32)
        previous = results.get('homography_matrix')
        results['homography_matrix'] = (
            matrix if previous is None else matrix @ previous)
        return results
