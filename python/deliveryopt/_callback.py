"""IBackgroundCopyCallback / IBackgroundCopyCallback2 implemented in Python.

A :class:`Callback` is a real COM object: a C struct whose first member points at a vtable of
ctypes thunks (QueryInterface, AddRef, Release, JobTransferred, JobError, JobModification,
FileTransferred). The library calls it on its own threads ("deliveryopt-callback" and its
transfer threads); ctypes takes the GIL for each call.

Lifetime: AddRef/Release count the references that C code holds. While that count is above
zero the object is kept in a module registry, so it stays alive even when Python code has
dropped every reference to it (the library holds one for as long as a job has it registered:
until it is replaced or removed, or the job ends). When the count drops to zero it is left to
Python's garbage collector again.

Exceptions raised by the Python handlers never reach C: they are given to
:meth:`Callback.handle_exception` (which logs them on the ``deliveryopt`` logger) and the method
returns ``E_FAIL``. For JobTransferred, JobError and FileTransferred the library then calls it
again later (after 1, 2, 4, ... up to 60 seconds), as BITS does; a handler that completes fine
returns ``S_OK``.
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import threading
import time
import uuid
import weakref
from ctypes import POINTER, Structure, c_void_p
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, Set

from ._com import (
    DWORD, E_FAIL, E_INVALIDARG, E_NOINTERFACE, E_POINTER, E_UNEXPECTED, HRESULT, ULONG,
    BitsError,
)

if TYPE_CHECKING:  # pragma: no cover
    from ._objects import ErrorInfo, File, Job

__all__ = ["Callback"]

log = logging.getLogger("deliveryopt")

# guids.md; the library answers these IIDs itself, but a callback object must not need the
# library to be loaded to answer QueryInterface.
IID_IUnknown = uuid.UUID("00000000-0000-0000-C000-000000000046")
IID_IBackgroundCopyCallback = uuid.UUID("97EA99C7-0186-4AD4-8DF9-C5B4E0ED6B22")
IID_IBackgroundCopyCallback2 = uuid.UUID("659CDEAC-489E-11D9-A9CD-000D56965251")
_ANSWERED = frozenset(i.bytes_le for i in (IID_IUnknown, IID_IBackgroundCopyCallback,
                                           IID_IBackgroundCopyCallback2))

_QI_T = ctypes.CFUNCTYPE(HRESULT, c_void_p, c_void_p, POINTER(c_void_p))
_REF_T = ctypes.CFUNCTYPE(ULONG, c_void_p)
_JOB_T = ctypes.CFUNCTYPE(HRESULT, c_void_p, c_void_p)
_JOB_ERROR_T = ctypes.CFUNCTYPE(HRESULT, c_void_p, c_void_p, c_void_p)
_JOB_MOD_T = ctypes.CFUNCTYPE(HRESULT, c_void_p, c_void_p, DWORD)
_FILE_T = ctypes.CFUNCTYPE(HRESULT, c_void_p, c_void_p, c_void_p)


class _Vtbl(Structure):
    """IBackgroundCopyCallback2's vtable (bits-core.md §8, bits-extended.md)."""

    _fields_ = [("QueryInterface", _QI_T), ("AddRef", _REF_T), ("Release", _REF_T),
                ("JobTransferred", _JOB_T), ("JobError", _JOB_ERROR_T),
                ("JobModification", _JOB_MOD_T), ("FileTransferred", _FILE_T)]


class _Object(Structure):
    _fields_ = [("lpVtbl", POINTER(_Vtbl))]


# Every live Callback by interface pointer (weak), and the ones C code holds references to
# (strong: this is what keeps them alive for the library).
_lock = threading.Lock()
_all: "weakref.WeakValueDictionary[int, Callback]" = weakref.WeakValueDictionary()
_held: Dict[int, "Callback"] = {}
_shutting_down = False


def _find(this: Optional[int]) -> Optional["Callback"]:
    if not this:
        return None
    with _lock:
        return _all.get(this)


# ---- the thunks (never raise: ctypes would print the exception and return 0 = S_OK) ---------

