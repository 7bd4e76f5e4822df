# DSYM from scratch (8000 iterations with burn-in) with TOOD-R18 as student
# and teacher, 40 % of NEU-DET labeled: the recipe of
# dsym_yolov9_t_8k_neu-det-40pct.py around MMDetection's TOOD (whose head
# outputs probabilities: no sigmoid in the consistency).
_base_ = [
    '../tood/tood_r18_fpn_1xb16-100e_neu-det-40pct.py',
    '../_base_/schedules/neu_semi_cpu_8k.py'
]

# TOODHead trains with its initial ATSS assigner and focal loss while the
# message hub's epoch is below train_cfg.initial_epoch (4), and an
# IterBasedTrainLoop keeps that epoch at 0: without this, every iteration
# here would train the initial phase. So the task-aligned phase from the
# first iteration (a fine-tuning stage's start left the initial phase long
# ago; from scratch, the burn-in trains without it).
detector = _base_.model
detector.train_cfg.initial_epoch = 0
model = dict(
    _delete_=True,
    type='DSYM',
    detector=detector,
    data_preprocessor=dict(
        type='MultiBranchDataPreprocessor',
        data_preprocessor=detector.data_preprocessor),
    semi_train_cfg=dict(_base_.neu_semi_dsym_cfg,
                        consistency_activation=None),
    semi_test_cfg=dict(predict_on='teacher'))

train_dataloader = dict(_delete_=True, **_base_.neu_semi_train_dataloader)
train_cfg = dict(_delete_=True, **_base_.neu_semi_train_cfg)
val_cfg = dict(_delete_=True, type='TeacherStudentValLoop')
param_scheduler = _base_.neu_semi_param_scheduler
default_hooks = _base_.neu_semi_default_hooks
custom_hooks = [
    _base_.neu_channels_last_hook,
    dict(type='BurnInMeanTeacherHook', momentum=0.001)
]
log_processor = dict(by_epoch=False)
