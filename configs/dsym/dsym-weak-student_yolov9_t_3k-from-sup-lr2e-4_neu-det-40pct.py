# DSYM 40 % at lr 2e-4 with the student on a weak view too (resize and
# flips, each branch flipping on its own): no RandAugment and no erasing.
# At 2e-4, ignoring the teacher's uncertain boxes and dropping the geometric
# augments each left DSYM below its supervised-only row (docs/dsym.md,
# "What the unlabeled images give at 2e-4"); this row asks whether the
# strong view itself costs the points.
_base_ = './dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

train_dataloader = dict(
    dataset=dict(datasets=[
        _base_.train_dataloader.dataset.datasets[0],
        dict(_base_.train_dataloader.dataset.datasets[1],
             pipeline=[
                 *_base_.neu_semi_unsup_load,
                 _base_.neu_semi_unsup_branches['weak']
             ])
    ]))
