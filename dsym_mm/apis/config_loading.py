# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import os
import os.path as osp
from typing import Optional

from mmengine.config import Config


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
