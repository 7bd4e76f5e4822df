# MMYOLO's YOLOv8 recipe on the NEU-DET CPU protocol. Every YOLO-family
# config (YOLOv8, YOLOv9, YOLOv9-Mamba) starts here and swaps the model.
_base_ = [
    'mmyolo::yolov8/yolov8_n_syncbn_fast_8xb16-500e_coco.py',
    './datasets/neu_det.py', './schedules/neu_cpu_100e.py'
]
custom_imports = dict(imports=['dsym_mm'], allow_failed_imports=False)
default_scope = 'mmyolo'

num_classes = _base_.neu_num_classes
img_scale = _base_.neu_img_scale
max_epochs = _base_.neu_max_epochs
model = dict(
    # lists of DetDataSample (as SemiBaseDetector passes them), not
    # yolov5_collate's packed tensors
    data_preprocessor=dict(_delete_=True, **_base_.neu_data_preprocessor),
    bbox_head=dict(head_module=dict(num_classes=num_classes)),
    train_cfg=dict(assigner=dict(num_classes=num_classes)),
    test_cfg=dict(nms=dict(iou_threshold=_base_.neu_nms_iou_thr)))

train_dataloader = dict(_delete_=True, **_base_.neu_train_dataloader)
val_dataloader = dict(_delete_=True, **_base_.neu_test_dataloader)
test_dataloader = val_dataloader
val_evaluator = _base_.neu_evaluator
test_evaluator = val_evaluator

optim_wrapper = dict(_delete_=True, **_base_.neu_optim_wrapper)
train_cfg = dict(_delete_=True, **_base_.neu_train_cfg)
default_hooks = _base_.neu_default_hooks
custom_hooks = [
    _base_.neu_channels_last_hook,
    _base_.neu_ema_hook,
    dict(
        type='mmdet.PipelineSwitchHook',
        switch_epoch=max_epochs - _base_.neu_close_mosaic_epochs,
        switch_pipeline=_base_.neu_train_pipeline_stage2)
]
