# dsym-cons-only_yolov9_t_3k-from-sup_neu-det-40pct.py on the 20 % split:
# Table 1 line 18 as written, the unlabeled images teach through the
# consistency loss (eq. (2)) alone.
_base_ = './dsym_yolov9_t_3k-from-sup_neu-det-20pct.py'

model = dict(semi_train_cfg=dict(unsup_weight=0.))
