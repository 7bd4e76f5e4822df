# DSYM with TOOD-R18 as student and teacher, 40 % of NEU-DET labeled: the
# supervised TOOD-R18, then DSYM's teacher-student stage.
_base_ = './dsym/dsym_tood_r18_3k-from-sup_neu-det-40pct.py'
