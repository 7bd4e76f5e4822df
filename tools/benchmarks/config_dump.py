# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""What a config costs each time MMEngine formats it: lines, characters and
yapf time of ``Config.pretty_text``, configs side by side.

    python tools/benchmarks/config_dump.py \
        configs/yolov9/yolov9_t_1xb16-100e_neu-det-40pct.py \
        configs/dsym_neu_40pct.py --write docs/benchmarks.md

A runner formats its config for the log, the dump in the work dir, the
visualizer's copy and every checkpoint's meta (MMDetection's
``tools/train.py`` does; dsym_mm's tools do not format it); every variable
of every base is in it. To compare with an older tree, pass its configs too
(``git worktree add /tmp/old COMMIT``). The configs alternate (A, B, A, B,
...) so that load on a shared machine hits all of them alike; medians are
reported, ratios against the first config.
"""
import argparse
import os.path as osp
import statistics
import time

from doc_sections import write_section  # tools/benchmarks/
from mmengine.config import Config


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('configs', nargs='+')
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--write', help='markdown file to update')
    parser.add_argument('--section', default='config_dump',
                        help='marked block of --write to rewrite')
    return parser.parse_args(argv)


def format_cost(path: str) -> dict:
    """One parse and format of ``path``."""
    cfg = Config.fromfile(path)
    start = time.perf_counter()
    text = cfg.pretty_text
    return dict(seconds=time.perf_counter() - start,
                lines=text.count('\n') + 1,
                chars=len(repr(cfg.to_dict())))


def table(paths, runs) -> str:
    first = statistics.median(r['seconds'] for r in runs[paths[0]])
    rows = [
        '| config | formatted lines | characters | yapf (s, median) | '
        'time vs first |', '|---|---|---|---|---|'
    ]
    for path in paths:
        seconds = statistics.median(r['seconds'] for r in runs[path])
        rows.append(f'| `{path}` | {runs[path][0]["lines"]} | '
                    f'{runs[path][0]["chars"]} | {seconds:.1f} | '
                    f'{seconds / first:.2f} |')
    return '\n'.join(rows)


def main(argv=None):
    args = parse_args(argv)
    for path in args.configs:
        if not osp.isfile(path):
            raise FileNotFoundError(f'config not found: {path}')
    runs = {path: [] for path in args.configs}
    for _ in range(args.repeats):
        for path in args.configs:
            runs[path].append(format_cost(path))
    text = table(args.configs, runs)
    print(text)
    if args.write:
        command = ' '.join(['python tools/benchmarks/config_dump.py',
                            *args.configs, '--repeats', str(args.repeats)])
        write_section(args.write, args.section,
                      f'Command: `{command}`\n\n{text}')


if __name__ == '__main__':
    main()
