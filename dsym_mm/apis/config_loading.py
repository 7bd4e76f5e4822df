# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import argparse
import os
import os.path as osp
from typing import Optional

from mmengine.config import Config, ConfigDict, DictAction
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
    weight must come from a local path. The config's text is not formatted
    by yapf (see :func:`unformatted`).
    """
    os.environ.setdefault('HF_HUB_OFFLINE', '1')
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path}')
    cfg = unformatted(Config.fromfile(path))
    cfg.launcher = launcher
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(path))[0])
    return cfg


def unformatted(cfg: Config) -> Config:
    """``cfg`` whose ``pretty_text`` skips yapf.

    MMEngine formats a config's text with yapf each time it logs, dumps or
    checkpoints it: 6-8 s for one of these configs on two cores (about
    4500 lines with their ``_base_`` files), three times when a runner
    starts and again at every checkpoint. Unformatted, the text is the same
    Python, one item per line, and loads back to the same config.
    ``Config.fromfile(format_python_code=False)`` would say so, but MMEngine
    0.10 drops that argument for ``_base_``-style configs; hence a new
    ``Config`` with the same content.
    """
    return Config(
        cfg.to_dict(),
        cfg_text=cfg.text,
        filename=cfg.filename,
        env_variables=cfg.env_variables,
        format_python_code=False)


def predicting_model_cfg(cfg: Config) -> ConfigDict:
    """The config of the detector that predicts at test time: the
    ``detector`` of a teacher-student config (teacher and student share
    it), otherwise ``model``."""
    return cfg.model.detector if 'detector' in cfg.model else cfg.model


def evaluation_nms_cfg(cfg: Config) -> Optional[ConfigDict]:
    """The ``nms`` of the predicting detector's ``test_cfg`` (the
    evaluation's NMS), or None for a detector without one."""
    return (predicting_model_cfg(cfg).get('test_cfg') or {}).get('nms')


def build_runner(cfg: Config) -> Runner:
    """MMEngine's ``Runner``, or the config's ``runner_type``."""
    return Runner.from_cfg(cfg) if 'runner_type' not in cfg else \
        RUNNERS.build(cfg)
