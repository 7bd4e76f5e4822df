# DSYM on NEU-DET with 20 % of the labels (YOLOv9-t): Table 1's phase 1 as
# the supervised YOLOv9-t of the same split (supervised_config; run_main.sh
# trains it first), then the teacher-student stage from its checkpoint.
# The from-scratch schedule with a burn-in is
# dsym/dsym_yolov9_t_8k_neu-det-20pct.py (docs/dsym.md says why it is not
# the default).
_base_ = './dsym/dsym_yolov9_t_3k-from-sup_neu-det-20pct.py'
