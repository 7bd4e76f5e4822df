# YOLOv9-s: YOLOv9-t's config at full width (GELAN-s channels, 7.1 M
# parameters at 80 classes, as the official gelan-s).
_base_ = './yolov9_t_1xb16-100e_neu-det-100pct.py'

widen_factor = 1.0
model = dict(
    backbone=dict(widen_factor=widen_factor),
    neck=dict(widen_factor=widen_factor),
    bbox_head=dict(head_module=dict(widen_factor=widen_factor)))
