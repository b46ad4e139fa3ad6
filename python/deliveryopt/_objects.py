"""The wrappers: Manager, Job, File, ErrorInfo and the enumerators, plus ``download``."""

from __future__ import annotations

import datetime as _dt
import os
import time
import uuid
from ctypes import POINTER, Structure, byref, c_int32, c_uint64, c_void_p, cast, string_at
from pathlib import Path
from typing import (
    Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union,
)

from ._callback import Callback
from ._com import (
    BG_E_ERROR_INFORMATION_UNAVAILABLE, BG_E_FILE_NOT_AVAILABLE, BG_E_INVALID_STATE,
    BG_E_PROTOCOL_NOT_AVAILABLE, BG_FILE_INFO, BG_FILE_PROGRESS, BG_JOB_PROGRESS, BG_JOB_TIMES,
    CLSCTX_LOCAL_SERVER, DWORD, GUID, HRESULT, LANG_EN_US, LPWSTR, S_OK, ULONG, BitsError,
    ErrorContext, FileProgress, GuidLike, HResult, IBackgroundCopyErrorSlots,
    IBackgroundCopyFileSlots, IBackgroundCopyJobSlots, IBackgroundCopyManagerSlots,
    IEnumBackgroundCopyJobsSlots, IUnknownSlots, JobPriority, JobProgress, JobState, JobTimes, JobType,
    NotifyFlags, ProgressCallback, ProxyUsage, _as_guid, _ComObject, _describe, _enum_or_int,
    _s32, _vcall, filetime_to_datetime, guid_symbol, co_create_instance, library, take_wide, to_wide,
)

PathLike = Union[str, "os.PathLike[str]"]

#: Job properties of ours (IBackgroundCopyJob5; see deliveryopt.h).
DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND = 0x1000
DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS = 0x1001


class _PropertyValue(Structure):
    """BITS_JOB_PROPERTY_VALUE passed by value: a 16-byte union, passed like two 64-bit
    integers (ctypes cannot pass unions by value); the value sits in the low bytes."""
    _fields_ = [("low", c_uint64), ("high", c_uint64)]


__all__ = [
    "Manager", "Job", "JobEnumerator", "File", "FileEnumerator", "ErrorInfo", "TransferError",
    "download",
]


# --------------------------------------------------------------------------------------------
# Errors of a job
# --------------------------------------------------------------------------------------------

class TransferError(BitsError):
    """A job went to ERROR (or TRANSIENT_ERROR, where that counts as failure). ``hr`` is the
    job's error code (e.g. ``0x80190194``, BG_E_HTTP_ERROR_404), ``description`` the library's
    text (it names the URL and the cause); ``context`` (:class:`ErrorContext`),
    ``remote_name``/``local_name`` of the file involved (None when the error is not about a
    file), ``protocol`` (``"http"``, ``"file"`` or None) and ``job_id`` say the rest."""

    def __init__(self, hr: int, method: str = "", description: Optional[str] = None, *,
                 context: Optional[int] = None, context_description: Optional[str] = None,
                 protocol: Optional[str] = None, remote_name: Optional[str] = None,
                 local_name: Optional[str] = None, job_id: Optional[uuid.UUID] = None):
        self.context: Optional[ErrorContext] = (
            _enum_or_int(ErrorContext, context) if context is not None else None)
        self.context_description: Optional[str] = context_description
        self.protocol: Optional[str] = protocol
        self.remote_name: Optional[str] = remote_name
        self.local_name: Optional[str] = local_name
        self.job_id: Optional[uuid.UUID] = job_id
        super().__init__(hr, method, description)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_rebuild_transfer_error,
                (type(self), int(self.hr), self.method, self.description, self.__dict__.copy()))


def _rebuild_transfer_error(cls: Any, hr: int, method: str, description: Optional[str],
                            state: Dict[str, Any]) -> "TransferError":
    err: TransferError = cls(hr, method, description)
    err.__dict__.update(state)
    return err


