# DSYM as a semi-supervised fine-tuning stage (the paper's phase 1, Table 1
# lines 4-8, run as its own supervised config): student and teacher start
# from the supervised checkpoint of the same labeled split, then 3000
# teacher-student iterations at a fifth of the learning rate, with no
# burn-in. Names start with ``neu_semi_finetune_`` (see neu_semi_cpu_8k.py).
neu_semi_finetune_max_iters = 3000
neu_semi_finetune_lr = 0.002
# the same stage at a tenth of the rate, about the supervised run's last
# (docs/dsym.md, "Seeded 40 % start, NHWC"), from a start of each split
# published in checkpoints/, so that its rows start from the same weights
# on any machine (checkpoints/README.md)
neu_semi_finetune_low_lr = neu_semi_finetune_lr / 10
# (``model.detector`` of such a stage, by percent labeled)
neu_semi_finetune_published_detector = {
    10: dict(init_cfg=dict(checkpoint='checkpoints/yolov9_t_1xb16-100e_'
                           'neu-det-10pct-ac8c9735.pth')),
    20: dict(init_cfg=dict(checkpoint='checkpoints/yolov9_t_1xb16-100e_'
                           'neu-det-20pct-5f004d12.pth')),
    40: dict(init_cfg=dict(checkpoint='checkpoints/yolov9_t_1xb16-100e_'
                           'neu-det-40pct-53d1c01c.pth')),
}
neu_semi_finetune_dsym_cfg = dict(burn_in_iters=0, rampup_iters=500)
# the published starts' pseudo-labels on their split's unlabeled images
# (1296 at 20 %, 972 at 40 %), per class (crazing, inclusion, patches,
# pitted_surface, rolled-in_scale, scratches): the share of the true boxes
# among its kept pseudo-labels (recall) and among its kept or ignored
# candidates (marked recall), IoU 0.5, through the split's best row's
# filter (dsym-joint-pass-weak-student-ignore-uncertain_*); from
# tools/analysis_tools/pseudo_label_quality.py (docs/dsym.md, "Which of
# the teacher's errors costs the 20 % rows", "The published 40 % start's
# misses"). The oracle rows that
# simulate its misses read them (mmdet.OracleLabelDSYM)
neu_semi_published_start_recall = {
    20: dict(recall=[0.353, 0.642, 0.762, 0.590, 0.349, 0.540],
             marked_recall=[0.553, 0.817, 0.923, 0.717, 0.456, 0.894]),
    40: dict(recall=[0.397, 0.629, 0.828, 0.630, 0.529, 0.651],
             marked_recall=[0.573, 0.832, 0.938, 0.757, 0.760, 0.921]),
}
neu_semi_finetune_warmup = dict(
    type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=100)
# the linear decay after the warm-up, without its end: each schedule sets it
neu_semi_finetune_decay = dict(
    type='LinearLR', start_factor=1.0, end_factor=0.05, by_epoch=False,
    begin=neu_semi_finetune_warmup['end'])
neu_semi_finetune_param_scheduler = [
    neu_semi_finetune_warmup,
    dict(neu_semi_finetune_decay, end=neu_semi_finetune_max_iters)
]
# the same stage twice as long, the decay stretched to its end: the ``6k``
# rows ask whether the 3000-iteration stage stops short of what its labels
# can give (docs/dsym.md, "A stage twice as long")
neu_semi_finetune_long_max_iters = 2 * neu_semi_finetune_max_iters
neu_semi_finetune_long_param_scheduler = [
    neu_semi_finetune_warmup,
    dict(neu_semi_finetune_decay, end=neu_semi_finetune_long_max_iters)
]
