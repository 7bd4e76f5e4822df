# MMYOLO's YOLOv8-n, unchanged, on the NEU-DET CPU protocol.
_base_ = '../_base_/neu_det_yolo.py'
