# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""tools/analysis_tools/pseudo_label_quality.py: matching and a run."""
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData

from dsym_mm.registry import MODELS

from .conftest import REPO, load_tool

quality = load_tool('analysis_tools', 'pseudo_label_quality.py')
NEU_CLASSES = ('crazing', 'inclusion', 'patches', 'pitted_surface',
               'rolled-in_scale', 'scratches')


def test_outcomes_count_each_ground_truth_once_and_name_the_errors():
    gt = torch.tensor([[0., 0., 10., 10.], [20., 20., 30., 30.]])
    gt_labels = torch.tensor([0, 1])
    pred = torch.tensor([
        [0., 0., 10., 10.],  # hit, class 0
        [0., 0., 10., 11.],  # same object again: duplicate
        [20., 20., 30., 30.],  # right place, wrong class
        [21., 21., 30., 30.],  # hit, class 1 (IoU 0.81)
        [0., 0., 20., 20.],  # class 0 at IoU 0.25: localisation
        [50., 50., 60., 60.],  # nothing there
    ])
    labels = torch.tensor([0, 0, 2, 1, 0, 1])
    kinds = quality.outcomes(pred, labels, gt, gt_labels, 0.5)
    assert [quality.OUTCOMES[i] for i in kinds] == [
        'hit', 'duplicate', 'other class', 'hit', 'localisation',
        'background'
    ]
    kinds = quality.outcomes(pred, labels, gt, gt_labels, 0.9)
    assert [quality.OUTCOMES[i] for i in kinds[:4]] == [
        'hit', 'duplicate', 'other class', 'localisation'
    ]


def test_ignored_areas_split_the_unkept_defects_from_the_background():
    # a 10 x 10 image: the defect is the left half, the kept box its top
    # half, the ignored box the left 7 columns
    truths = torch.tensor([[0., 0., 5., 10.]])
    kept = torch.tensor([[0., 0., 5., 5.]])
    ignored = torch.tensor([[0., 0., 7., 10.]])
    areas = quality.ignored_areas(kept, ignored, truths, 10, 10, grid=10)
    # defect points outside the kept box: 25, all ignored; background: 50,
    # of which the 2 columns x 10 rows right of the defect are ignored
    assert areas.tolist() == [25, 25, 20, 50]
    nothing = torch.zeros(0, 4)
    assert quality.ignored_areas(nothing, nothing, truths, 10, 10,
                                 grid=10).tolist() == [0, 50, 0, 50]


def run_tool(tiny_neu, tmp_path, capsys, *cfg_options, args=()):
    """The tool's tables (pseudo-label quality, kept boxes by outcome,
    localisation errors by extent and, without fusion, side-spread AUCs),
    each as rows by class name, for a random teacher of the 40 % DSYM
    config, on the six test images playing the unlabeled set (their labels
    the truth)."""
    config = osp.join(REPO, 'configs', 'dsym',
                      'dsym_yolov9_t_3k-from-sup_neu-det-40pct.py')
    cfg = Config.fromfile(config)
    init_default_scope(cfg.default_scope)
    checkpoint = str(tmp_path / 'teacher.pth')
    torch.save({'state_dict': MODELS.build(cfg.model.detector).state_dict()},
               checkpoint)
    quality.main([
        config, checkpoint, '--gt-ann', 'annotations/test.json',
        '--batch-size', '4', *args, '--cfg-options',
        f'train_dataloader.dataset.datasets.1.data_root={tiny_neu}',
        'train_dataloader.dataset.datasets.1.ann_file=annotations/test.json',
        f'test_dataloader.dataset.data_root={tiny_neu}', *cfg_options
    ])
    tables = capsys.readouterr().out.split('\n\n')
    return [{line.split()[0]: line.split()
             for line in table.splitlines() if line.strip()}
            for table in tables]


