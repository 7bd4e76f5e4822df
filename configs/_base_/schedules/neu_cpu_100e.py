# The CPU schedule shared by every detector on NEU-DET: YOLOv8's recipe
# (SGD 0.01, nesterov, linear decay to 1 %, 3 warm-up epochs, EMA of the
# weights, mosaic off for the last 10 epochs) for 100 epochs at batch 16.
# As in datasets/neu_det.py, names start with ``neu_`` (see there why).
neu_max_epochs = 100
neu_close_mosaic_epochs = 10
neu_val_interval = 10
# A kill loses at most this many epochs (``--resume``).
neu_checkpoint_interval = 5
neu_base_lr = 0.01
# Every run is seeded: on one machine with one thread count a config
# retrains to the same weights (tests/test_tools_end_to_end.py), so a start
# checkpoint can be rebuilt exactly; repeats use
# ``--cfg-options randomness.seed=N``.
randomness = dict(seed=0)
# Warm-up lasts max(3 epochs, neu_warmup_min_iters). MMYOLO's default
# floor (1000 iterations, from YOLOv5's COCO recipe) is 24 of the 100
# epochs at 40 % labels and 91 at 10 %; Ultralytics' YOLOv8 uses 100.
neu_warmup_min_iters = 100

neu_optim_wrapper = dict(
    type='OptimWrapper',
    clip_grad=dict(max_norm=10.0),
    optimizer=dict(
        type='SGD',
        lr=neu_base_lr,
        momentum=0.937,
        weight_decay=0.0005,
        nesterov=True,
        batch_size_per_gpu=16),
    constructor='mmyolo.YOLOv5OptimizerConstructor')
neu_train_cfg = dict(
    type='EpochBasedTrainLoop',
    max_epochs=neu_max_epochs,
    val_interval=neu_val_interval)
neu_default_hooks = dict(
    param_scheduler=dict(
        type='mmyolo.YOLOv5ParamSchedulerHook',
        scheduler_type='linear',
        lr_factor=0.01,
        warmup_mim_iter=neu_warmup_min_iters,
        max_epochs=neu_max_epochs),
    # Reported numbers come from the last checkpoint: no best-by-test pick.
    checkpoint=dict(
        type='CheckpointHook',
        interval=neu_checkpoint_interval,
        max_keep_ckpts=2,
        save_last=True,
        save_best=None),
    logger=dict(type='LoggerHook', interval=20))
# Convolutions in NHWC order (channels_last): faster on this CPU's oneDNN
# kernels, the same values up to float rounding (docs/benchmarks.md,
# "Memory format").
neu_channels_last_hook = dict(type='mmdet.ChannelsLastHook')
neu_ema_hook = dict(
    type='EMAHook',
    ema_type='mmyolo.ExpMomentumEMA',
    momentum=0.0001,
    update_buffers=True,
    strict_load=False,
    priority=49)
