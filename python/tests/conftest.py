"""Makes ``python/`` importable and skips the whole suite when the library is not built.

Nothing is built here: run ``cargo build`` first (or point DELIVERYOPT_LIB at a build).
"""

import ctypes
import os
import sys

import tempfile

import pytest

# The library keeps jobs in a per-user store; the tests get a fresh one, never the user's. It must
# be chosen before the library starts (the first CoCreateInstance).
os.environ.setdefault("DELIVERYOPT_STATE_DIR", tempfile.mkdtemp(prefix="deliveryopt-pytest-"))

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

import deliveryopt  # noqa: E402


def _load_error():
    path = deliveryopt.library_path()
    try:
        ctypes.CDLL(path)
    except OSError as exc:
        return (f"libdeliveryopt.so not found or not loadable ({path}: {exc}); "
                "run `cargo build` in the repository root or set DELIVERYOPT_LIB")
    return None


_REASON = _load_error()


def pytest_collection_modifyitems(config, items):
    if _REASON is None:
        return
    skip = pytest.mark.skip(reason=_REASON)
    for item in items:
        item.add_marker(skip)
