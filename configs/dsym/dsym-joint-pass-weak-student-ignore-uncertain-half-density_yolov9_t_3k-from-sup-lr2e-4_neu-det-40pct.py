# The pseudo-label row (dsym-joint-pass-weak-student-ignore-uncertain_*)
# with half its boxes: per class, the teacher's best boxes at half the
# labeled split's density stay pseudo-labels, and its other candidates that
# score 0.1 or more are ignored. The teacher's score is the best label-free
# sign of a tight pseudo-box found (docs/dsym.md, "What tells a tight
# pseudo-box"), and a perfect judge that kept only the tight boxes and
# ignored the loose ones gained 2.0 and 1.2.
_base_ = './dsym-joint-pass-weak-student-ignore-uncertain_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(
    semi_train_cfg=dict(
        pseudo_label_filter=dict(boxes_per_image=[
            f * 0.5 for f in _base_.neu_semi_boxes_per_image[40]
        ])))