def test_tool_scores_a_teacher_against_held_back_labels(
        tiny_neu, tmp_path, capsys):
    rows, by_outcome, extents, spreads = run_tool(tiny_neu, tmp_path,
                                                  capsys)
    with open(osp.join(tiny_neu, 'annotations', 'test.json')) as f:
        test = json.load(f)
    boxes_per_image = len(test['annotations']) / len(test['images'])
    assert float(rows['all'][1]) == round(boxes_per_image, 2)
    for name in ('crazing', 'scratches'):
        # class thr gt kept prec recall cand.recall cand.AP
        assert len(rows[name]) == 8
        assert 0 <= float(rows[name][-1]) <= 100
    # the teacher's AP over all classes is the mean of the classes'
    class_ap = [float(rows[name][-1]) for name in NEU_CLASSES]
    assert abs(sum(class_ap) / 6 - float(rows['all'][-1])) <= 0.06
    for name in ('crazing', 'all'):
        shares = [float(v) for v in by_outcome[name][1:]]
        assert len(shares) == len(quality.OUTCOMES)
        kept, precision = map(float, rows[name][-5:-3])
        if kept > 0:
            assert abs(sum(shares) - 100) < 0.5
            assert abs(shares[0] - precision) < 0.15  # hits are precision
        else:
            assert sum(shares) == 0
    # the extent table splits each class's localisation errors
    for name in ('all', *NEU_CLASSES):
        errors = int(extents[name][1])
        localisation = float(by_outcome[name][3]) / 100
        kept = float(rows[name][-5])  # per image, of the six
        assert abs(errors - localisation * kept * 6) < 0.5
        shares = [float(v) for v in extents[name][2:]]
        assert len(shares) == len(quality.EXTENTS)
        assert abs(sum(shares) - 100) < 0.5 if errors else sum(shares) == 0
    # the spread table counts the kept boxes of each class and of all
    kept_boxes = [int(spreads[name][1]) for name in NEU_CLASSES]
    assert sum(kept_boxes) == int(spreads['all'][1])
    assert abs(int(spreads['all'][1]) / 6 - float(rows['all'][2])) < 0.01


def test_tool_scores_the_labeled_images_on_their_own_labels(
        tiny_neu, tmp_path, capsys):
    """``--images labeled`` reads the config's labeled part (here the six
    test images) and never its unlabeled part (here a missing file)."""
    rows = run_tool(
        tiny_neu, tmp_path, capsys,
        f'train_dataloader.dataset.datasets.0.data_root={tiny_neu}',
        'train_dataloader.dataset.datasets.0.ann_file=annotations/test.json',
        'train_dataloader.dataset.datasets.1.ann_file=missing.json',
        args=('--images', 'labeled'))[0]
    assert rows['pseudo-labels'][-7:-4] == ['6', 'labeled', 'images']
    with open(osp.join(tiny_neu, 'annotations', 'test.json')) as f:
        test = json.load(f)
    assert float(rows['all'][1]) == round(
        len(test['annotations']) / len(test['images']), 2)


def test_tool_names_a_labeled_part_without_an_image_list():
    cfg = Config(
        dict(train_dataloader=dict(dataset=dict(datasets=[
            dict(type='RepeatDataset', dataset=dict(), times=2),
            dict(type='CocoDataset', ann_file='u.json', data_root='d')
        ]))))
    with pytest.raises(ValueError, match=r'datasets\.0 .*RepeatDataset'):
        quality.images_with_annotations(cfg, 'gt.json', 'labeled')


def test_fusion_in_the_tool_merges_kept_boxes(tiny_neu, tmp_path, capsys):
    """Fusing every class's kept boxes leaves fewer of them, none when no
    two boxes can overlap enough (IoU above 1), and no spread table."""
    keep_all = ('model.semi_train_cfg.pseudo_label_filter.min_thr=0.0',
                'model.semi_train_cfg.pseudo_label_filter.max_thr=0.0')
    tables = {}
    for name, iou in (('plain', None), ('never', '1.0'), ('any', '0.0')):
        torch.manual_seed(0)  # one random teacher for all runs
        args = () if iou is None else ('--fuse-classes', *map(
            str, range(len(NEU_CLASSES))), '--fuse-iou', iou)
        tables[name] = run_tool(tiny_neu, tmp_path, capsys, *keep_all,
                                args=args)
    kept = {name: float(t[0]['all'][2]) for name, t in tables.items()}
    assert kept['never'] == kept['plain'] > kept['any'] > 0
    assert tables['never'][:3] == tables['plain'][:3]
    assert len(tables['plain']) == 4 and len(tables['any']) == 3


def test_teacher_flip_fusion_in_the_tool(tiny_neu, tmp_path, capsys):
    """The tool scores the model's fused candidates: with every candidate
    kept, the mirrored view's lone boxes add to the view's (each pair
    counts once), and fused boxes have no spread table."""
    keep_all = ('model.semi_train_cfg.pseudo_label_filter.min_thr=0.0',
                'model.semi_train_cfg.pseudo_label_filter.max_thr=0.0')
    tables = {}
    for name, fusion in (('plain', ()), ('fused', (
            'model.semi_train_cfg.teacher_flip_fusion.iou_thr=0.55', ))):
        torch.manual_seed(0)  # one random teacher for both runs
        tables[name] = run_tool(tiny_neu, tmp_path, capsys, *keep_all,
                                *fusion)
    assert len(tables['plain']) == 4 and len(tables['fused']) == 3
    kept = {name: float(t[0]['all'][2]) for name, t in tables.items()}
    assert kept['fused'] > kept['plain'] > 0


