# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""A digest of weights, not files (dsym_mm.utils.weights_digest), and the
published weights-only checkpoint named by it
(tools/model_converters/publish_model.py)."""
import os.path as osp

import pytest
import torch

from dsym_mm.utils import weights_digest
from .conftest import load_tool

publish_model = load_tool('model_converters', 'publish_model.py')


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


def test_published_model_keeps_the_weights_and_names_their_digest(tmp_path):
    sd = {'conv.weight': torch.arange(6.).view(2, 3),
          'bn.num_batches_tracked': torch.tensor(4)}
    src = save(tmp_path / 'epoch_3.pth', sd, epoch=3)
    path = publish_model.publish(src, str(tmp_path / 'out' / 'start.pth'))
    digest = weights_digest.checkpoint_digest(src)
    assert osp.basename(path) == f'start-{digest[:8]}.pth'
    published = torch.load(path, weights_only=True)
    assert set(published) == {'meta', 'state_dict'}  # no optimizer
    assert published['meta']['epoch'] == 3
    assert published['meta']['weights_digest'] == digest
    assert published['meta']['published_from'] == 'epoch_3.pth'
    assert weights_digest.checkpoint_digest(path) == digest


def test_publish_names_a_file_without_weights(tmp_path):
    bad = tmp_path / 'optim_only.pth'
    torch.save(dict(optimizer=dict(lr=0.1)), bad)
    with pytest.raises(ValueError, match='optim_only.pth: no state_dict'):
        publish_model.publish(str(bad), str(tmp_path / 'out.pth'))
