# The perfect judge with true extents: the teacher's hits as in
# dsym-oracle-judge-*-40pct, each moved to the annotation it hits. Beside
# the judge row it tells what the hits' extents cost; beside the
# misses-only row (true extents, a random share missed), what the choice
# of the defects the teacher misses costs.
_base_ = './dsym-oracle-judge-joint-pass-weak-student_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(semi_train_cfg=dict(oracle=dict(hit_extents='annotation')))