def test_load_teacher_loads_the_partner_from_its_own_checkpoint(tmp_path):
    """A supervised checkpoint fills the teacher; the partner then takes
    ``semi_train_cfg.teacher_partner.checkpoint``, unless the checkpoint
    is a whole DSYM model's, which holds the partner too."""
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'dsym',
                 'dsym_yolov9_t_3k-from-sup_neu-det-40pct.py'))
    init_default_scope(cfg.default_scope)
    states = {}
    for name in ('teacher', 'partner'):
        states[name] = MODELS.build(cfg.model.detector).state_dict()
        torch.save({'state_dict': states[name]}, str(tmp_path / name))
    cfg.model.detector.init_cfg = None
    cfg.model.semi_train_cfg.teacher_partner = dict(
        checkpoint=str(tmp_path / 'partner'), iou_thr=0.55)
    model = MODELS.build(cfg.model)
    quality.load_teacher(model, str(tmp_path / 'teacher'))
    for name, module in (('teacher', model.teacher),
                         ('partner', model.teacher_partner)):
        for key, value in module.state_dict().items():
            torch.testing.assert_close(value, states[name][key], msg=key)
    whole = MODELS.build(cfg.model).state_dict()  # a random partner
    torch.save({'state_dict': whole}, str(tmp_path / 'whole'))
    quality.load_teacher(model, str(tmp_path / 'whole'))
    for key, value in model.state_dict().items():
        torch.testing.assert_close(value, whole[key], msg=key)


def test_fuse_overlapping_by_hand():
    boxes = torch.tensor([
        [0., 0., 10., 10.],  # class 0: a chain of three ...
        [5., 0., 15., 10.],
        [12., 0., 22., 10.],  # ... (overlaps the second, not the first)
        [40., 40., 50., 50.],  # class 0, alone
        [0., 0., 10., 10.],  # class 1 on the first box
    ])
    inst = InstanceData(bboxes=boxes, labels=torch.tensor([0, 0, 0, 0, 1]),
                        scores=torch.tensor([0.6, 0.2, 0.2, 0.5, 0.9]))
    fused = quality.fuse_overlapping(inst, (0, ), mode='union')
    torch.testing.assert_close(fused.bboxes, boxes[[0, 3, 4]].index_put(
        (torch.tensor([0]), torch.tensor([2])), torch.tensor([22.])))
    assert fused.labels.tolist() == [0, 0, 1]
    torch.testing.assert_close(fused.scores, torch.tensor([0.6, 0.5, 0.9]))
    # score-weighted: x1 = (0 * .6 + 5 * .2 + 12 * .2) / 1.0 = 3.4
    weighted = quality.fuse_overlapping(inst, (0, ))
    torch.testing.assert_close(weighted.bboxes[0],
                               torch.tensor([3.4, 0., 13.4, 10.]))
    # IoU 1/3 between the first two and 3/17 between the second and third:
    # at 0.2 only the first two join
    assert len(quality.fuse_overlapping(inst, (0, ), iou_thr=0.2)) == 4
    # boxes of two classes never merge, even on the same spot
    assert quality.fuse_overlapping(inst, (0, 1)).labels.tolist() == [0, 0, 1]
    assert len(quality.fuse_overlapping(inst, ())) == 5


def test_extent_kinds_by_hand():
    truths = torch.tensor([[0., 0., 20., 20.], [30., 0., 40., 10.]])
    truth_labels = torch.tensor([0, 0])
    preds = torch.tensor([
        [2., 2., 10., 10.],  # inside the first truth
        [28., 0., 44., 14.],  # covers the second
        [0., 0., 40., 20.],  # spans both
        [10., 10., 30., 30.],  # shifted off the first
        [0., 0., 20., 20.],  # class 1: no truth of its class
    ])
    kinds = quality.extent_kinds(preds, torch.tensor([0, 0, 0, 0, 1]),
                                 truths, truth_labels)
    assert [quality.EXTENTS[i] if i >= 0 else None for i in kinds] == [
        'inside', 'covers', 'spans', 'shifted', None
    ]