def _query_interface(this: int, riid: int, ppv: Any) -> int:
    try:
        if not ppv:
            return E_POINTER.signed
        ppv[0] = None
        if not riid:
            return E_INVALIDARG.signed
        obj = _find(this)
        if obj is None:
            return E_UNEXPECTED.signed
        if ctypes.string_at(riid, 16) not in _ANSWERED:
            return E_NOINTERFACE.signed
        obj._add_ref()
        ppv[0] = this
        return 0
    except BaseException:  # pragma: no cover - defensive
        return E_UNEXPECTED.signed


def _add_ref(this: int) -> int:
    try:
        obj = _find(this)
        return obj._add_ref() if obj is not None else 0
    except BaseException:  # pragma: no cover - defensive
        return 0


def _release(this: int) -> int:
    try:
        obj = _find(this)
        return obj._release() if obj is not None else 0
    except BaseException:  # pragma: no cover - defensive
        return 0


def _dispatch(this: int, method: str, invoke: Callable[["Callback"], Any]) -> int:
    try:
        if _shutting_down:
            return E_FAIL.signed
        obj = _find(this)
        if obj is None:
            return E_UNEXPECTED.signed
        try:
            invoke(obj)
            rc = 0
        except BaseException as exc:  # noqa: BLE001 - nothing may reach C
            try:
                obj.handle_exception(method, exc)
            except BaseException:
                pass
            rc = E_FAIL.signed
        finally:
            obj._wakeup.set()
        return rc
    except BaseException:  # pragma: no cover - defensive
        return E_UNEXPECTED.signed


def _objects() -> Any:
    from . import _objects as mod
    return mod


def _job_transferred(this: int, job: int) -> int:
    return _dispatch(this, "JobTransferred",
                     lambda o: o.job_transferred(_objects().Job._borrowed(job)))


def _job_error(this: int, job: int, error: int) -> int:
    def invoke(o: "Callback") -> None:
        mod = _objects()
        o.job_error(mod.Job._borrowed(job), mod.ErrorInfo._borrowed(error))
    return _dispatch(this, "JobError", invoke)


def _job_modification(this: int, job: int, _reserved: int) -> int:
    return _dispatch(this, "JobModification",
                     lambda o: o.job_modification(_objects().Job._borrowed(job)))


def _file_transferred(this: int, job: int, file: int) -> int:
    def invoke(o: "Callback") -> None:
        mod = _objects()
        o.file_transferred(mod.Job._borrowed(job), mod.File._borrowed(file))
    return _dispatch(this, "FileTransferred", invoke)


_VTBL = _Vtbl(_QI_T(_query_interface), _REF_T(_add_ref), _REF_T(_release),
              _JOB_T(_job_transferred), _JOB_ERROR_T(_job_error),
              _JOB_MOD_T(_job_modification), _FILE_T(_file_transferred))


