# DSYM 10 % at the lr-2e-4 rows' learning rate, as
# dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-20pct.py, from the published
# YOLOv9-t 10 % start in checkpoints/.
_base_ = './dsym_yolov9_t_3k-from-sup_neu-det-10pct.py'

model = dict(detector=_base_.neu_semi_finetune_published_detector[10])
optim_wrapper = dict(optimizer=dict(lr=_base_.neu_semi_finetune_low_lr))
