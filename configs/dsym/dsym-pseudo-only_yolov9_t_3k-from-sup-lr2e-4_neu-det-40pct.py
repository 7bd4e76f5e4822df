# DSYM 40 % at lr 2e-4 without the consistency loss (eq. (2)): the student
# learns from the unlabeled images through the pseudo-labels alone. Every
# DSYM row before it carried both unlabeled terms; this row and
# dsym-cons-only_*-lr2e-4_* split DSYM's gap to its supervised row between
# the two.
_base_ = './dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(semi_train_cfg=dict(consistency_weight=0.))
