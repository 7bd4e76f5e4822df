# YOLOv9-t (GELAN-t backbone and neck, DFL head) with YOLOv8's recipe on the
# NEU-DET CPU protocol. Sizes: YOLOv9-s channels x widen_factor (t = 0.5).
_base_ = '../_base_/neu_det_yolo.py'

deepen_factor = 1.0
widen_factor = 0.5
channels = [128, 192, 256]  # P3, P4, P5 of YOLOv9-s
model = dict(
    backbone=dict(
        _delete_=True,
        type='YOLOv9Backbone',
        deepen_factor=deepen_factor,
        widen_factor=widen_factor),
    neck=dict(
        _delete_=True,
        type='YOLOv9PAFPN',
        in_channels=channels,
        out_channels=channels,
        deepen_factor=deepen_factor,
        widen_factor=widen_factor),
    bbox_head=dict(
        type='YOLOv9Head',
        head_module=dict(
            type='YOLOv9HeadModule',
            in_channels=channels,
            widen_factor=widen_factor,
            prior_img_size=_base_.img_scale[0])))