class ErrorInfo(_ComObject):
    """IBackgroundCopyError (bits-core.md §6): what made a job fail. ``job.error`` and the
    ``on_error`` callback give one."""

    S = IBackgroundCopyErrorSlots

    def _get_error(self) -> Tuple[int, int]:
        ctx, code = c_int32(), c_int32()
        self._call(self.S.GetError, (POINTER(c_int32), POINTER(c_int32)), byref(ctx),
                   byref(code), name="GetError")
        return ctx.value, code.value

    @property
    def hr(self) -> HResult:
        """The error's HRESULT (unsigned; compares equal to the signed spelling too)."""
        return HResult(self._get_error()[1])

    @property
    def context(self) -> ErrorContext:
        return _enum_or_int(ErrorContext, self._get_error()[0])  # type: ignore[no-any-return]

    def get_description(self, lang: int = LANG_EN_US) -> Optional[str]:
        text = LPWSTR()
        self._call(self.S.GetErrorDescription, (DWORD, POINTER(LPWSTR)), lang, byref(text),
                   name="GetErrorDescription")
        return take_wide(text)

    @property
    def description(self) -> Optional[str]:
        """The message text (English), naming the file's URL and the cause."""
        return self.get_description()

    @property
    def context_description(self) -> Optional[str]:
        text = LPWSTR()
        self._call(self.S.GetErrorContextDescription, (DWORD, POINTER(LPWSTR)), LANG_EN_US,
                   byref(text), name="GetErrorContextDescription")
        return take_wide(text)

    @property
    def protocol(self) -> Optional[str]:
        """``"http"`` (HTTP and HTTPS), ``"file"``, or None when no transfer protocol was
        involved."""
        text = LPWSTR()
        hr = _vcall(self.ptr, self.S.GetProtocol, HRESULT, (POINTER(LPWSTR),), byref(text))
        if hr == BG_E_PROTOCOL_NOT_AVAILABLE:
            return None
        _check(hr, "GetProtocol")
        return take_wide(text)

    @property
    def file(self) -> Optional["File"]:
        """The file involved, or None when the error is not about one file."""
        out = c_void_p()
        hr = _vcall(self.ptr, self.S.GetFile, HRESULT, (POINTER(c_void_p),), byref(out))
        if hr == BG_E_FILE_NOT_AVAILABLE:
            return None
        _check(hr, "GetFile")
        return File(out.value) if out.value else None

    def to_exception(self, method: str = "", job_id: Optional[uuid.UUID] = None
                     ) -> TransferError:
        """A :class:`TransferError` carrying everything this object says."""
        ctx, code = self._get_error()
        remote = local = None
        f = self.file
        if f is not None:
            with f:
                remote, local = f.remote_name, f.local_name
        return TransferError(code, method, self.description, context=ctx,
                             context_description=self.context_description,
                             protocol=self.protocol, remote_name=remote, local_name=local,
                             job_id=job_id)

    def __repr__(self) -> str:
        if self._ptr is None:
            return "<ErrorInfo released>"
        try:
            ctx, code = self._get_error()
            return "<ErrorInfo %s (%s) in %s>" % (HResult(code), HResult(code).name,
                                                 _enum_or_int(ErrorContext, ctx))
        except Exception:
            return "<ErrorInfo 0x%x>" % self._ptr


def _check(hr: int, method: str) -> int:
    if _s32(hr) < 0:
        raise BitsError(hr, method, _describe(hr))
    return hr


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------

class File(_ComObject):
    """IBackgroundCopyFile (bits-core.md §5): one file of a job."""

    S = IBackgroundCopyFileSlots

    @property
    def remote_name(self) -> str:
        v = LPWSTR()
        self._call(self.S.GetRemoteName, (POINTER(LPWSTR),), byref(v), name="GetRemoteName")
        return take_wide(v) or ""

    @property
    def local_name(self) -> str:
        v = LPWSTR()
        self._call(self.S.GetLocalName, (POINTER(LPWSTR),), byref(v), name="GetLocalName")
        return take_wide(v) or ""

    @property
    def progress(self) -> FileProgress:
        p = BG_FILE_PROGRESS()
        self._call(self.S.GetProgress, (POINTER(BG_FILE_PROGRESS),), byref(p),
                   name="GetProgress")
        return FileProgress(p.BytesTotal, p.BytesTransferred, bool(p.Completed))

    def __repr__(self) -> str:
        if self._ptr is None:
            return "<File released>"
        try:
            return "<File %s -> %s>" % (self.remote_name, self.local_name)
        except Exception:
            return "<File 0x%x>" % self._ptr


