# DSYM Table 3, row "YOLOv9+mamba": YOLOv9-t with a Mamba block in the head
# (paper section 3.2) on the P4 and P5 levels, everything else as the
# "YOLOv9" row.
_base_ = './yolov9_t_1xb16-100e_neu-det-100pct.py'

model = dict(
    bbox_head=dict(
        type='MambaYOLOv9Head',
        head_module=dict(
            type='MambaYOLOv9HeadModule',
            placement='stem',
            mamba_levels=(1, 2),  # P4, P5: see docs/benchmarks.md
            mamba_cfg=dict(d_state=16, expand=1, scan_mode='raster'))))
