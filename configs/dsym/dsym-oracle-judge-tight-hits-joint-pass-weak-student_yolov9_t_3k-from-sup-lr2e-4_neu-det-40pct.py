# A perfect judge of extents: dsym-oracle-judge-*-40pct keeping only the
# hits that overlap their true box with IoU 0.7 or more; the looser hits
# are ignored like the other dropped picks. The most a filter that tells
# well-placed boxes from loose ones could give here.
_base_ = './dsym-oracle-judge-joint-pass-weak-student_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(semi_train_cfg=dict(oracle=dict(match_iou=0.7)))
