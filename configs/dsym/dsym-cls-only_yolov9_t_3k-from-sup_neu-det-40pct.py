# DSYM with pseudo-labels for classification only: the student learns the
# teacher's classes from them, not its boxes (no box or DFL loss on the
# unlabeled images).
_base_ = './dsym_yolov9_t_3k-from-sup_neu-det-40pct.py'

model = dict(
    semi_train_cfg=dict(unsup_loss_weights=dict(loss_bbox=0., loss_dfl=0.)))