def test_relative_side_spread_and_rank_auc_by_hand():
    # a 10 x 20 box whose sides spread 1, 2, 3 and 4 px
    boxes = torch.tensor([[0., 0., 10., 20.]])
    spreads = torch.tensor([[1., 2., 3., 4.]])
    assert torch.allclose(
        quality.relative_side_spread(spreads, boxes),
        torch.tensor([(1 / 10 + 2 / 20 + 3 / 10 + 4 / 20) / 4]))
    hits = torch.tensor([True, True, False, False])
    # misses above hits: 1; below: 0; one of four pairs tied: 0.875
    assert quality.rank_auc(torch.tensor([1., 2., 3., 4.]), hits) == 1.
    assert quality.rank_auc(torch.tensor([3., 4., 1., 2.]), hits) == 0.
    assert quality.rank_auc(torch.tensor([1., 3., 3., 4.]), hits) == 0.875
    assert quality.rank_auc(torch.tensor([1., 2.]), hits[:2]) != \
        quality.rank_auc(torch.tensor([1., 2.]), hits[:2])  # NaN


def test_side_spread_aucs_look_within_the_scores():
    # class 0: the misses score lower and spread wider, but within equal
    # scores the spread tells nothing; class 1: the spread alone tells
    labels = torch.tensor([0] * 8 + [1] * 8)
    hits = torch.tensor([True, False] * 4 + [True, False] * 4)
    scores = torch.tensor([.9, .9, .8, .8, .2, .2, .1, .1] + [.5] * 8)
    spreads = torch.tensor([1., 1., 2., 2., 5., 5., 6., 6.] +
                           [1., 2.] * 4)
    hits[[4, 6]] = False  # the low-scoring half of class 0 all misses
    rows = quality.side_spread_aucs(labels, hits, scores, spreads, 2)
    (n0, spread0, score0, within0), (n1, spread1, _, within1), all_ = rows
    assert (n0, n1, all_[0]) == (8, 8, 16)
    assert spread0 > 0.5 and score0 > 0.5
    assert within0 == 0.5  # equal spreads inside each quarter of scores
    assert spread1 == 1. and within1 == 1.


def test_marked_recall_counts_the_ignored_candidates(tiny_neu, tmp_path,
                                                     capsys):
    # every candidate the filter drops is ignored: the student is taught
    # no defect as background that the teacher proposes at all
    rows, *_ = run_tool(tiny_neu, tmp_path, capsys,
                        'model.semi_train_cfg.ignore_score_thr=0.0')
    for name in ('crazing', 'scratches', 'all'):
        recall, cand, _, marked = map(float, rows[name][-5:-1])
        assert marked == cand >= recall
    # the ignored boxes per image of all classes add up to the total's
    per_class = [float(row[-1]) for name, row in rows.items()
                 if len(row) == 10 and name != 'class']
    assert sum(per_class) > 0
    # each printed to 2 decimals
    assert abs(sum(per_class) - float(rows['all'][-1])) <= 0.005 * (
        len(per_class) + 1)
    assert len(rows['crazing']) == 10
    assert 'ignored' in rows  # the areas line


def test_flip_agreement_demotes_kept_boxes_to_ignored(tiny_neu, tmp_path,
                                                      capsys):
    """The tool asks the model which boxes it keeps: with a mirrored-view
    agreement no box can reach (IoU above 1), nothing is kept, and every
    box the filter kept is ignored instead, so the marked recall stays."""
    keep_all = ('model.semi_train_cfg.pseudo_label_filter.min_thr=0.0',
                'model.semi_train_cfg.pseudo_label_filter.max_thr=0.0',
                'model.semi_train_cfg.ignore_score_thr=0.0')
    torch.manual_seed(0)  # one random teacher for both runs
    plain, *_ = run_tool(tiny_neu, tmp_path, capsys, *keep_all)
    torch.manual_seed(0)
    strict, *_ = run_tool(tiny_neu, tmp_path, capsys, *keep_all,
                          'model.semi_train_cfg.flip_agreement.iou_thr=1.01',
                          'model.semi_train_cfg.flip_agreement.score_thr=0.0')
    assert float(plain['all'][2]) > 0  # kept boxes per image
    assert float(strict['all'][2]) == 0
    assert strict['all'][-2] == plain['all'][-2]  # marked recall
    # ignored boxes per image: none when all are kept, then all of them
    assert float(plain['all'][-1]) == 0
    assert strict['all'][-1] == plain['all'][2]
