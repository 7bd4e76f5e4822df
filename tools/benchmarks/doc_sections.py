# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Rewrite one marked block of a markdown file, so that benchmark scripts
can put their tables into the docs without touching the prose around them.
"""
import os.path as osp
from typing import Optional


def write_section(path: str, key: str, text: str) -> None:
    begin, end = f'<!-- {key}:begin -->', f'<!-- {key}:end -->'
    old = open(path).read() if osp.isfile(path) else ''
    block = f'{begin}\n{text}\n{end}'
    if begin in old and end in old:
        new = old[:old.index(begin)] + block + old[old.index(end) +
                                                   len(end):]
    else:
        new = old.rstrip() + ('\n\n' if old else '') + block + '\n'
    with open(path, 'w') as f:
        f.write(new)


def read_section(path: str, key: str) -> Optional[str]:
    """The text between the markers of ``key`` in ``path``, or None."""
    begin, end = f'<!-- {key}:begin -->', f'<!-- {key}:end -->'
    old = open(path).read() if osp.isfile(path) else ''
    if begin not in old or end not in old:
        return None
    return old[old.index(begin) + len(begin):old.index(end)].strip('\n')
