# dsym-cons-only_yolov9_t_3k-from-sup_neu-det-40pct.py at lr 2e-4, from the
# published start: the unlabeled images teach through the consistency loss
# (eq. (2)) alone, Table 1 line 18 as written; the companion of
# dsym-pseudo-only_*-lr2e-4_*.
_base_ = './dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(semi_train_cfg=dict(unsup_weight=0.))
