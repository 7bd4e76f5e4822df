# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""tools/analysis_tools/recompute_bn_stats.py."""
import json

import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.runner.checkpoint import save_checkpoint

from .conftest import load_tool
from .test_dsym import build, tiny_cfg

recompute = load_tool('analysis_tools', 'recompute_bn_stats.py')


class TwoBranches(nn.Module):
    """A BN layer that the forward pass reaches and one that it does not
    (like a training-only branch)."""

    def __init__(self):
        super().__init__()
        self.used, self.unused = nn.BatchNorm2d(3), nn.BatchNorm2d(3)

    def _forward(self, inputs, data_samples):
        return self.used(inputs)


def test_statistics_are_the_average_over_the_batches():
    model = TwoBranches()
    for bn in (model.used, model.unused):
        bn.running_mean.fill_(5.)
        bn.running_var.fill_(9.)
    gen = torch.Generator().manual_seed(0)
    batches = [
        dict(inputs=torch.randn(4, 3, 5, 5, generator=gen) * (i + 1) + i)
        for i in range(3)
    ]
    count = recompute.recompute_bn_statistics(
        [model], batches, lambda b, training: dict(b, data_samples=None))
    assert count == 3
    means = torch.stack([b['inputs'].mean((0, 2, 3)) for b in batches])
    variances = torch.stack([
        b['inputs'].transpose(0, 1).flatten(1).var(1, unbiased=True)
        for b in batches
    ])
    torch.testing.assert_close(model.used.running_mean, means.mean(0))
    torch.testing.assert_close(model.used.running_var, variances.mean(0))
    assert model.used.momentum == 0.1  # restored
    assert torch.all(model.unused.running_mean == 5.)
    assert torch.all(model.unused.running_var == 9.)


def test_tool_changes_only_the_bn_statistics_of_teacher_and_student(
        tiny_neu, tmp_path, capsys):
    config = str(tmp_path / 'tiny_dsym.py')
    tiny_cfg(tiny_neu).dump(config)
    model = build(Config.fromfile(config))
    for name, buf in model.named_buffers():
        if name.endswith('running_mean'):
            buf.fill_(5.)  # as if tracked on other images
    before = {k: v.clone() for k, v in model.state_dict().items()}
    src, out = str(tmp_path / 'in.pth'), str(tmp_path / 'out.pth')
    save_checkpoint(dict(meta=dict(seed=0), state_dict=before), src)
    recompute.main([config, src, '--out', out, '--batch-size', '2'])
    saved = torch.load(out, map_location='cpu', weights_only=False)
    after = saved['state_dict']
    assert set(after) == set(before)
    stats = ('running_mean', 'running_var', 'num_batches_tracked')
    for key, value in before.items():
        if not key.endswith(stats):
            assert torch.equal(after[key], value), key
    for prefix in ('teacher.', 'student.'):
        means = [k for k in after
                 if k.startswith(prefix) and k.endswith('running_mean')]
        assert means and all(not torch.all(after[k] == 5.) for k in means)
    labeled = json.load(
        open(f'{tiny_neu}/annotations/labeled_tiny.json'))['images']
    info = saved['meta']['bn_stats_recomputed']
    assert info['images'] == len(labeled)
    assert info['batches'] == -(-len(labeled) // 2)
    assert saved['meta']['seed'] == 0
    assert 'optimizer' not in saved
    assert f'from {info["batches"]} batches of 2' in capsys.readouterr().out
