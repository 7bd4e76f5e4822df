# Scan-mode ablation: the Mamba head scanning rows, columns and their
# reverses (VMamba's SS2D) instead of one raster sequence.
_base_ = './yolov9_t-mamba_1xb16-100e_neu-det-40pct.py'

model = dict(
    bbox_head=dict(head_module=dict(mamba_cfg=dict(scan_mode='ss2d'))))
