# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""tools/analysis_tools/weights_digest.py: a digest of weights, not files."""
import pytest
import torch

from .conftest import load_tool

weights_digest = load_tool('analysis_tools', 'weights_digest.py')


def save(path, state_dict, epoch):
    torch.save(dict(meta=dict(epoch=epoch, time='x' * epoch),
                    state_dict=state_dict,
                    optimizer=dict(lr=0.1 * epoch)), path)
    return str(path)


def test_digest_ignores_everything_but_the_weights(tmp_path):
    sd = {'conv.weight': torch.arange(6.).view(2, 3),
          'bn.num_batches_tracked': torch.tensor(4)}
    a = save(tmp_path / 'a.pth', sd, epoch=1)
    b = save(tmp_path / 'b.pth', dict(reversed(sd.items())), epoch=2)
    assert open(a, 'rb').read() != open(b, 'rb').read()
    assert weights_digest.checkpoint_digest(a) == \
        weights_digest.checkpoint_digest(b)


@pytest.mark.parametrize('change', ['value', 'name', 'dtype', 'shape'])
def test_digest_sees_any_change_of_the_weights(tmp_path, change):
    w = torch.arange(6.).view(2, 3)
    nudged = w.clone()
    nudged[0, 2] = torch.nextafter(nudged[0, 2], torch.tensor(10.))
    changed = {
        'value': {'w': nudged},
        'name': {'v': w},
        'dtype': {'w': w.double()},
        'shape': {'w': w.view(3, 2)},
    }[change]
    assert weights_digest.state_dict_digest({'w': w}) != \
        weights_digest.state_dict_digest(changed)


def test_digest_refuses_a_non_tensor_entry():
    with pytest.raises(TypeError, match=r"state_dict\['step'\]"):
        weights_digest.state_dict_digest({'step': 3})
