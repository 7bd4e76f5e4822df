# TOOD (ResNet-18, trained from scratch) on the NEU-DET CPU protocol: the
# same data, augmentation and schedule as the YOLO rows. For the CPU budget
# the FPN and the head are 128 channels wide instead of 256 (the head's six
# stacked 3x3 convs over five levels dominate the cost: with 256 channels a
# one-epoch tools/train.py run logged 5.2 s per step at batch 16 on 2 cores).
_base_ = [
    'mmdet::tood/tood_r50_fpn_1x_coco.py', '../_base_/datasets/neu_det.py',
    '../_base_/schedules/neu_cpu_100e.py'
]
custom_imports = dict(imports=['dsym_mm'], allow_failed_imports=False)

max_epochs = _base_.neu_max_epochs
model = dict(
    data_preprocessor=_base_.neu_data_preprocessor,
    backbone=dict(
        depth=18,
        frozen_stages=-1,  # nothing pretrained to keep
        norm_eval=False,
        init_cfg=None),
    neck=dict(in_channels=[64, 128, 256, 512], out_channels=128),
    bbox_head=dict(
        num_classes=_base_.neu_num_classes,
        in_channels=128,
        feat_channels=128),
    test_cfg=dict(
        score_thr=0.001, nms=dict(iou_threshold=_base_.neu_nms_iou_thr)))

train_dataloader = dict(_delete_=True, **_base_.neu_train_dataloader)
val_dataloader = dict(_delete_=True, **_base_.neu_test_dataloader)
test_dataloader = val_dataloader
val_evaluator = _base_.neu_evaluator
test_evaluator = val_evaluator

param_scheduler = None  # the YOLOv5ParamSchedulerHook schedules the lr
optim_wrapper = dict(_delete_=True, **_base_.neu_optim_wrapper)
train_cfg = dict(_delete_=True, **_base_.neu_train_cfg)
default_hooks = _base_.neu_default_hooks
custom_hooks = [
    _base_.neu_channels_last_hook,
    _base_.neu_ema_hook,
    dict(
        type='PipelineSwitchHook',
        switch_epoch=max_epochs - _base_.neu_close_mosaic_epochs,
        switch_pipeline=_base_.neu_train_pipeline_stage2)
]