class _Enumerator(_ComObject):
    """IEnumBackgroundCopyJobs / IEnumBackgroundCopyFiles (bits-core.md §7)."""

    S = IEnumBackgroundCopyJobsSlots
    _item: Any = None

    def next(self, count: int = 1) -> List[Any]:
        """Next(count): up to ``count`` items (fewer at the end)."""
        arr = (c_void_p * max(count, 1))()
        fetched = ULONG()
        self._call(self.S.Next, (ULONG, POINTER(c_void_p), POINTER(ULONG)), count, arr,
                   byref(fetched), name="Next")
        return [self._item(arr[i]) for i in range(fetched.value)]

    def skip(self, count: int) -> bool:
        """Skip; False if it ran past the end (S_FALSE)."""
        return self._call(self.S.Skip, (ULONG,), count, name="Skip") == S_OK

    def reset(self) -> None:
        self._call(self.S.Reset, name="Reset")

    def clone(self) -> Any:
        out = c_void_p()
        self._call(self.S.Clone, (POINTER(c_void_p),), byref(out), name="Clone")
        return type(self)(out.value)  # type: ignore[arg-type]

    @property
    def count(self) -> int:
        """GetCount: number of items in the snapshot."""
        n = ULONG()
        self._call(self.S.GetCount, (POINTER(ULONG),), byref(n), name="GetCount")
        return n.value

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Any]:
        while True:
            batch = self.next(1)
            if not batch:
                return
            yield batch[0]


class FileEnumerator(_Enumerator):
    """IEnumBackgroundCopyFiles; iterating yields :class:`File` objects."""

    _item = File

    def __iter__(self) -> Iterator[File]:
        return super().__iter__()


# --------------------------------------------------------------------------------------------
# Jobs
# --------------------------------------------------------------------------------------------

_STOP_STATES = (JobState.TRANSFERRED, JobState.ERROR, JobState.SUSPENDED,
                JobState.ACKNOWLEDGED, JobState.CANCELLED)


