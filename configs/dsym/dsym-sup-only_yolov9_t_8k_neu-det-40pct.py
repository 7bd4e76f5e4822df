# Ablation row "supervised" for dsym_yolov9_t_8k_neu-det-40pct.py: the same
# 8000-iteration schedule, batches (8 labeled images each), burn-in and EMA
# teacher, with both unlabeled losses off (DSYM then skips the unlabeled
# branches). Its base was the headline config until that became the
# fine-tuning stage, which made this row a copy of the 3k stage's.
_base_ = './dsym_yolov9_t_8k_neu-det-40pct.py'

model = dict(semi_train_cfg=dict(unsup_weight=0., consistency_weight=0.))
