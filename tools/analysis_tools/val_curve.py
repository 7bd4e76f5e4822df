# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Print the validation mAP@0.5 curve of training runs as a markdown table.

Reads ``WORK_DIR/<timestamp>/vis_data/scalars.json`` of each work dir (all
of them: a resumed run writes one per start; a later start wins for the same
step) and prints the VOC mAP@0.5 of every validation, one row per run. For
teacher-student runs (``TeacherStudentValLoop``) each cell is
``teacher / student``. The validation images of the NEU-DET configs are the
test images: these curves describe training, nothing is chosen from them.
``--iter-time`` prints instead the median and 5-95 % range of the logged
training iteration times (MMEngine's ``time``, seconds), and ``--train-means
KEY ...`` the mean of training scalars such as ``unsup_num_pseudo`` (for
both, a later start wins for the same iteration).

Example::

    python tools/analysis_tools/val_curve.py \\
        work_dirs/yolov9_t_1xb16-100e_neu-det-40pct \\
        work_dirs/yolov8_n_1xb16-100e_neu-det-40pct
    python tools/analysis_tools/val_curve.py WORK_DIR \\
        --train-means unsup_num_pseudo unsup_loss_cls
"""
import argparse
import glob
import json
import os.path as osp
from typing import Dict, Iterator, List, Sequence

import numpy as np

PREFIXES = ('', 'teacher/', 'student/')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('work_dirs', nargs='+')
    parser.add_argument('--metric', default='voc/mAP',
                        help='scalar to read (default: voc/mAP)')
    other = parser.add_mutually_exclusive_group()
    other.add_argument('--iter-time', action='store_true',
                       help='print training iteration times instead')
    other.add_argument('--train-means', nargs='+', metavar='KEY',
                       help='print the means of these training scalars '
                       'instead')
    return parser.parse_args(argv)


def read_logs(work_dir: str) -> Iterator[List[dict]]:
    """The records of each ``scalars.json`` of the run, oldest start first."""
    files = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not files:
        raise FileNotFoundError(
            f'{work_dir}: no <timestamp>/vis_data/scalars.json (not a '
            'training work dir, or nothing was logged yet)')
    for path in files:
        records = []
        with open(path) as f:
            for line_no, line in enumerate(f, 1):
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise ValueError(f'{path}, line {line_no}: not JSON '
                                     f'({e})') from e
        yield records


def read_curve(work_dir: str, metric: str) -> Dict[int, Dict[str, float]]:
    """``{step: {prefix: value}}`` of ``metric`` over the run's logs."""
    curve: Dict[int, Dict[str, float]] = {}
    for records in read_logs(work_dir):
        train_step = 0
        for record in records:
            values = {
                p: record[p + metric]
                for p in PREFIXES if p + metric in record
            }
            if 'lr' in record:
                train_step = int(record['step'])
            elif values:
                # iteration-based loops log validation at step 0: use
                # the iteration of the training record before it
                curve[int(record['step']) or train_step] = values
    return curve


def read_train_records(work_dir: str) -> Dict[int, dict]:
    """``{iteration: record}`` of the run's training records (a later
    start wins for an iteration it logged again after a resume)."""
    return {
        int(record['step']): record
        for records in read_logs(work_dir) for record in records
        if 'lr' in record
    }


def train_values(work_dir: str, key: str) -> List[float]:
    """``key`` of every training record of the run that logged it."""
    values = [r[key] for r in read_train_records(work_dir).values()
              if key in r]
    if not values:
        raise ValueError(f'{work_dir}: no training record with a {key}')
    return values


def iter_time_table(work_dirs: Sequence[str]) -> str:
    """Median and 5-95 % range of the logged training iteration times.

    Each training record's ``time`` is MMEngine's mean over the logging
    interval; the percentiles are over those records, of every start.
    """
    lines = ['| run | records | median s/it | 5 % | 95 % |', '|---' * 5 + '|']
    for work_dir in work_dirs:
        times = train_values(work_dir, 'time')
        p5, median, p95 = np.percentile(times, [5, 50, 95])
        lines.append(f'| {osp.basename(osp.normpath(work_dir))} | '
                     f'{len(times)} | {median:.2f} | {p5:.2f} | {p95:.2f} |')
    return '\n'.join(lines)


def train_means_table(work_dirs: Sequence[str], keys: Sequence[str]) -> str:
    """Mean of each training scalar in ``keys`` over the logged records
    (each one MMEngine's mean over its logging interval)."""
    lines = ['| run | ' + ' | '.join(keys) + ' |',
             '|---' * (len(keys) + 1) + '|']
    for work_dir in work_dirs:
        means = [np.mean(train_values(work_dir, key)) for key in keys]
        lines.append(f'| {osp.basename(osp.normpath(work_dir))} | ' +
                     ' | '.join(f'{m:.2f}' for m in means) + ' |')
    return '\n'.join(lines)


def format_cell(values: Dict[str, float]) -> str:
    if 'teacher/' in values and 'student/' in values:
        return (f"{100 * values['teacher/']:.1f} / "
                f"{100 * values['student/']:.1f}")
    return f'{100 * next(iter(values.values())):.1f}'


def curve_table(work_dirs: Sequence[str], metric: str) -> str:
    curves = {osp.basename(osp.normpath(w)): read_curve(w, metric)
              for w in work_dirs}
    steps: List[int] = sorted({s for c in curves.values() for s in c})
    lines = [
        '| run | ' + ' | '.join(str(s) for s in steps) + ' |',
        '|---' * (len(steps) + 1) + '|'
    ]
    for name, curve in curves.items():
        cells = [format_cell(curve[s]) if s in curve else '' for s in steps]
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    if args.iter_time:
        print(iter_time_table(args.work_dirs))
        return
    if args.train_means:
        print(train_means_table(args.work_dirs, args.train_means))
        return
    print(f'{args.metric} (x 100) at each validation step (epoch or '
          'iteration); teacher / student for teacher-student runs')
    print(curve_table(args.work_dirs, args.metric))


if __name__ == '__main__':
    main()
