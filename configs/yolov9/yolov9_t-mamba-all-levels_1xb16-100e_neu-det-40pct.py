# Placement ablation: Mamba blocks on all three head levels (P3 too, the
# 32 x 32 map: the costliest scan), instead of P4 and P5 only.
_base_ = './yolov9_t-mamba_1xb16-100e_neu-det-40pct.py'

model = dict(bbox_head=dict(head_module=dict(mamba_levels=None)))
