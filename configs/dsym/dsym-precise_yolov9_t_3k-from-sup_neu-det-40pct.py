# DSYM with fewer, surer pseudo-labels: per class, the teacher's boxes at
# half the labeled split's density, and the candidates it drops that still
# score 0.05 or more ignored rather than taught as background. With the
# supervised 40 % teacher (docs/dsym.md) the kept boxes are 72.0 % right at
# 45.7 % recall, against 59.7 / 61.9 at the full density.
_base_ = './dsym_yolov9_t_3k-from-sup_neu-det-40pct.py'

model = dict(
    semi_train_cfg=dict(
        pseudo_label_filter=dict(
            boxes_per_image=[
                f * 0.5 for f in _base_.neu_semi_boxes_per_image[40]
            ]),
        ignore_score_thr=0.05))