class Callback:
    """A Python IBackgroundCopyCallback2 object, for :meth:`Job.set_callbacks` /
    ``Job.callback``.

    Either pass callables::

        Callback(on_transferred=lambda job: job.complete(),
                 on_error=lambda job, error: print(error.hr, error.description))

    or subclass and override :meth:`job_transferred`, :meth:`job_error`,
    :meth:`job_modification` and :meth:`file_transferred`. Every method runs on a library
    thread, never the one that registered it, and may call back into the library (``job``
    is a :class:`Job` wrapper of its own; keep it if you like, it holds its own reference).
    An exception goes to :meth:`handle_exception` and makes the method return ``E_FAIL``.
    """

    def __init__(self,
                 on_transferred: Optional[Callable[["Job"], Any]] = None,
                 on_error: Optional[Callable[["Job", "ErrorInfo"], Any]] = None,
                 on_modification: Optional[Callable[["Job"], Any]] = None,
                 on_file_transferred: Optional[Callable[["Job", "File"], Any]] = None):
        self.on_transferred = on_transferred
        self.on_error = on_error
        self.on_modification = on_modification
        self.on_file_transferred = on_file_transferred
        self._refs = 0
        self._struct = _Object(ctypes.pointer(_VTBL))
        self._address: int = ctypes.addressof(self._struct)
        self._wakeup = threading.Event()
        self._job_ids: Set[uuid.UUID] = set()
        with _lock:
            _all[self._address] = self

    # ---- what the library calls (override these, or pass callables) ------------------------

    def job_transferred(self, job: "Job") -> None:
        """JobTransferred: every file is transferred; the usual answer is ``job.complete()``."""
        if self.on_transferred is not None:
            self.on_transferred(job)

    def job_error(self, job: "Job", error: "ErrorInfo") -> None:
        """JobError: the job is in ERROR; ``error`` says what went wrong."""
        if self.on_error is not None:
            self.on_error(job, error)

    def job_modification(self, job: "Job") -> None:
        """JobModification: state, progress or a property changed (needs the
        JOB_MODIFICATION notify flag; at most every 500 ms per job)."""
        if self.on_modification is not None:
            self.on_modification(job)

    def file_transferred(self, job: "Job", file: "File") -> None:
        """FileTransferred (IBackgroundCopyCallback2): one file is done (needs the
        FILE_TRANSFERRED notify flag)."""
        if self.on_file_transferred is not None:
            self.on_file_transferred(job, file)

    def handle_exception(self, method: str, exc: BaseException) -> None:
        """Called (on the library's thread) with an exception a handler raised; the library
        is answered ``E_FAIL``. Logs it on the ``deliveryopt`` logger by default."""
        log.error("exception in the %s callback of %r (answered E_FAIL)", method, self,
                  exc_info=(type(exc), exc, exc.__traceback__))

    # ---- COM identity and reference counting ----------------------------------------------

    @property
    def ptr(self) -> int:
        """The interface pointer (IUnknown, IBackgroundCopyCallback and Callback2 alike)."""
        return self._address

    @property
    def refcount(self) -> int:
        """How many references C code holds (AddRef minus Release)."""
        return self._refs

    def _add_ref(self) -> int:
        with _lock:
            self._refs += 1
            if self._refs == 1:
                _held[self._address] = self
            return self._refs

    def _release(self) -> int:
        with _lock:
            if self._refs <= 0:
                log.error("Release of %r without a reference (ignored)", self)
                return 0
            self._refs -= 1
            if self._refs == 0:
                _held.pop(self._address, None)
            return self._refs

    def wait_for_event(self, timeout: Optional[float] = None) -> bool:
        """Waits until the library calls any notification method (or ``timeout``); True if
        one came. Each call of this method waits for a new one."""
        self._wakeup.clear()
        return self._wakeup.wait(timeout)

    def __repr__(self) -> str:
        return "<%s 0x%x refs=%d>" % (type(self).__name__, self._address, self._refs)


def _detach_all(grace: float = 2.0) -> None:
    """At interpreter exit: takes our callbacks off the jobs that still have them and waits
    (up to ``grace`` seconds, with the GIL released) until the library has let go of them, so
    that no library thread calls into an interpreter that is shutting down (CPython ends such
    a thread with pthread_exit, which would abort the process). Calls that still come are
    answered E_FAIL without running Python handlers."""
    global _shutting_down
    with _lock:
        held = list(_held.values())
    expected: Dict["Callback", int] = {}
    try:
        if held:
            mod = _objects()
            with mod.Manager() as manager:
                for cb in held:
                    for job_id in list(cb._job_ids):
                        try:
                            job = manager.get_job(job_id)
                        except BitsError:
                            continue
                        with job:
                            try:
                                if job._notify_interface_ptr() == cb.ptr:
                                    before = cb._refs
                                    job._set_notify_interface_ptr(None)
                                    expected[cb] = min(expected.get(cb, before), before) - 1
                            except BitsError:
                                pass
    except Exception:
        pass
    finally:
        _shutting_down = True
    # A call the library had already begun holds its reference until it returns: wait for
    # those (the registration's own reference may be given back on a library thread too).
    deadline = time.monotonic() + grace
    while expected and time.monotonic() < deadline:
        time.sleep(0.01)
        expected = {cb: n for cb, n in expected.items() if cb._refs > max(n, 0)}


atexit.register(_detach_all)
