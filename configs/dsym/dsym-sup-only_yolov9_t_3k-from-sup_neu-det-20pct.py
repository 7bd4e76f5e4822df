# Its supervised row: the same fine-tuning stage (start, schedule, batches,
# EMA teacher) with both unlabeled losses off.
_base_ = './dsym_yolov9_t_3k-from-sup_neu-det-20pct.py'

model = dict(semi_train_cfg=dict(unsup_weight=0., consistency_weight=0.))
