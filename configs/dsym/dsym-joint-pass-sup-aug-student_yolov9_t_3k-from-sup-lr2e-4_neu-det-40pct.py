# DSYM at 2e-4, one joint student pass, the student's unlabeled view
# augmented as the labeled images are (scale jitter 0.5-1.5 with
# translation, HSV, flips; the affine records its homography for the
# pseudo-boxes) instead of the weak view (62.9 with the joint pass) or the
# strong one (62.2). It asked whether the labeled images' augmentation is
# what the unlabeled path lacks: 63.1, within single-run spread of the
# weak view (docs/dsym.md, "True labels in one pass, and the labeled
# images' augmentation").
_base_ = './dsym-joint-pass_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

train_dataloader = dict(
    dataset=dict(datasets=[
        _base_.train_dataloader.dataset.datasets[0],
        dict(_base_.train_dataloader.dataset.datasets[1],
             pipeline=[
                 *_base_.neu_semi_unsup_load,
                 _base_.neu_semi_unsup_branches['sup_aug']
             ])
    ]))
