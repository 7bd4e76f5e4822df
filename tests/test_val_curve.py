# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""tools/analysis_tools/val_curve.py: curves from MMEngine's scalar logs."""
import json
import os

import pytest

from .conftest import load_tool

val_curve = load_tool('analysis_tools', 'val_curve.py')


def write_log(work_dir, timestamp, records):
    d = work_dir / timestamp / 'vis_data'
    os.makedirs(d)
    with open(d / 'scalars.json', 'w') as f:
        for r in records:
            f.write(json.dumps(r) + '\n')


def test_epoch_run_resumed_keeps_the_later_value(tmp_path):
    run = tmp_path / 'yolo'
    write_log(run, '20260101_000000', [
        dict(lr=0.01, loss=3.0, step=10),
        {'voc/mAP': 0.25, 'step': 1},
        {'voc/mAP': 0.40, 'step': 2},
    ])
    # resumed from epoch 1: epoch 2 validated again
    write_log(run, '20260101_010000', [
        {'voc/mAP': 0.45, 'step': 2},
        {'voc/mAP': 0.50, 'step': 3},
    ])
    assert val_curve.read_curve(str(run), 'voc/mAP') == {
        1: {'': 0.25}, 2: {'': 0.45}, 3: {'': 0.50}}


def test_iteration_run_takes_the_step_of_the_training_record(tmp_path):
    run = tmp_path / 'dsym'
    write_log(run, '20260101_000000', [
        dict(lr=0.002, loss=3.0, step=1000),
        {'teacher/voc/mAP': 0.623, 'student/voc/mAP': 0.569, 'step': 0},
        dict(lr=0.001, loss=2.0, step=2000),
        {'teacher/voc/mAP': 0.611, 'student/voc/mAP': 0.585, 'step': 0},
    ])
    table = val_curve.curve_table([str(run)], 'voc/mAP')
    lines = table.splitlines()
    assert lines[0] == '| run | 1000 | 2000 |'
    assert lines[2] == '| dsym | 62.3 / 56.9 | 61.1 / 58.5 |'


def test_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='empty'):
        val_curve.read_curve(str(tmp_path / 'empty'), 'voc/mAP')
    run = tmp_path / 'broken'
    write_log(run, '20260101_000000', [dict(lr=0.01, step=1)])
    with open(run / '20260101_000000' / 'vis_data' / 'scalars.json',
              'a') as f:
        f.write('{"voc/mAP": 0.3, \n')
    with pytest.raises(ValueError, match=r'scalars.json, line 2'):
        val_curve.read_curve(str(run), 'voc/mAP')


def test_iter_time_reads_training_records_of_every_start(tmp_path):
    run = tmp_path / 'yolo'
    write_log(run, '20260101_000000', [
        dict(lr=0.01, time=1.0, step=20),
        {'voc/mAP': 0.25, 'step': 1},
        dict(lr=0.01, time=3.0, step=40),
    ])
    write_log(run, '20260101_010000', [dict(lr=0.01, time=2.0, step=60)])
    lines = val_curve.iter_time_table([str(run)]).splitlines()
    assert lines[2] == '| yolo | 3 | 2.00 | 1.10 | 2.90 |'
    write_log(tmp_path / 'val_only', '20260101_000000',
              [{'voc/mAP': 0.25, 'step': 1}])
    with pytest.raises(ValueError, match='val_only: no training record'):
        val_curve.iter_time_table([str(tmp_path / 'val_only')])


def test_train_means_count_a_resumed_iteration_once(tmp_path, capsys):
    run = tmp_path / 'dsym'
    write_log(run, '20260101_000000', [
        dict(lr=0.01, unsup_num_pseudo=10.0, step=50),
        dict(lr=0.01, unsup_num_pseudo=20.0, step=100),
        {'teacher/voc/mAP': 0.6, 'student/voc/mAP': 0.5, 'step': 0},
    ])
    # killed after 100 and resumed from 50: 100 is logged again
    write_log(run, '20260101_010000', [
        dict(lr=0.01, unsup_num_pseudo=30.0, step=100),
        dict(lr=0.01, unsup_num_pseudo=40.0, loss=2.0, step=150),
    ])
    val_curve.main([str(run), '--train-means', 'unsup_num_pseudo', 'loss'])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == '| run | unsup_num_pseudo | loss |'
    assert lines[2] == '| dsym | 26.67 | 2.00 |'
    with pytest.raises(ValueError, match='dsym: no training record with a '
                       'unsup_loss_cls'):
        val_curve.train_means_table([str(run)], ['unsup_loss_cls'])
