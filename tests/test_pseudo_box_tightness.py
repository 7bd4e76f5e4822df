# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""tools/analysis_tools/pseudo_box_tightness.py: features, probes, a run."""
import os.path as osp

import torch
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData

from dsym_mm.registry import MODELS

from .conftest import REPO, load_tool

tightness = load_tool('analysis_tools', 'pseudo_box_tightness.py')
CONFIG = osp.join(REPO, 'configs', 'dsym',
                  'dsym_yolov9_t_3k-from-sup_neu-det-40pct.py')


def test_edge_strips_lie_on_either_side_of_each_side():
    strips = tightness.edge_strips(torch.tensor([[10., 20., 30., 60.]]))
    assert torch.allclose(strips, torch.tensor([
        [10, 20, 13, 60], [7, 20, 10, 60],  # left: inside, outside
        [10, 20, 30, 26], [10, 14, 30, 20],  # top
        [27, 20, 30, 60], [30, 20, 33, 60],  # right
        [10, 54, 30, 60], [10, 60, 30, 66],  # bottom
    ], dtype=torch.float))


def test_box_features_by_hand():
    kept = InstanceData(
        bboxes=torch.tensor([[0., 10., 50., 35.]]),
        labels=torch.tensor([1]),
        scores=torch.tensor([0.8]),
        side_spreads=torch.tensor([[5., 5., 10., 2.5]]))
    candidates = InstanceData(
        bboxes=torch.tensor([[0., 10., 50., 35.], [0., 10., 25., 35.],
                             [0., 10., 50., 35.], [80., 80., 90., 90.]]),
        labels=torch.tensor([1, 1, 0, 1]),
        scores=torch.tensor([0.8, 0.5, 0.4, 0.3]))
    feats = tightness.box_features(kept, candidates, (100, 200), 3)
    assert torch.equal(feats['score'], kept.scores[:, None])
    box = feats['box'][0]
    assert box[:3].tolist() == [0, 1, 0]  # one-hot class
    expected = torch.tensor([0.25, 0.25, 2.]).log()  # w/W, h/H, w/h
    assert torch.allclose(box[3:6], expected)
    assert box[6] == 0  # touches the left border
    # the box itself and the other class's box are not its crowd; the half
    # box (IoU 0.5) is, the far one is not
    assert torch.allclose(box[7:], torch.tensor([0.5, 1.]))
    # spreads relative to the box's width, height, width, height
    assert torch.allclose(feats['spreads'][0],
                          torch.tensor([0.1, 0.2, 0.2, 0.1]).log())


def test_vote_features_by_hand():
    kept = InstanceData(
        bboxes=torch.tensor([[0., 0., 20., 10.], [50., 50., 60., 60.]]),
        labels=torch.tensor([0, 0]),
        scores=torch.tensor([0.6, 0.5]))
    dense = InstanceData(
        bboxes=torch.tensor([
            [0., 0., 20., 10.],  # the first box itself
            [0., 0., 20., 12.],  # IoU 200 / 240, bottom 2 px lower
            [0., 0., 20., 10.],  # the other class: no vote
            [0., 0., 10., 10.],  # IoU 0.5: votes
            [0., 0., 8., 10.],  # IoU 0.4: no vote
        ]),
        labels=torch.tensor([0, 0, 1, 0, 0]),
        scores=torch.tensor([0.6, 0.3, 0.9, 0.3, 0.9]))
    votes = tightness.vote_features(kept, dense)
    assert votes.shape == (2, 7)
    first, second = votes
    assert torch.isclose(first[0], torch.tensor(4.).log())  # 1 + 3 voters
    assert torch.isclose(first[1], torch.tensor(1.2 / 0.6))
    assert torch.isclose(first[2], torch.tensor(
        (0.6 + 0.3 * 200 / 240 + 0.3 * 0.5) / 1.2))
    # left and top agree; right: offsets 0, 0, -10 px of 20 with weights
    # 0.5, 0.25, 0.25; bottom: 0, 2, 0 px of 10
    right = torch.tensor([0., 0., -0.5])
    bottom = torch.tensor([0., 0.2, 0.])
    w = torch.tensor([0.5, 0.25, 0.25])

    def spread(x):
        return (w * (x - (w * x).sum())**2).sum().sqrt()

    assert torch.allclose(first[3:], torch.stack(
        [torch.tensor(0.), torch.tensor(0.), spread(right),
         spread(bottom)]), atol=1e-6)
    assert torch.equal(second, torch.zeros(7))  # no voter, not even itself
    assert torch.equal(
        tightness.vote_features(kept, dense[:0]), torch.zeros(2, 7))


def test_probes_find_a_signal_out_of_sample_and_not_a_noise():
    torch.manual_seed(0)
    n = 400
    groups = torch.arange(n) // 4  # four boxes per image
    signal = torch.randn(n)
    tight = signal + 0.5 * torch.randn(n) > 0
    noise = torch.randn(n, 20)
    # every image's boxes share a fold
    fold = tightness.fold_of(groups, 5)
    assert all(len(fold[groups == g].unique()) == 1 for g in range(100))
    assert sorted(fold.unique().tolist()) == list(range(5))

    def auc(x):
        logits = tightness.out_of_fold_scores(x, tight.float(), groups)
        return 1 - tightness.quality.rank_auc(logits, tight)

    assert auc(torch.cat([signal[:, None], noise], 1)) > 0.85
    assert 0.35 < auc(noise) < 0.65  # 20 noise features: no fit to them