class Job(_ComObject):
    """IBackgroundCopyJob (bits-core.md §4).

    Properties read and write the job (every access is a call into the library); the state
    changes are methods. As a context manager (``with manager.create_job("name") as job:``) a
    job made by :meth:`Manager.create_job` is cancelled at the end of the block unless it was
    completed (or cancelled) inside it, and the wrapper's reference is released; a job from
    :meth:`Manager.get_job` or an enumeration is only released.
    """

    S = IBackgroundCopyJobSlots

    def __init__(self, ptr: int):
        super().__init__(ptr)
        self._cancel_on_exit = False
        self._callback: Optional[Callback] = None

    # -- small helpers -----------------------------------------------------------------------

    def _get_ulong(self, slot: int, name: str) -> int:
        v = ULONG()
        self._call(slot, (POINTER(ULONG),), byref(v), name=name)
        return v.value

    def _get_int(self, slot: int, name: str) -> int:
        v = c_int32()
        self._call(slot, (POINTER(c_int32),), byref(v), name=name)
        return v.value

    def _get_str(self, slot: int, name: str) -> str:
        v = LPWSTR()
        self._call(slot, (POINTER(LPWSTR),), byref(v), name=name)
        return take_wide(v)  # type: ignore[return-value]

    def _set_str(self, slot: int, value: Optional[str], name: str) -> None:
        self._call(slot, (LPWSTR,), to_wide(value), name=name)

    # -- identity ----------------------------------------------------------------------------

    @property
    def guid(self) -> GUID:
        """The job's GUID as the C struct."""
        g = GUID()
        self._call(self.S.GetId, (POINTER(GUID),), byref(g), name="GetId")
        return g

    @property
    def id(self) -> uuid.UUID:
        """The job's GUID (it also compares equal to a :class:`GUID` and its string form)."""
        return self.guid.to_uuid()

    @property
    def job_type(self) -> JobType:
        return _enum_or_int(JobType, self._get_int(self.S.GetType, "GetType"))  # type: ignore

    @property
    def owner(self) -> str:
        """The owner's SID string (``S-1-22-1-<uid>`` for a Unix user)."""
        return self._get_str(self.S.GetOwner, "GetOwner")

    # -- read/write properties ---------------------------------------------------------------

    @property
    def display_name(self) -> str:
        return self._get_str(self.S.GetDisplayName, "GetDisplayName")

    @display_name.setter
    def display_name(self, value: str) -> None:
        self._set_str(self.S.SetDisplayName, value, "SetDisplayName")

    @property
    def description(self) -> str:
        return self._get_str(self.S.GetDescription, "GetDescription")

    @description.setter
    def description(self, value: str) -> None:
        self._set_str(self.S.SetDescription, value, "SetDescription")

    @property
    def priority(self) -> JobPriority:
        return _enum_or_int(JobPriority,  # type: ignore[no-any-return]
                            self._get_int(self.S.GetPriority, "GetPriority"))

    @priority.setter
    def priority(self, value: int) -> None:
        self._call(self.S.SetPriority, (c_int32,), int(value), name="SetPriority")

    @property
    def notify_flags(self) -> NotifyFlags:
        return NotifyFlags(self._get_ulong(self.S.GetNotifyFlags, "GetNotifyFlags"))

    @notify_flags.setter
    def notify_flags(self, value: int) -> None:
        self._call(self.S.SetNotifyFlags, (ULONG,), int(value), name="SetNotifyFlags")

    @property
    def min_retry_delay(self) -> int:
        """Seconds before a TRANSIENT_ERROR job is retried (values below 5 become 5)."""
        return self._get_ulong(self.S.GetMinimumRetryDelay, "GetMinimumRetryDelay")

    @min_retry_delay.setter
    def min_retry_delay(self, seconds: int) -> None:
        self._call(self.S.SetMinimumRetryDelay, (ULONG,), seconds, name="SetMinimumRetryDelay")

    @property
    def no_progress_timeout(self) -> int:
        """Seconds a job may stay in TRANSIENT_ERROR without progress before it is ERROR."""
        return self._get_ulong(self.S.GetNoProgressTimeout, "GetNoProgressTimeout")

    @no_progress_timeout.setter
    def no_progress_timeout(self, seconds: int) -> None:
        self._call(self.S.SetNoProgressTimeout, (ULONG,), seconds, name="SetNoProgressTimeout")

    @property
    def proxy_settings(self) -> Tuple[Any, Optional[str], Optional[str]]:
        """``(ProxyUsage, proxy_list or None, bypass_list or None)``."""
        usage = c_int32()
        plist, bypass = LPWSTR(), LPWSTR()
        self._call(self.S.GetProxySettings, (POINTER(c_int32), POINTER(LPWSTR), POINTER(LPWSTR)),
                   byref(usage), byref(plist), byref(bypass), name="GetProxySettings")
        return (_enum_or_int(ProxyUsage, usage.value), take_wide(plist), take_wide(bypass))

    def set_proxy_settings(self, usage: int, proxy_list: Optional[str] = None,
                           bypass_list: Optional[str] = None) -> None:
        """Lists are space-separated and only allowed (ProxyList required) with OVERRIDE."""
        self._call(self.S.SetProxySettings, (c_int32, LPWSTR, LPWSTR), int(usage),
                   to_wide(proxy_list), to_wide(bypass_list), name="SetProxySettings")

    # -- status ------------------------------------------------------------------------------

    @property
    def state(self) -> JobState:
        return _enum_or_int(JobState,  # type: ignore[no-any-return]
                            self._get_int(self.S.GetState, "GetState"))

    @property
    def progress(self) -> JobProgress:
        p = BG_JOB_PROGRESS()
        self._call(self.S.GetProgress, (POINTER(BG_JOB_PROGRESS),), byref(p), name="GetProgress")
        return JobProgress(p.BytesTotal, p.BytesTransferred, p.FilesTotal, p.FilesTransferred)

    @property
    def times(self) -> JobTimes:
        t = BG_JOB_TIMES()
        self._call(self.S.GetTimes, (POINTER(BG_JOB_TIMES),), byref(t), name="GetTimes")
        return JobTimes(int(t.CreationTime), int(t.ModificationTime),
                        int(t.TransferCompletionTime))

    @property
    def creation_time(self) -> Optional[_dt.datetime]:
        return filetime_to_datetime(self.times.creation)

    @property
    def modification_time(self) -> Optional[_dt.datetime]:
        return filetime_to_datetime(self.times.modification)

    @property
    def transfer_completion_time(self) -> Optional[_dt.datetime]:
        """When the job reached TRANSFERRED; None before."""
        return filetime_to_datetime(self.times.transfer_completion)

    @property
    def error_count(self) -> int:
        return self._get_ulong(self.S.GetErrorCount, "GetErrorCount")

    @property
    def error(self) -> Optional[ErrorInfo]:
        """The job's error (in ERROR and TRANSIENT_ERROR), else None."""
        out = c_void_p()
        hr = _vcall(self.ptr, self.S.GetError, HRESULT, (POINTER(c_void_p),), byref(out))
        if hr == BG_E_ERROR_INFORMATION_UNAVAILABLE:
            return None
        _check(hr, "GetError")
        return ErrorInfo(out.value) if out.value else None

    # -- files -------------------------------------------------------------------------------

    def add_file(self, remote_url: str, local_path: PathLike) -> None:
        """AddFile. ``local_path`` may be relative (it is made absolute against the current
        directory); its directory must exist. Nothing appears there until :meth:`complete`."""
        local = os.path.abspath(os.fspath(local_path))
        self._call(self.S.AddFile, (LPWSTR, LPWSTR), to_wide(remote_url), to_wide(local),
                   name="AddFile")

    def add_files(self, files: Iterable[Tuple[str, PathLike]]) -> None:
        """AddFileSet: ``(remote_url, local_path)`` pairs, added all or none."""
        pairs = [(url, os.path.abspath(os.fspath(path))) for url, path in files]
        keep = []
        arr = (BG_FILE_INFO * max(len(pairs), 1))()
        for i, (url, path) in enumerate(pairs):
            w_url, w_path = to_wide(url), to_wide(path)
            keep += [w_url, w_path]
            arr[i].RemoteName = cast(w_url, LPWSTR)
            arr[i].LocalName = cast(w_path, LPWSTR)
        self._call(self.S.AddFileSet, (ULONG, POINTER(BG_FILE_INFO)), len(pairs), arr,
                   name="AddFileSet")
        del keep

    # -- properties of ours (IBackgroundCopyJob5 SetProperty / GetProperty) ------------------

    def _get_property(self, prop_id: int) -> int:
        value = (c_uint64 * 2)()  # BITS_JOB_PROPERTY_VALUE: 16 bytes
        self._later_call("IID_IBackgroundCopyJob5", 54, (DWORD, POINTER(c_uint64 * 2)), prop_id,
                         byref(value), name="GetProperty")
        return int(value[0])

    def _set_property(self, prop_id: int, low: int) -> None:
        self._later_call("IID_IBackgroundCopyJob5", 53, (DWORD, _PropertyValue), prop_id,
                         _PropertyValue(low, 0), name="SetProperty")

    @property
    def max_bytes_per_second(self) -> int:
        """The job's bandwidth limit in bytes per second, for all its connections together (0: no
        limit). A property of ours (DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND)."""
        return self._get_property(DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND)

    @max_bytes_per_second.setter
    def max_bytes_per_second(self, value: int) -> None:
        self._set_property(DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND, int(value))

    @property
    def max_segments(self) -> int:
        """The most connections one large file of the job is fetched over (0: the engine's
        default, 8; 1: one connection; at most 16, more raises BitsError E_INVALIDARG). A
        property of ours (DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS); download jobs only."""
        return self._get_property(DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS) & 0xFFFFFFFF

    @max_segments.setter
    def max_segments(self, value: int) -> None:
        self._set_property(DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS, int(value) & 0xFFFFFFFF)

    # -- upload-reply jobs (IBackgroundCopyJob2) ---------------------------------------------

    def _job2_call(self, slot: int, argtypes: Sequence[Any], *args: Any, name: str) -> int:
        """Calls an IBackgroundCopyJob2 slot on this job (through QueryInterface)."""
        return self._later_call("IID_IBackgroundCopyJob2", slot, argtypes, *args, name=name)

    def _later_call(self, iid: str, slot: int, argtypes: Sequence[Any], *args: Any, name: str) -> int:
        """Calls slot `slot` of a later job interface (`iid`, an IID symbol's name) on this job,
        through QueryInterface."""
        p = self.query_interface(guid_symbol(iid))
        try:
            hr = _vcall(p, slot, HRESULT, argtypes, *args)
        finally:
            _vcall(p, IUnknownSlots.Release, ULONG, ())
        return _check(hr, name)

    @property
    def reply_progress(self) -> Tuple[Optional[int], int]:
        """GetReplyProgress of an upload-reply job: (bytes total or None while unknown, bytes
        received). BitsError E_NOTIMPL for other jobs."""
        pair = (c_uint64 * 2)()  # BG_JOB_REPLY_PROGRESS: BytesTotal, BytesTransferred
        self._job2_call(37, (POINTER(c_uint64 * 2),), byref(pair), name="GetReplyProgress")
        total, done = int(pair[0]), int(pair[1])
        return (None if total == 0xFFFFFFFFFFFFFFFF else total), done

    def reply_data(self) -> bytes:
        """GetReplyData: the server's reply (upload-reply jobs, once TRANSFERRED; up to 1 MB,
        BitsError BG_E_TOO_LARGE above). Empty when the server sent none."""
        buf, length = c_void_p(), c_uint64()
        self._job2_call(38, (POINTER(c_void_p), POINTER(c_uint64)), byref(buf), byref(length),
                        name="GetReplyData")
        if not buf.value:
            return b""
        try:
            return string_at(buf.value, int(length.value))
        finally:
            library().CoTaskMemFree(buf.value)

    @property
    def reply_file_name(self) -> Optional[str]:
        """Where the reply goes (None before one is set or chosen). Set it before :meth:`resume`;
        ``None`` lets the library choose a name beside the uploaded file."""
        out = c_void_p()
        self._job2_call(40, (POINTER(c_void_p),), byref(out), name="GetReplyFileName")
        return take_wide(out)

    @reply_file_name.setter
    def reply_file_name(self, path: Optional[PathLike]) -> None:
        value = None if path is None else to_wide(os.path.abspath(os.fspath(path)))
        self._job2_call(39, (LPWSTR,), value, name="SetReplyFileName")

    def enum_files(self) -> FileEnumerator:
        out = c_void_p()
        self._call(self.S.EnumFiles, (POINTER(c_void_p),), byref(out), name="EnumFiles")
        return FileEnumerator(out.value)  # type: ignore[arg-type]

    @property
    def files(self) -> List[File]:
        """The job's files, in the order they were added."""
        with self.enum_files() as files:
            return list(files)

    # -- state changes -----------------------------------------------------------------------

    def suspend(self) -> None:
        self._call(self.S.Suspend, name="Suspend")

    def resume(self) -> None:
        """Raises BitsError(BG_E_EMPTY) for a job without files."""
        self._call(self.S.Resume, name="Resume")

    def cancel(self) -> int:
        """-> CANCELLED. Returns the (success) HRESULT, e.g. BG_S_UNABLE_TO_DELETE_FILES."""
        return self._call(self.S.Cancel, name="Cancel")

    def complete(self) -> int:
        """-> ACKNOWLEDGED: the transferred files appear under their names. Returns the
        (success) HRESULT, e.g. BG_S_PARTIAL_COMPLETE."""
        return self._call(self.S.Complete, name="Complete")

    @property
    def is_final(self) -> bool:
        return self.state in (JobState.ACKNOWLEDGED, JobState.CANCELLED)

    def wait(self, timeout: Optional[float] = None, *,
             progress: Optional[ProgressCallback] = None,
             raise_on_error: bool = True, fail_on_transient: bool = False,
             poll_interval: float = 0.2) -> JobState:
        """Waits until the job stops moving by itself and returns the state it is in:
        TRANSFERRED, ERROR, SUSPENDED, ACKNOWLEDGED or CANCELLED (TRANSIENT_ERROR too with
        ``fail_on_transient``). A job in TRANSIENT_ERROR is otherwise waited for, as the
        library retries it.

        ``progress(bytes_transferred, bytes_total)`` is called on this thread whenever those
        change (``bytes_total`` is None while unknown), last with the final values.
        ERROR (and, with ``fail_on_transient``, TRANSIENT_ERROR) raises
        :class:`TransferError` unless ``raise_on_error`` is False. ``timeout`` (seconds)
        raises :class:`TimeoutError`; the job is left as it is. Wakes up at once for the
        callbacks of a :class:`Callback` set through this wrapper, and polls every
        ``poll_interval`` seconds otherwise.
        """
        return self._wait(timeout, progress, raise_on_error, fail_on_transient, poll_interval,
                          "wait")

    def _wait(self, timeout: Optional[float], progress: Optional[ProgressCallback],
              raise_on_error: bool, fail_on_transient: bool, poll_interval: float,
              method: str) -> JobState:
        deadline = None if timeout is None else time.monotonic() + timeout
        last: Optional[Tuple[int, Optional[int]]] = None
        while True:
            cb = self._callback
            if cb is not None:
                cb._wakeup.clear()
            state = self.state
            if progress is not None:
                p = self.progress
                now = (p.bytes_transferred, p.total)
                if now != last:
                    last = now
                    progress(*now)
            failed = state == JobState.ERROR or (
                fail_on_transient and state == JobState.TRANSIENT_ERROR)
            if failed:
                if raise_on_error:
                    raise self._transfer_error(method)
                return state
            if state in _STOP_STATES:
                return state
            wait_for = poll_interval
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("job %s still %s after %s s"
                                       % (self.id, getattr(state, "name", state), timeout))
                wait_for = min(wait_for, left)
            if cb is not None:
                cb._wakeup.wait(wait_for)
            else:
                time.sleep(wait_for)

    def _transfer_error(self, method: str) -> BitsError:
        err = self.error
        if err is None:  # the job moved on meanwhile
            return BitsError(BG_E_INVALID_STATE, method, "the job failed, but its error "
                             "information is gone (state %s)" % self.state)
        with err:
            return err.to_exception(method, self.id)

    # -- callbacks ---------------------------------------------------------------------------

    def _notify_interface_ptr(self) -> Optional[int]:
        out = c_void_p()
        self._call(self.S.GetNotifyInterface, (POINTER(c_void_p),), byref(out),
                   name="GetNotifyInterface")
        if not out.value:
            return None
        _vcall(out.value, IUnknownSlots.Release, ULONG, ())  # we only compare the address
        return out.value

    def _set_notify_interface_ptr(self, ptr: Optional[int]) -> None:
        self._call(self.S.SetNotifyInterface, (c_void_p,), ptr, name="SetNotifyInterface")

    @property
    def callback(self) -> Optional[Callback]:
        """The :class:`Callback` set through this wrapper (None if none was). Setting it
        registers the object with the job (SetNotifyInterface; the library holds a reference
        until it is replaced or removed, or the job ends); None removes it. The notify flags
        are not changed: see :meth:`set_callbacks`."""
        return self._callback

    @callback.setter
    def callback(self, cb: Optional[Callback]) -> None:
        if cb is not None and not isinstance(cb, Callback):
            raise TypeError("callback must be a deliveryopt.Callback (or None)")
        job_id = self.id
        self._set_notify_interface_ptr(cb.ptr if cb is not None else None)
        old, self._callback = self._callback, cb
        if old is not None and old is not cb:
            old._job_ids.discard(job_id)
        if cb is not None:
            cb._job_ids.add(job_id)

    def set_callbacks(self, on_transferred: Optional[Callable[["Job"], Any]] = None,
                      on_error: Optional[Callable[["Job", ErrorInfo], Any]] = None,
                      on_modification: Optional[Callable[["Job"], Any]] = None,
                      on_file_transferred: Optional[Callable[["Job", File], Any]] = None, *,
                      flags: Optional[int] = None) -> Callback:
        """Registers Python callables for the job's notifications and returns the
        :class:`Callback` made for them. The notify flags become JOB_TRANSFERRED | JOB_ERROR,
        plus JOB_MODIFICATION / FILE_TRANSFERRED when those handlers are given (or
        ``flags``). ``on_transferred(job)``, ``on_error(job, error)``,
        ``on_modification(job)`` and ``on_file_transferred(job, file)`` run on a library
        thread; see :class:`Callback`."""
        cb = Callback(on_transferred, on_error, on_modification, on_file_transferred)
        if flags is None:
            flags = NotifyFlags.JOB_TRANSFERRED | NotifyFlags.JOB_ERROR
            if on_modification is not None:
                flags |= NotifyFlags.JOB_MODIFICATION
            if on_file_transferred is not None:
                flags |= NotifyFlags.FILE_TRANSFERRED
        self.notify_flags = flags
        self.callback = cb
        return cb

    # -- context manager ---------------------------------------------------------------------

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if self._cancel_on_exit and self._ptr is not None:
                try:
                    if self.state not in (JobState.ACKNOWLEDGED, JobState.CANCELLED):
                        self.cancel()
                except BitsError as err:
                    # Someone completed/cancelled it meanwhile; or report it unless the block
                    # is already raising something.
                    if exc_type is None and err.hr != BG_E_INVALID_STATE:
                        raise
        finally:
            self.release()

    def __repr__(self) -> str:
        if self._ptr is None:
            return "<Job released>"
        try:
            state = self.state
            return "<Job %s %r %s>" % (self.id, self.display_name,
                                       state.name if isinstance(state, JobState) else state)
        except Exception:
            return "<Job 0x%x>" % self._ptr


