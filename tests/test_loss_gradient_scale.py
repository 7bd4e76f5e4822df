# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""tools/analysis_tools/loss_gradient_scale.py on tiny real NEU-DET data."""
import pytest

from .conftest import load_tool
from .test_dsym import tiny_cfg

scale = load_tool('analysis_tools', 'loss_gradient_scale.py')


def run(config, capsys, *options):
    scale.main([config, '--batches', '2', '--cfg-options', *options])
    out = capsys.readouterr().out.splitlines()
    table = out[next(i for i, line in enumerate(out)
                     if line.startswith('---')) + 1:]
    rows = {}
    for line in table:
        name, value, norm, ratio = line.split()
        rows[name] = (float(value), float(norm), float(ratio))
    return rows


def test_gradient_norms_scale_with_the_loss_weights(tiny_neu, tmp_path,
                                                    capsys):
    keep_all = dict(type='mmdet.ScoreThresholdFilter', score_thr=0.)
    config = str(tmp_path / 'tiny_dsym.py')
    tiny_cfg(tiny_neu, pseudo_label_filter=keep_all).dump(config)
    base = run(config, capsys, 'model.semi_train_cfg.consistency_weight=1')
    assert {'sup_loss_cls', 'unsup_loss_cls', 'unsup_loss_bbox',
            'unsup_loss_consistency'} <= set(base)
    assert base['unsup_loss_cls'][2] == pytest.approx(1.)  # the reference
    assert all(norm > 0 for _, norm, _ in base.values())
    # same seed, same batches: only the consistency term's weight changes
    tripled = run(config, capsys, 'model.semi_train_cfg.consistency_weight=3')
    for name, (value, norm, _) in base.items():
        factor = 3. if name == 'unsup_loss_consistency' else 1.
        assert tripled[name][0] == pytest.approx(factor * value, rel=1e-3)
        assert tripled[name][1] == pytest.approx(factor * norm, rel=1e-3)
