# dsym-joint-pass-weak-student-ignore-uncertain_*-20pct with the kept
# pseudo-labels of crazing (0) and rolled-in scale (4) turned into ignored
# regions: on the held-back labels of the unlabeled images, most of those
# two classes' kept boxes are localisation errors (54.8 % and 51.6 % at the
# published 20 % start; precision 26.0 and 28.6), so the student learns
# them from the labeled images only and their regions are not background
# (docs/dsym.md, "Classes whose pseudo-labels are mostly wrong in extent").
_base_ = './dsym-joint-pass-weak-student-ignore-uncertain_yolov9_t_3k-from-sup-lr2e-4_neu-det-20pct.py'

model = dict(semi_train_cfg=dict(ignored_classes=(0, 4)))
