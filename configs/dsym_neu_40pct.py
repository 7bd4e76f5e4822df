# The headline: DSYM on NEU-DET with 40 % of the labels (YOLOv9-t).
_base_ = './dsym/dsym_yolov9_t_8k_neu-det-40pct.py'
