# dsym-cls-only_yolov9_t_3k-from-sup_neu-det-40pct.py at lr 2e-4, from the
# published start: pseudo-labels teach the teacher's classes, not its boxes
# (no box or DFL loss on the unlabeled images).
_base_ = './dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(
    semi_train_cfg=dict(unsup_loss_weights=dict(loss_bbox=0., loss_dfl=0.)))
