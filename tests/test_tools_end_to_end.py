# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""tools/train.py and tools/test.py on a handful of real NEU-DET images."""
import json
import os
import os.path as osp
import subprocess
import sys

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow
CONFIG = osp.join(REPO, 'configs', 'yolov9',
                  'yolov9_t_1xb16-100e_neu-det-40pct.py')
# validation and test on the tiny data root (never on data/neu_det)
TINY_EVAL = """
val_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='mmdet.ClasswiseVOCMetric', metric='mAP', iou_thrs=[0.5],
         eval_mode='area', prefix='voc'),
    dict(type='mmdet.CocoMetric', metric='bbox', prefix='coco',
         ann_file=data_root + 'annotations/test.json')]
test_evaluator = val_evaluator
"""


@pytest.fixture(scope='module')
def tiny_config(tiny_neu, tmp_path_factory):
    """8 training and 6 test images, batch 4, 2 epochs."""
    tmp = tmp_path_factory.mktemp('e2e')
    data = tiny_neu.rstrip('/')
    cfg = tmp / 'tiny.py'
    cfg.write_text(f"""
_base_ = '{CONFIG}'
data_root = '{data}/'
train_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False,
    dataset=dict(data_root=data_root,
                 ann_file='annotations/labeled_tiny.json'))
{TINY_EVAL}train_cfg = dict(max_epochs=2, val_interval=2)
default_hooks = dict(checkpoint=dict(interval=1), logger=dict(interval=1))
""")
    return str(cfg), tmp


def run(*args):
    env = dict(os.environ, PYTHONPATH=REPO)
    proc = subprocess.run([sys.executable, *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def test_train_test_and_resume(tiny_config):
    cfg, tmp = tiny_config
    work = tmp / 'work'
    out = run('tools/train.py', cfg, '--work-dir', str(work))
    assert 'loss_dfl' in out and 'voc/AP50' in out
    assert (work / 'epoch_2.pth').is_file()

    out = run('tools/test.py', cfg, str(work / 'epoch_2.pth'), '--work-dir',
              str(tmp / 'test'), '--out', str(tmp / 'preds.pkl'))
    assert 'detections after NMS at IoU 0.5' in out
    assert 'mAP@0.5 (VOC area, per-class mean):' in out
    assert 'mAP@0.5 (COCO AP50, 101-point):' in out
    assert 'rolled-in_scale' in out
    assert (tmp / 'preds.pkl').is_file()
    saved = json.load(open(tmp / 'test' / 'metrics.json'))
    metrics = saved['metrics']
    assert 0 <= metrics['voc/AP50'] <= 1 and 'coco/bbox_mAP_50' in metrics
    assert saved['nms_iou_thr'] == 0.5  # the protocol's, recorded

    # a killed run resumes from its last checkpoint (weights_only load)
    out = run('tools/train.py', cfg, '--work-dir', str(work), '--resume',
              '--cfg-options', 'train_cfg.max_epochs=3')
    assert 'resumed epoch: 2' in out
    assert (work / 'epoch_3.pth').is_file()


def test_training_is_reproducible_from_the_config_seed(tiny_config):
    """Same config (randomness.seed), same machine: the same weights (an
    unseeded run initialises and samples differently every time)."""
    import torch
    cfg, tmp = tiny_config

    def weights(name):
        work = tmp / name
        # two loader workers, as in the real configs: their augmentations
        # are seeded too
        run('tools/train.py', cfg, '--work-dir', str(work), '--cfg-options',
            'train_cfg.max_epochs=1', 'train_dataloader.num_workers=2')
        return torch.load(work / 'epoch_1.pth',
                          weights_only=True)['state_dict']

    first, again = weights('seed_a'), weights('seed_b')
    assert first.keys() == again.keys()
    for key in first:
        assert torch.equal(first[key], again[key]), key
    # the digest quoted in the docs for a rebuilt start says the same
    out = run('tools/analysis_tools/weights_digest.py',
              *(str(tmp / name / 'epoch_1.pth')
                for name in ('seed_a', 'seed_b')))
    digests = [line.split()[0] for line in out.splitlines()
               if line.endswith('epoch_1.pth')]
    assert len(digests) == 2 and len(set(digests)) == 1, out


def test_test_tool_rejects_a_foreign_checkpoint(tiny_config):
    import torch
    cfg, tmp = tiny_config
    bogus = tmp / 'bogus.pth'
    torch.save({'state_dict': {'conv.weight': torch.zeros(1)}}, bogus)
    env = dict(os.environ, PYTHONPATH=REPO)
    proc = subprocess.run(
        [sys.executable, 'tools/test.py', cfg, str(bogus), '--work-dir',
         str(tmp / 't2')], cwd=REPO, env=env, capture_output=True,
        text=True, timeout=600)
    assert proc.returncode != 0
    assert 'bogus.pth does not match the model' in proc.stderr


def test_mmdetection_train_tool_runs_our_configs(tiny_config):
    """MMDetection's own tools/train.py finds dsym_mm via custom_imports."""
    import mmdet
    cfg, tmp = tiny_config
    mmdet_train = osp.join(osp.dirname(mmdet.__file__), '.mim', 'tools',
                           'train.py')
    out = run(mmdet_train, cfg, '--work-dir', str(tmp / 'mmdet_work'),
              '--cfg-options', 'train_cfg.max_epochs=1',
              'train_cfg.val_interval=1')
    assert 'voc/AP50' in out
    assert (tmp / 'mmdet_work' / 'epoch_1.pth').is_file()


def test_dsym_resumes_mid_semi_phase_with_the_same_teacher(tiny_neu, tmp_path):
    """4 iterations (2 burn-in), killed after 3, resumed: the teacher of
    iteration 4 is the EMA of iteration 3's teacher, not a fresh copy."""
    import torch
    cfg = tmp_path / 'dsym_tiny.py'
    base = osp.join(REPO, 'configs', 'dsym',
                    'dsym_yolov9_t_8k_neu-det-40pct.py')
    cfg.write_text(f"""
_base_ = '{base}'
data_root = '{tiny_neu}'
train_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False,
    sampler=dict(batch_size=4),
    dataset=dict(datasets=[
        dict(_base_.neu_semi_labeled, data_root=data_root,
             ann_file='annotations/labeled_tiny.json'),
        dict(_base_.neu_semi_unlabeled, data_root=data_root,
             ann_file='annotations/unlabeled_tiny.json')]))
model = dict(semi_train_cfg=dict(burn_in_iters=2, rampup_iters=0))
{TINY_EVAL}train_cfg = dict(max_iters=3, val_interval=100)
default_hooks = dict(checkpoint=dict(interval=1), logger=dict(interval=1))
""")
    work = tmp_path / 'work'
    out = run('tools/train.py', str(cfg), '--work-dir', str(work))
    assert 'unsup_loss_consistency' in out and 'unsup_num_pseudo' in out
    out = run('tools/train.py', str(cfg), '--work-dir', str(work),
              '--resume', '--cfg-options', 'train_cfg.max_iters=4')
    assert 'resumed epoch: 0, iter: 3' in out
    before = torch.load(work / 'iter_3.pth', weights_only=True)['state_dict']
    after = torch.load(work / 'iter_4.pth', weights_only=True)['state_dict']
    momentum = 0.001
    for key, teacher in after.items():
        if key.startswith('teacher.') and teacher.dtype.is_floating_point:
            student = after['student.' + key[len('teacher.'):]]
            torch.testing.assert_close(
                teacher, (1 - momentum) * before[key] + momentum * student)
