# The CPU schedule of semi-supervised runs: iterations, not epochs (every
# batch holds 8 labeled and 8 unlabeled images). Supervised burn-in for the
# first quarter (DSYM Table 1: epochs 1-50 of 200), then teacher-student
# training. 8000 iterations show each labeled image of the 40 % split about
# as often as the supervised 100-epoch schedule at batch 16.
neu_semi_max_iters = 8000
neu_semi_burn_in_iters = 2000
neu_semi_val_interval = 1000

neu_semi_train_cfg = dict(
    type='IterBasedTrainLoop',
    max_iters=neu_semi_max_iters,
    val_interval=neu_semi_val_interval)
neu_semi_param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=500),
    dict(type='LinearLR', start_factor=1.0, end_factor=0.01, by_epoch=False,
         begin=500, end=neu_semi_max_iters)
]
# merged into the runner's default hooks (timer, sampler seed, ... stay)
neu_semi_default_hooks = dict(
    param_scheduler=dict(_delete_=True, type='ParamSchedulerHook'),
    checkpoint=dict(
        _delete_=True,
        type='CheckpointHook',
        by_epoch=False,
        interval=neu_semi_val_interval,
        max_keep_ckpts=2,
        save_last=True,
        save_best=None),
    logger=dict(type='LoggerHook', interval=20))

# NEU-DET boxes per image of each class in the labeled splits (crazing,
# inclusion, patches, pitted_surface, rolled-in_scale, scratches), counted
# on the training labels only; tests/test_configs.py recounts them.
neu_semi_boxes_per_image = {
    10: [0.38, 0.58, 0.46, 0.26, 0.37, 0.27],
    20: [0.38, 0.61, 0.45, 0.24, 0.37, 0.30],
    40: [0.38, 0.56, 0.46, 0.23, 0.35, 0.30],
}

# DSYM's semi-supervised settings for this schedule (see mmdet.DSYM).
# Pseudo-labels: per-class thresholds that keep the labeled set's box
# density (docs/dsym.md says why not a fixed tau_conf).
neu_semi_dsym_cfg = dict(
    burn_in_iters=neu_semi_burn_in_iters,
    pseudo_label_filter=dict(
        type='mmdet.ClassFrequencyThresholdFilter',
        boxes_per_image=neu_semi_boxes_per_image[40],
        min_thr=0.1,
        max_thr=0.9),
    unsup_weight=1.0,
    consistency_weight=1.0,
    consistency_activation='sigmoid',
    rampup_iters=1000,
    min_pseudo_bbox_wh=(1e-2, 1e-2))
# that pseudo-label filter at each split's density
neu_semi_pseudo_label_filter = {
    pct: dict(neu_semi_dsym_cfg['pseudo_label_filter'], boxes_per_image=boxes)
    for pct, boxes in neu_semi_boxes_per_image.items()
}
# mmdet.OracleLabelDSYM with the teacher's false positives on a bound, at
# each split (the dsym-oracle-false-positives-* rows): the EMA teacher's
# picks through the split's filter, in place of the bound's, that match no
# true box of their class join the true boxes, and its candidates scoring
# 0.1 or more off the true boxes are ignored
neu_semi_oracle_false_positives = {
    pct: dict(
        ignore_score_thr=0.1,
        pseudo_label_filter=dict(pseudo_label_filter, _delete_=True),
        oracle=dict(teacher_false_positives=True))
    for pct, pseudo_label_filter in neu_semi_pseudo_label_filter.items()
}
