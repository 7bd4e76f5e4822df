# DSYM 40 % at lr 2e-4 with the strong view less its random erasing: the
# student keeps resize, flips and both RandAugments (colour and geometric).
# The teacher's pseudo-boxes are projected onto the student's view after
# the data pipeline has erased its patches, so a box whose defect lies
# under a grey patch is still taught as that defect. This is the companion
# of the no-geometric row: each drops one part of the strong view.
_base_ = './dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

train_dataloader = dict(
    dataset=dict(datasets=[
        _base_.train_dataloader.dataset.datasets[0],
        dict(_base_.train_dataloader.dataset.datasets[1],
             pipeline=[
                 *_base_.neu_semi_unsup_load,
                 _base_.neu_semi_unsup_branches['no_erasing']
             ])
    ]))
