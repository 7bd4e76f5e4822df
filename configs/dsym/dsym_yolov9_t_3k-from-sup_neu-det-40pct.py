# DSYM as a semi-supervised fine-tuning stage: student and teacher start
# from the supervised YOLOv9-t trained on the same 40 % labels (the paper's
# phase 1, Table 1 lines 4-8, run as its own config), then 3000 teacher-
# student iterations at a lower learning rate. Train the supervised config
# first:
#   python tools/train.py configs/yolov9/yolov9_t_1xb16-100e_neu-det-40pct.py
_base_ = '../dsym_neu_40pct.py'

supervised_checkpoint = \
    'work_dirs/yolov9_t_1xb16-100e_neu-det-40pct/epoch_100.pth'
max_iters = 3000
model = dict(
    detector=dict(
        init_cfg=dict(type='Pretrained', checkpoint=supervised_checkpoint)),
    semi_train_cfg=dict(burn_in_iters=0, rampup_iters=500))
optim_wrapper = dict(optimizer=dict(lr=0.002))
train_cfg = dict(max_iters=max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=100),
    dict(type='LinearLR', start_factor=1.0, end_factor=0.05, by_epoch=False,
         begin=100, end=max_iters)
]