def test_keep_top_by_hand():
    scores = torch.tensor([0.9, 0.8, 0.7, 0.6])
    tight = torch.tensor([True, False, True, False])
    rows = tightness.keep_top(scores, tight, 4, shares=(1., 0.5, 0.25))
    assert rows == [(1., 0.5, 0.5), (0.5, 0.5, 0.25), (0.25, 1., 0.25)]


def build_model():
    cfg = Config.fromfile(CONFIG)
    init_default_scope(cfg.default_scope)
    return MODELS.build(cfg.model).eval()


def view_samples(n):
    """``n`` samples of 200 px images seen at 256 px."""
    return [
        DetDataSample(
            metainfo=dict(
                img_shape=(256, 256),
                ori_shape=(200, 200),
                scale_factor=(1.28, 1.28),
                batch_input_shape=(256, 256))) for _ in range(n)
    ]


def test_rescaled_views_come_back_to_the_view_pixels():
    torch.manual_seed(0)
    model = build_model()
    samples = view_samples(2)
    inputs = torch.rand(2, 3, 256, 256)
    with torch.no_grad():
        plain = model.teacher_view_predict(inputs, samples)
        same = tightness.teacher_rescaled_predict(model, inputs, samples, 1.)
        half = tightness.teacher_rescaled_predict(model, inputs, samples,
                                                  0.5)
    for a, b in zip(plain, same):
        assert torch.equal(a.bboxes, b.bboxes)
    assert sum(len(h) for h in half) > 0
    for h in half:  # clipped to the 128 px view, mapped back to 256
        assert h.bboxes.max() <= 256 + 1e-4
    assert max(h.bboxes.max() for h in half) > 128


def test_dense_predictions_hold_the_detections_before_their_nms():
    torch.manual_seed(0)
    model = build_model()
    own = model.teacher_test_cfg
    samples = view_samples(1)
    inputs = torch.rand(1, 3, 256, 256)
    with torch.no_grad():
        plain = model.teacher_view_predict(inputs, samples)[0]
        dense = tightness.teacher_dense_predict(model, inputs, samples)[0]
    assert model.teacher_test_cfg is own
    plain = plain[plain.scores >= tightness.VOTE_SCORE_THR]
    assert 0 < len(plain) < len(dense)
    assert dense.scores.min() >= tightness.VOTE_SCORE_THR
    # every detection is one of the dense boxes of its class
    assert (tightness.same_class_ious(plain, dense).max(1).values >
            0.9999).all()


def run_tool(tiny_neu, tmp_path, capsys, iou):
    """The tool's printed lines from its first, for a random teacher on the
    six test images playing the unlabeled set, every candidate kept."""
    torch.manual_seed(0)
    checkpoint = str(tmp_path / 'teacher.pth')
    torch.save({'state_dict': build_model().teacher.state_dict()},
               checkpoint)
    tightness.main([
        CONFIG, checkpoint, '--gt-ann', 'annotations/test.json', '--iou',
        str(iou), '--folds', '2', '--scales', '0.75', '--batch-size', '3',
        '--cfg-options',
        f'train_dataloader.dataset.datasets.1.data_root={tiny_neu}',
        'train_dataloader.dataset.datasets.1.ann_file=annotations/test.json',
        f'test_dataloader.dataset.data_root={tiny_neu}',
        'model.semi_train_cfg.pseudo_label_filter.min_thr=0.0',
        'model.semi_train_cfg.pseudo_label_filter.max_thr=0.0'
    ])
    out = capsys.readouterr().out.splitlines()
    start = next(i for i, line in enumerate(out)
                 if line.startswith('kept pseudo-labels'))
    assert 'on 6 unlabeled images' in out[start]
    return out[start:]


def test_tool_runs_the_probes(tiny_neu, tmp_path, capsys):
    """At IoU 0 a kept box is tight when it is the first on a truth of its
    class, so both kinds exist."""
    out = run_tool(tiny_neu, tmp_path, capsys, iou=0)
    table_end = out.index('')
    rows = {line.split('  ')[0]: line for line in out[3:table_end]}
    assert list(rows) == list(tightness.FEATURE_SETS)
    for name, parts in tightness.FEATURE_SETS.items():
        fields = rows[name][len(name):].split()
        dims, auc = int(fields[0]), float(fields[1])
        assert 0 <= auc <= 1
        # score 1, box 6 classes + 6, spreads 4, views 2 (mirror, 0.75),
        # features 64 + 96 + 128 pooled and 8 x 64 strips
        assert dims == sum(
            dict(score=1, box=12, spreads=4, views=2,
                 features=288 + 512, votes=7)[p] for p in parts)
        # keeping every box gives the same precision whatever the probe
        assert fields[3:6] == rows['score'][len('score'):].split()[3:6]
    # by class: the kept boxes of the classes add up to all
    by_class = {line.split()[0]: line.split() for line in out[table_end + 4:]}
    assert len(by_class) == 7
    assert sum(int(by_class[c][1]) for c in by_class if c != 'all') == \
        int(by_class['all'][1]) == round(float(out[0].split(': ')[1].split(
        )[0]))


def test_tool_fits_no_probe_without_both_kinds(tiny_neu, tmp_path, capsys):
    out = run_tool(tiny_neu, tmp_path, capsys, iou=1.01)
    assert '0.0 % tight' in out[0]
    assert out[1].startswith('no probe') and len(out) == 2
