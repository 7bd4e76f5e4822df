# DSYM (paper section 3.1, Table 1) with YOLOv9-t as student and teacher,
# 40 % of NEU-DET labeled. Pseudo-labels: teacher confidence per class
# (thresholds that keep the labeled box density); consistency loss (eq. (2)).
# The teacher's pseudo-labels keep MMYOLO's NMS at IoU 0.7, with which every
# YOLOv9 row of docs/dsym.md was trained; the evaluation's NMS is the
# protocol's (neu_nms_iou_thr, 0.5).
_base_ = [
    '../yolov9/yolov9_t_1xb16-100e_neu-det-40pct.py',
    '../_base_/schedules/neu_semi_cpu_8k.py'
]

detector = _base_.model
model = dict(
    _delete_=True,
    type='mmdet.DSYM',
    detector=detector,
    data_preprocessor=dict(
        type='mmdet.MultiBranchDataPreprocessor',
        data_preprocessor=detector.data_preprocessor),
    semi_train_cfg=dict(
        _base_.neu_semi_dsym_cfg,
        teacher_test_cfg=dict(nms=dict(iou_threshold=0.7))),
    semi_test_cfg=dict(predict_on='teacher'))

train_dataloader = dict(_delete_=True, **_base_.neu_semi_train_dataloader)
train_cfg = dict(_delete_=True, **_base_.neu_semi_train_cfg)
val_cfg = dict(_delete_=True, type='mmdet.TeacherStudentValLoop')
param_scheduler = _base_.neu_semi_param_scheduler
default_hooks = _base_.neu_semi_default_hooks
# the teacher is the EMA of the student: no second EMA, no mosaic switch
custom_hooks = [
    _base_.neu_channels_last_hook,
    dict(type='mmdet.BurnInMeanTeacherHook', momentum=0.001)
]
log_processor = dict(by_epoch=False)
