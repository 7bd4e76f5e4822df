# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""tools/benchmarks/config_dump.py: what formatting a config costs."""
import sys

import pytest

from .conftest import REPO, load_tool

sys.path.insert(0, f'{REPO}/tools/benchmarks')  # its doc_sections import
config_dump = load_tool('benchmarks', 'config_dump.py')


def test_table_counts_every_base_variable(tmp_path):
    """A base variable that no key uses still costs lines: the tool sees
    it, and writes its table with the command into the docs."""
    small = tmp_path / 'small.py'
    small.write_text('model = dict(type="A", depth=2)\n')
    base = tmp_path / 'base.py'
    base.write_text('unused = [dict(type="Step", index=i) for i in '
                    'range(200)]\nmodel = dict(type="A", depth=2)\n')
    large = tmp_path / 'large.py'
    large.write_text("_base_ = './base.py'\n")
    doc = tmp_path / 'doc.md'
    doc.write_text('# Benchmarks\n')
    config_dump.main([str(small), str(large), '--repeats', '2',
                      '--write', str(doc)])
    rows = [line.split(' | ') for line in doc.read_text().splitlines()
            if line.startswith('| `')]
    assert [row[0].strip('| `') for row in rows] == [str(small), str(large)]
    lines = [int(row[1]) for row in rows]
    chars = [int(row[2]) for row in rows]
    assert lines[1] > 200 > lines[0] and chars[1] > 10 * chars[0]
    assert float(rows[0][4].rstrip(' |')) == 1.0  # the first is the unit
    text = doc.read_text()
    assert text.startswith('# Benchmarks\n')
    assert 'Command: `python tools/benchmarks/config_dump.py' in text


def test_missing_config_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.py'):
        config_dump.main([str(tmp_path / 'nope.py')])
