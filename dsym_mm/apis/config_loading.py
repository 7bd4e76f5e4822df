# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import argparse
import os
import os.path as osp
from typing import Optional

from mmengine.config import Config, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner


def add_runner_args(parser: argparse.ArgumentParser) -> None:
    """The flags that MMDetection's train and test tools share."""
    parser.add_argument('--work-dir', help='where logs and outputs go')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value (key="[a,b]" for lists)')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def parse_runner_args(parser: argparse.ArgumentParser,
                      argv=None) -> argparse.Namespace:
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def load_config(path: str,
                cfg_options: Optional[dict] = None,
                work_dir: Optional[str] = None,
                launcher: str = 'none') -> Config:
    """Read a config as MMDetection's tools do.

    ``work_dir`` is taken from the command line, else from the config, else
    ``./work_dirs/<config name>``. Hub downloads are switched off: every
    weight must come from a local path.
    """
    os.environ.setdefault('HF_HUB_OFFLINE', '1')
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path}')
    cfg = Config.fromfile(path)
    cfg.launcher = launcher
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(path))[0])
    return cfg


def build_runner(cfg: Config) -> Runner:
    """MMEngine's ``Runner``, or the config's ``runner_type``."""
    return Runner.from_cfg(cfg) if 'runner_type' not in cfg else \
        RUNNERS.build(cfg)
