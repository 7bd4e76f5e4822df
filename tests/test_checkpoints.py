# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer

from dsym_mm.apis import check_checkpoint_matches
from dsym_mm.apis.checkpoint_check import CheckpointMismatchError


def mmengine_like_checkpoint():
    buf = HistoryBuffer()
    buf.update(1.5)
    buf.update(np.float64(2.5))
    return dict(
        meta=dict(message_hub=dict(log_scalars={'train/loss': buf}),
                  seed=np.int64(3), epoch=2),
        state_dict={'w': torch.ones(2)})


def test_weights_only_load_of_mmengine_objects(tmp_path):
    path = tmp_path / 'ckpt.pth'
    torch.save(mmengine_like_checkpoint(), path)
    loaded = torch.load(path, weights_only=True)
    buf = loaded['meta']['message_hub']['log_scalars']['train/loss']
    assert buf.mean() == pytest.approx(2.0) and buf.max() == 2.5
    assert loaded['meta']['seed'] == 3


def test_unknown_globals_stay_refused(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save({'x': pickle.loads}, path)  # a callable, not data
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)


def test_checkpoint_mismatch_is_a_clear_error(tmp_path):
    model = torch.nn.Sequential(torch.nn.Linear(2, 3))
    good = tmp_path / 'good.pth'
    torch.save({'state_dict': model.state_dict()}, good)
    check_checkpoint_matches(model, str(good))
    other = torch.nn.Sequential(torch.nn.Linear(2, 4))
    bad = tmp_path / 'bad.pth'
    torch.save({'state_dict': other.state_dict()}, bad)
    with pytest.raises(CheckpointMismatchError,
                       match=r'bad.pth .*shape mismatch: 0.bias'):
        check_checkpoint_matches(model, str(bad))
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        check_checkpoint_matches(model, str(tmp_path / 'missing.pth'))
