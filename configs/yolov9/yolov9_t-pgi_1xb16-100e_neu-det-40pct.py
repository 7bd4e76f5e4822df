# YOLOv9-t with the training-only PGI auxiliary branch (YOLOv9 section 4.1):
# a second top-down path and head, auxiliary losses x 0.25; inference uses
# the main branch only.
_base_ = './yolov9_t_1xb16-100e_neu-det-40pct.py'

model = dict(
    neck=dict(aux_branch=True),
    bbox_head=dict(
        aux_head_module=_base_.model.bbox_head.head_module,
        aux_loss_weight=0.25))
