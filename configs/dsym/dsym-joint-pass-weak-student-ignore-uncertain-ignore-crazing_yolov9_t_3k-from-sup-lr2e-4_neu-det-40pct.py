# dsym-joint-pass-weak-student-ignore-uncertain_*-40pct with crazing's (0)
# kept pseudo-labels turned into ignored regions: the 20 % crazing-only row
# at 40 %. Here the class is chosen without the test images, by a rule
# fixed before this row was trained: a class whose kept pseudo-labels on
# the labeled images are mostly wrong (precision under 35 %) and whose
# localisation errors there are mostly shifted off the annotation (over
# half; pseudo_label_quality.py --images labeled). At the published 40 %
# start only crazing qualifies (27.8 % precise, 59.6 % shifted; rolled-in
# scale 46.0 % and 30.2 %): docs/dsym.md, "Choosing the ignored classes on
# the labeled images". Seed 0: 67.5 against 68.2 without the option and
# 68.5 supervised-only (crazing 43.2 against 49.9): the rule fails here.
_base_ = './dsym-joint-pass-weak-student-ignore-uncertain_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(semi_train_cfg=dict(ignored_classes=(0, )))