class JobEnumerator(_Enumerator):
    """IEnumBackgroundCopyJobs (bits-core.md §7); iterating yields :class:`Job` objects."""

    _item = Job

    def next(self, count: int = 1) -> List[Job]:
        return super().next(count)

    def clone(self) -> "JobEnumerator":
        return super().clone()  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[Job]:
        return super().__iter__()


# --------------------------------------------------------------------------------------------
# The manager
# --------------------------------------------------------------------------------------------

class Manager(_ComObject):
    """IBackgroundCopyManager (bits-core.md §3): makes and finds jobs.

    ``with Manager() as m:`` releases it at the end of the block. The first manager of a
    process connects to (or starts) the ``deliveryoptd`` service of the job store.
    """

    def __init__(self, clsid: Optional[GuidLike] = None, ctx: int = CLSCTX_LOCAL_SERVER):
        clsid = guid_symbol("CLSID_BackgroundCopyManager") if clsid is None else clsid
        super().__init__(co_create_instance(clsid, guid_symbol("IID_IBackgroundCopyManager"), ctx))

    def _call(self, slot: int, argtypes: Sequence[Any] = (), *args: Any, name: str = "") -> int:
        hr = _vcall(self.ptr, slot, HRESULT, argtypes, *args)
        if hr < 0:
            raise BitsError(hr, name, _describe(hr, self.ptr))
        return hr  # type: ignore[no-any-return]

    def create_job(self, name: str, job_type: int = JobType.DOWNLOAD) -> Job:
        """CreateJob; the new job is SUSPENDED until it has files and is resumed. Used as a
        context manager, the job is cancelled at the end of the block unless completed."""
        wname = to_wide(name)
        job_id = GUID()
        out = c_void_p()
        self._call(IBackgroundCopyManagerSlots.CreateJob,
                   (LPWSTR, c_int32, POINTER(GUID), POINTER(c_void_p)),
                   wname, int(job_type), byref(job_id), byref(out), name="CreateJob")
        job = Job(out.value)  # type: ignore[arg-type]
        job._cancel_on_exit = True
        return job

    def get_job(self, job_id: GuidLike) -> Job:
        """GetJob; raises BitsError(BG_E_NOT_FOUND) for unknown or final jobs."""
        gid = _as_guid(job_id)
        out = c_void_p()
        self._call(IBackgroundCopyManagerSlots.GetJob, (POINTER(GUID), POINTER(c_void_p)),
                   byref(gid), byref(out), name="GetJob")
        return Job(out.value)  # type: ignore[arg-type]

    def enum_jobs(self, flags: int = 0) -> JobEnumerator:
        """EnumJobs: a snapshot enumerator (flags: BG_JOB_ENUM_ALL_USERS needs root)."""
        out = c_void_p()
        self._call(IBackgroundCopyManagerSlots.EnumJobs, (DWORD, POINTER(c_void_p)),
                   flags, byref(out), name="EnumJobs")
        return JobEnumerator(out.value)  # type: ignore[arg-type]

    def jobs(self, flags: int = 0) -> List[Job]:
        """All of the caller's non-final jobs (each Job holds its own reference)."""
        with self.enum_jobs(flags) as enum_:
            return list(enum_)

    def error_description(self, hr: int, lang: int = LANG_EN_US) -> str:
        """GetErrorDescription: message text for any HRESULT (signed or unsigned)."""
        text = LPWSTR()
        self._call(IBackgroundCopyManagerSlots.GetErrorDescription,
                   (HRESULT, DWORD, POINTER(LPWSTR)),
                   _s32(int(hr)), lang, byref(text), name="GetErrorDescription")
        return take_wide(text)  # type: ignore[return-value]

    def download(self, url: str, path: PathLike, *,
                 progress: Optional[ProgressCallback] = None,
                 timeout: Optional[float] = None,
                 priority: int = JobPriority.FOREGROUND,
                 display_name: Optional[str] = None,
                 retry: bool = False,
                 poll_interval: float = 0.2) -> Path:
        """Downloads ``url`` to ``path`` in a job of its own and returns the absolute path.

        Creates the job (FOREGROUND priority unless told otherwise), adds the file, resumes
        it, waits until it is TRANSFERRED (calling ``progress(bytes_transferred,
        bytes_total)`` on this thread as bytes arrive; ``bytes_total`` is None until known)
        and completes it, which puts the file in place. If the job fails,
        :class:`TransferError` is raised with the job's error HRESULT (``e.hr``; e.g.
        ``0x80190194`` for HTTP 404) and the job is cancelled, as it is for any other
        exception (one raised by ``progress``, :class:`TimeoutError` after ``timeout``
        seconds, KeyboardInterrupt...). A transient error (server unreachable, HTTP 503...)
        fails at once too, unless ``retry=True``: then the job retries as BITS does (after
        its MinimumRetryDelay, until its NoProgressTimeout).
        """
        dest = Path(os.path.abspath(os.fspath(path)))
        name = display_name if display_name is not None else ("download " + url)[:256]
        with self.create_job(name) as job:
            job.priority = priority
            job.add_file(url, dest)
            # Wake-ups as soon as something happens, instead of waiting for the next poll.
            job.set_callbacks(flags=NotifyFlags.JOB_TRANSFERRED | NotifyFlags.JOB_ERROR
                              | NotifyFlags.JOB_MODIFICATION)
            job.resume()
            state = job._wait(timeout, progress, True, not retry, poll_interval, "download")
            if state != JobState.TRANSFERRED:
                raise BitsError(BG_E_INVALID_STATE, "download",
                                "the job stopped in state %s before it was transferred"
                                % getattr(state, "name", state))
            job.complete()
        return dest

    def __repr__(self) -> str:
        return "<Manager %s>" % ("released" if self._ptr is None else "0x%x" % self._ptr)


def download(url: str, path: PathLike, *, progress: Optional[ProgressCallback] = None,
             **kwargs: Any) -> Path:
    """``Manager().download(url, path, progress=...)`` with a manager of its own; see
    :meth:`Manager.download` for the keyword arguments."""
    with Manager() as manager:
        return manager.download(url, path, progress=progress, **kwargs)
