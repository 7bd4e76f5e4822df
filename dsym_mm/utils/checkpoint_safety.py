# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Let ``torch.load(weights_only=True)`` read MMEngine checkpoints.

Since torch 2.6, ``torch.load`` only unpickles allow-listed types. MMEngine
0.10 calls it without ``weights_only``, so resuming from its own checkpoint
fails (``Unsupported global: ...HistoryBuffer``). Instead of switching the
safety off (``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD``) two things are done:

* the plain-data types MMEngine puts in a checkpoint (the message hub's
  ``HistoryBuffer`` and the numpy arrays, scalars and dtypes in it) join
  torch's allow-list;
* ``HistoryBuffer`` is pickled without its ``statistics_methods`` entry.
  MMEngine's ``__getstate__`` stores the class-level statistics functions
  there, which pickle as ``getattr(HistoryBuffer, 'min')``; allowing
  ``getattr`` would let a checkpoint reach any attribute. The entry is
  redundant: ``__setstate__`` re-registers the defaults and the table is a
  class attribute that custom methods register into at import.
"""
import copyreg

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
    """The types allow-listed by :func:`enable_safe_checkpoint_loading`."""
    from mmengine.logging import HistoryBuffer
    return [HistoryBuffer] + _numpy_globals()


def _reduce_history_buffer(buffer):
    state = dict(buffer.__dict__)
    state.pop('statistics_methods', None)
    return copyreg.__newobj__, (type(buffer), ), state


def enable_safe_checkpoint_loading() -> bool:
    """Make MMEngine checkpoints save and load with ``weights_only=True``.

    Returns False on a torch without ``add_safe_globals`` (< 2.4), where
    ``torch.load`` does not restrict types by default.
    """
    from mmengine.logging import HistoryBuffer
    copyreg.pickle(HistoryBuffer, _reduce_history_buffer)
    add = getattr(torch.serialization, 'add_safe_globals', None)
    if add is None:
        return False
    add(checkpoint_safe_globals())
    return True
