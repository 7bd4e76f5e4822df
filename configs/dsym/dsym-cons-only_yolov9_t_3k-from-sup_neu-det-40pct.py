# DSYM Table 1 as written: L_total = L_sup + lambda_unsup(t) * L_consistency
# (line 18): the student learns from the unlabeled images through the
# consistency loss (eq. (2)) alone, with no pseudo-box loss.
_base_ = './dsym_yolov9_t_3k-from-sup_neu-det-40pct.py'

model = dict(semi_train_cfg=dict(unsup_weight=0.))
