# DSYM with TOOD-R18 as student and teacher, 40 % of NEU-DET labeled, within
# the CPU budget: the supervised TOOD-R18 for 50 epochs, then 500 of DSYM's
# teacher-student iterations. The 100-epoch start and 3000-iteration stage
# (about 4.5-5 hours) are dsym/dsym_tood_r18_3k-from-sup_neu-det-40pct.py.
_base_ = './dsym/dsym_tood_r18_500-from-sup-50e-lr2e-4_neu-det-40pct.py'
