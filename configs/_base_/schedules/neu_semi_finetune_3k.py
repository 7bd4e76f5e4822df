# DSYM as a semi-supervised fine-tuning stage (the paper's phase 1, Table 1
# lines 4-8, run as its own supervised config): student and teacher start
# from the supervised checkpoint of the same labeled split, then 3000
# teacher-student iterations at a fifth of the learning rate, with no
# burn-in. Names start with ``neu_semi_finetune_`` (see neu_semi_cpu_8k.py).
neu_semi_finetune_max_iters = 3000
neu_semi_finetune_lr = 0.002
neu_semi_finetune_dsym_cfg = dict(burn_in_iters=0, rampup_iters=500)
neu_semi_finetune_param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=100),
    dict(type='LinearLR', start_factor=1.0, end_factor=0.05, by_epoch=False,
         begin=100, end=neu_semi_finetune_max_iters)
]

