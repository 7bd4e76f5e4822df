# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from collections import OrderedDict

from mmdet.evaluation import VOCMetric, eval_map

from dsym_mm.registry import METRICS


@METRICS.register_module()
class ClasswiseVOCMetric(VOCMetric):
    """MMDetection's ``VOCMetric`` (mAP at each IoU threshold) that also
    returns every class's AP, as ``AP50_<class>``, so that per-class numbers
    reach the logs and the returned metrics, not only the printed table.
    (Paper eq. (23)-(24): AP is the area under a class's PR curve and mAP
    their mean.)"""

    def compute_metrics(self, results: list) -> dict:
        eval_results = super().compute_metrics(results)
        if self.metric != 'mAP':
            return eval_results
        gts, preds = zip(*results)
        classes = self.dataset_meta['classes']
        per_class = OrderedDict()
        for iou_thr in self.iou_thrs:
            _, class_results = eval_map(
                preds,
                gts,
                scale_ranges=self.scale_ranges,
                iou_thr=iou_thr,
                dataset=classes,
                logger='silent',
                eval_mode=self.eval_mode,
                use_legacy_coordinate=True)
            for name, res in zip(classes, class_results):
                per_class[f'AP{int(iou_thr * 100):02d}_{name}'] = round(
                    float(res['ap']), 4)
        eval_results.update(per_class)
        return eval_results
