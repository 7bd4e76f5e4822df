# DSYM as a semi-supervised fine-tuning stage from the supervised YOLOv9-t
# trained on the same 40 % labels (the paper's phase 1 as its own config,
# trained first by tools/run_main.sh, or by hand:
#   python tools/train.py configs/yolov9/yolov9_t_1xb16-100e_neu-det-40pct.py).
_base_ = [
    './dsym_yolov9_t_8k_neu-det-40pct.py',
    '../_base_/schedules/neu_semi_finetune_3k.py'
]

supervised_config = 'configs/yolov9/yolov9_t_1xb16-100e_neu-det-40pct.py'
model = dict(
    detector=dict(
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/yolov9_t_1xb16-100e_neu-det-40pct/'
            'epoch_100.pth')),
    semi_train_cfg=_base_.neu_semi_finetune_dsym_cfg)
# the supervised run ended without mosaic: so do the labeled images here
train_dataloader = dict(
    dataset=dict(datasets=[
        dict(_base_.train_dataloader.dataset.datasets[0],
             pipeline=_base_.neu_semi_sup_pipeline_stage2),
        _base_.train_dataloader.dataset.datasets[1]
    ]))
optim_wrapper = dict(optimizer=dict(lr=_base_.neu_semi_finetune_lr))
train_cfg = dict(max_iters=_base_.neu_semi_finetune_max_iters)
param_scheduler = _base_.neu_semi_finetune_param_scheduler
