# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Let ``torch.load(weights_only=True)`` read MMEngine checkpoints.

Since torch 2.6, ``torch.load`` only unpickles allow-listed types. MMEngine
0.10 calls it without ``weights_only``, so resuming from its own checkpoint
fails (``Unsupported global: ...HistoryBuffer``). Instead of switching the
safety off (``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD``), the few plain-data types
that MMEngine puts in a checkpoint (the message hub's ``HistoryBuffer`` and
the numpy arrays, scalars and dtypes inside it) are added to torch's
allow-list. Arbitrary code objects stay refused.
"""
import numpy as np
import torch


def _numpy_globals() -> list:
    core = getattr(np, '_core', None) or np.core  # numpy 2 / numpy 1
    found = [
        np.ndarray, np.dtype, core.multiarray._reconstruct,
        core.multiarray.scalar
    ]
    dtypes = getattr(np, 'dtypes', None)  # numpy >= 1.25
    if dtypes is not None:
        found += [getattr(dtypes, name) for name in dtypes.__all__]
    return found


def checkpoint_safe_globals() -> list:
    """The types allow-listed by :func:`register_checkpoint_safe_globals`."""
    from mmengine.logging import HistoryBuffer
    return [HistoryBuffer] + _numpy_globals()


def register_checkpoint_safe_globals() -> bool:
    """Add MMEngine's checkpoint types to torch's ``weights_only`` allow-list.

    Returns False on a torch without ``add_safe_globals`` (< 2.4), where
    ``torch.load`` does not restrict types by default.
    """
    add = getattr(torch.serialization, 'add_safe_globals', None)
    if add is None:
        return False
    add(checkpoint_safe_globals())
    return True
