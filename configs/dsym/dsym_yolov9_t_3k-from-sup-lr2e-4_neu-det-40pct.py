# DSYM 40 % at a tenth of the stage's learning rate (2e-4 instead of 2e-3):
# about the supervised start's last learning rate (3.0e-4 in its final
# epoch), so that the student does not leave the start before the
# pseudo-labels can help (docs/dsym.md, "Seeded 40 % start, NHWC").
# It starts from the published YOLOv9-t 40 % start in checkpoints/ (so
# that this row and its supervised row start from the same weights on any
# machine, in any session), not from a work dir.
_base_ = './dsym_yolov9_t_3k-from-sup_neu-det-40pct.py'

model = dict(detector=_base_.neu_semi_finetune_published_detector[40])
optim_wrapper = dict(optimizer=dict(lr=_base_.neu_semi_finetune_low_lr))
