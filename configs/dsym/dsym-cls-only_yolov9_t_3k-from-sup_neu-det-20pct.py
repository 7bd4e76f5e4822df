# dsym-cls-only_yolov9_t_3k-from-sup_neu-det-40pct.py on the 20 % split:
# pseudo-labels teach the teacher's classes, not its boxes.
_base_ = './dsym_yolov9_t_3k-from-sup_neu-det-20pct.py'

model = dict(
    semi_train_cfg=dict(unsup_loss_weights=dict(loss_bbox=0., loss_dfl=0.)))
