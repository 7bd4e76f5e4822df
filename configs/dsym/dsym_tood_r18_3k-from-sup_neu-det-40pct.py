# DSYM as a fine-tuning stage with TOOD-R18 as student and teacher, from
# the supervised TOOD-R18 trained on the same 40 % labels (trained first by
# tools/run_main.sh, or by hand: python tools/train.py SUPERVISED_CONFIG).
_base_ = [
    './dsym_tood_r18_8k_neu-det-40pct.py',
    '../_base_/schedules/neu_semi_finetune_3k.py'
]

supervised_config = 'configs/tood/tood_r18_fpn_1xb16-100e_neu-det-40pct.py'
model = dict(
    detector=dict(
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/tood_r18_fpn_1xb16-100e_neu-det-40pct/'
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
