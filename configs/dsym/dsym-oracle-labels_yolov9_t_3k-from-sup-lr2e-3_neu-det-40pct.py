# The oracle of the lr-2e-4 stage (true labels for the unlabeled half of
# each batch) at the stage's full learning rate, 2e-3: does a stage that
# moves further from the published start reach the goal's 68.5 (YOLOv9-t
# supervised at 100 %) when every pseudo-label is right? A diagnostic, as
# its base is.
_base_ = './dsym-oracle-labels_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

optim_wrapper = dict(optimizer=dict(lr=_base_.neu_semi_finetune_lr))
