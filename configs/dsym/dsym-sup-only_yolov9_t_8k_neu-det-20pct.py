_base_ = './dsym_yolov9_t_8k_neu-det-20pct.py'

model = dict(semi_train_cfg=dict(unsup_weight=0., consistency_weight=0.))
