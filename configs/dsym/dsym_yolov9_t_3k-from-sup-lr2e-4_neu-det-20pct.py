# DSYM 20 % at a tenth of the stage's learning rate (2e-4), as the 40 % row
# dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py, from the published
# YOLOv9-t 20 % start in checkpoints/ (49.5).
_base_ = './dsym_yolov9_t_3k-from-sup_neu-det-20pct.py'

model = dict(detector=_base_.neu_semi_finetune_published_detector[20])
optim_wrapper = dict(optimizer=dict(lr=_base_.neu_semi_finetune_low_lr))
