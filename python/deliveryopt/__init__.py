"""ctypes binding for ``libdeliveryopt.so``, a Linux implementation of Windows BITS.

The library exposes COM-style objects: a pointer to a struct whose first member points at a vtable
of function pointers (slots 0-2 are IUnknown's QueryInterface/AddRef/Release). Methods return an
HRESULT (int32); strings are NUL-terminated UTF-16LE; out strings are allocated with
``CoTaskMemAlloc`` and freed here with ``CoTaskMemFree``.

Typical use::

    import deliveryopt as do

    with do.Manager() as mgr, mgr.create_job("my job") as job:
        job.description = "fetches things"
        print(job.id, job.state, job.progress)
        job.cancel()

Every wrapper (:class:`Manager`, :class:`Job`, :class:`JobEnumerator`) owns exactly one COM
reference and calls ``Release`` exactly once: on ``release()``, at the end of a ``with`` block, or
(as a fallback) when it is garbage-collected.

Slot numbers and values come from the shared spec in ``/work/shared/spec``:
``bits-core.md`` (vtables), ``guids.md`` (GUIDs), ``errors.md`` (HRESULTs) and
``enums-structs.md`` (enums and struct layouts).
"""

from __future__ import annotations

import ctypes
import datetime as _dt
import enum
import functools
import os
import uuid
from collections import namedtuple
from ctypes import POINTER, byref, c_int32, c_uint8, c_uint16, c_uint32, c_uint64, c_void_p
from pathlib import Path
from typing import List, Optional, Union

__all__ = [
    "GUID", "ComError", "Manager", "Job", "JobEnumerator", "JobProgress", "JobTimes",
    "JobState", "JobType", "JobPriority", "NotifyFlags", "ProxyUsage",
    "library", "library_path", "guid_symbol", "co_create_instance", "check", "succeeded",
    "filetime_to_datetime", "hr_name",
]

# --------------------------------------------------------------------------------------------
# Library loading
# --------------------------------------------------------------------------------------------

_REPO_ROOT = Path(__file__).resolve().parents[2]
_DEFAULT_BUILD = _REPO_ROOT / "target" / "debug" / "libdeliveryopt.so"
_SONAME = "libdeliveryopt.so"


def library_path() -> str:
    """Where the library is loaded from: ``$DELIVERYOPT_LIB``, else the repository's debug build,
    else the bare soname (resolved by the dynamic loader)."""
    env = os.environ.get("DELIVERYOPT_LIB")
    if env:
        return env
    if _DEFAULT_BUILD.is_file():
        return str(_DEFAULT_BUILD)
    return _SONAME


@functools.lru_cache(maxsize=None)
def library() -> ctypes.CDLL:
    """Loads the library once and declares the prototypes of the exported functions."""
    lib = ctypes.CDLL(library_path())
    lib.CoCreateInstance.restype = c_int32
    lib.CoCreateInstance.argtypes = [
        c_void_p,            # REFCLSID
        c_void_p,            # IUnknown *pUnkOuter
        c_uint32,            # DWORD dwClsContext
        c_void_p,            # REFIID
        POINTER(c_void_p),   # void **ppv
    ]
    lib.CoTaskMemFree.restype = None
    lib.CoTaskMemFree.argtypes = [c_void_p]
    return lib


# --------------------------------------------------------------------------------------------
# Basic types (enums-structs.md, "Binary conventions")
# --------------------------------------------------------------------------------------------

HRESULT = c_int32
ULONG = DWORD = c_uint32
LPWSTR = POINTER(c_uint16)   # UTF-16 code units, *not* Linux wchar_t


class GUID(ctypes.Structure):
    """``{u32 Data1; u16 Data2; u16 Data3; u8 Data4[8]}``, align 4 (enums-structs.md)."""

    _fields_ = [("Data1", c_uint32), ("Data2", c_uint16), ("Data3", c_uint16),
                ("Data4", c_uint8 * 8)]

    @classmethod
    def from_string(cls, text: str) -> "GUID":
        """Parses ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`` (braces optional)."""
        return cls.from_buffer_copy(uuid.UUID(text.strip("{}")).bytes_le)

    @classmethod
    def from_uuid(cls, value: uuid.UUID) -> "GUID":
        return cls.from_buffer_copy(value.bytes_le)

    def to_uuid(self) -> uuid.UUID:
        return uuid.UUID(bytes_le=bytes(self))

    def copy(self) -> "GUID":
        return GUID.from_buffer_copy(bytes(self))

    def __str__(self) -> str:
        return "{%s}" % str(self.to_uuid()).upper()

    def __repr__(self) -> str:
        return "GUID(%r)" % str(self)

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = GUID.from_string(other)
        if isinstance(other, uuid.UUID):
            other = GUID.from_uuid(other)
        if not isinstance(other, GUID):
            return NotImplemented
        return bytes(self) == bytes(other)

    def __ne__(self, other) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        return hash(bytes(self))


GuidLike = Union[GUID, str, uuid.UUID]


def _as_guid(value: GuidLike) -> GUID:
    if isinstance(value, GUID):
        return value
    if isinstance(value, uuid.UUID):
        return GUID.from_uuid(value)
    return GUID.from_string(value)


def guid_symbol(name: str) -> GUID:
    """A copy of an exported GUID data symbol, e.g. ``guid_symbol("IID_IBackgroundCopyJob")``."""
    return GUID.in_dll(library(), name).copy()


class FILETIME(ctypes.Structure):
    """100-ns ticks since 1601-01-01 UTC; 8 bytes, align 4 (enums-structs.md)."""

    _fields_ = [("dwLowDateTime", c_uint32), ("dwHighDateTime", c_uint32)]

    def __int__(self) -> int:
        return (self.dwHighDateTime << 32) | self.dwLowDateTime


class BG_JOB_PROGRESS(ctypes.Structure):
    """24 bytes, align 8 (enums-structs.md, BG_JOB_PROGRESS)."""

    _fields_ = [("BytesTotal", c_uint64), ("BytesTransferred", c_uint64),
                ("FilesTotal", c_uint32), ("FilesTransferred", c_uint32)]


class BG_JOB_TIMES(ctypes.Structure):
    """24 bytes, align 4 (enums-structs.md, BG_JOB_TIMES)."""

    _fields_ = [("CreationTime", FILETIME), ("ModificationTime", FILETIME),
                ("TransferCompletionTime", FILETIME)]


assert ctypes.sizeof(GUID) == 16 and ctypes.alignment(GUID) == 4
assert ctypes.sizeof(BG_JOB_PROGRESS) == 24
assert ctypes.sizeof(BG_JOB_TIMES) == 24 and ctypes.alignment(BG_JOB_TIMES) == 4

JobProgress = namedtuple("JobProgress",
                         "bytes_total bytes_transferred files_total files_transferred")
JobTimes = namedtuple("JobTimes", "creation modification transfer_completion")
JobTimes.__doc__ = "Raw FILETIME values (100-ns ticks since 1601, UTC); see filetime_to_datetime."

_FILETIME_UNIX_EPOCH = 116_444_736_000_000_000


def filetime_to_datetime(ticks: int) -> Optional[_dt.datetime]:
    """Converts a FILETIME tick count to an aware UTC datetime (None for 0, "never")."""
    if not ticks:
        return None
    epoch = _dt.datetime(1601, 1, 1, tzinfo=_dt.timezone.utc)
    return epoch + _dt.timedelta(microseconds=ticks // 10)


# --------------------------------------------------------------------------------------------
# Enums (enums-structs.md §1)
# --------------------------------------------------------------------------------------------

class JobState(enum.IntEnum):
    QUEUED = 0
    CONNECTING = 1
    TRANSFERRING = 2
    SUSPENDED = 3
    ERROR = 4
    TRANSIENT_ERROR = 5
    TRANSFERRED = 6
    ACKNOWLEDGED = 7
    CANCELLED = 8


class JobPriority(enum.IntEnum):
    FOREGROUND = 0
    HIGH = 1
    NORMAL = 2
    LOW = 3


class JobType(enum.IntEnum):
    DOWNLOAD = 0
    UPLOAD = 1
    UPLOAD_REPLY = 2


class NotifyFlags(enum.IntFlag):
    JOB_TRANSFERRED = 0x1
    JOB_ERROR = 0x2
    DISABLE = 0x4
    JOB_MODIFICATION = 0x8
    FILE_TRANSFERRED = 0x10
    FILE_RANGES_TRANSFERRED = 0x20


class ProxyUsage(enum.IntEnum):
    PRECONFIG = 0
    NO_PROXY = 1
    OVERRIDE = 2
    AUTODETECT = 3


def _enum_or_int(cls, value: int):
    try:
        return cls(value)
    except ValueError:       # an out-of-range value from the library: hand back the raw number
        return value


# CLSCTX values (CoCreateInstance dwClsContext)
CLSCTX_INPROC_SERVER = 0x1
CLSCTX_LOCAL_SERVER = 0x4
CLSCTX_ALL = 0x17

BG_JOB_ENUM_ALL_USERS = 0x1
LANG_EN_US = 0x409

# --------------------------------------------------------------------------------------------
# HRESULTs (errors.md) -- stored as signed int32, which is what the methods return
# --------------------------------------------------------------------------------------------


def _s32(value: int) -> int:
    return value - (1 << 32) if value & 0x80000000 else value


S_OK = 0
S_FALSE = 1
E_NOTIMPL = _s32(0x80004001)
E_NOINTERFACE = _s32(0x80004002)
E_POINTER = _s32(0x80004003)
E_FAIL = _s32(0x80004005)
E_ACCESSDENIED = _s32(0x80070005)
E_OUTOFMEMORY = _s32(0x8007000E)
E_INVALIDARG = _s32(0x80070057)
CLASS_E_NOAGGREGATION = _s32(0x80040110)
REGDB_E_CLASSNOTREG = _s32(0x80040154)
HRESULT_ERROR_RESOURCE_LANG_NOT_FOUND = _s32(0x80070717)
BG_E_NOT_FOUND = _s32(0x80200001)
BG_E_INVALID_STATE = _s32(0x80200002)
BG_E_EMPTY = _s32(0x80200003)
BG_E_FILE_NOT_AVAILABLE = _s32(0x80200004)
BG_E_PROTOCOL_NOT_AVAILABLE = _s32(0x80200005)
BG_E_ERROR_INFORMATION_UNAVAILABLE = _s32(0x8020000F)
BG_E_STRING_TOO_LONG = _s32(0x80200021)

_HR_NAMES = {v: k for k, v in list(globals().items())
             if (k.startswith(("S_", "E_", "BG_E_", "CLASS_E_", "REGDB_E_", "HRESULT_"))
                 and isinstance(v, int))}


def hr_name(hr: int) -> str:
    """``"BG_E_NOT_FOUND"`` for known codes, else the hex value."""
    hr = _s32(hr & 0xFFFFFFFF)
    return _HR_NAMES.get(hr, "0x%08X" % (hr & 0xFFFFFFFF))


def succeeded(hr: int) -> bool:
    return _s32(hr & 0xFFFFFFFF) >= 0


class ComError(Exception):
    """A failed HRESULT. ``hr`` is the signed int32 value, ``description`` the library's
    GetErrorDescription text (None when it has none)."""

    def __init__(self, hr: int, method: str = "", description: Optional[str] = None):
        self.hr = _s32(hr & 0xFFFFFFFF)
        self.method = method
        self.description = description
        text = "%s0x%08X (%s)" % (method + ": " if method else "", self.hr & 0xFFFFFFFF,
                                  hr_name(self.hr))
        if description:
            text += ": " + description.strip()
        super().__init__(text)

    @property
    def unsigned_hr(self) -> int:
        return self.hr & 0xFFFFFFFF


def check(hr: int, method: str = "") -> int:
    """Raises :class:`ComError` for a failure HRESULT; returns success codes (S_OK, S_FALSE...)."""
    if hr < 0:
        raise ComError(hr, method, _describe(hr))
    return hr


# --------------------------------------------------------------------------------------------
# Vtable calls
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _prototype(restype, argtypes):
    return ctypes.CFUNCTYPE(restype, c_void_p, *argtypes)


def _address(obj) -> int:
    if isinstance(obj, _ComObject):
        obj = obj.ptr
    if isinstance(obj, c_void_p):
        obj = obj.value
    if not obj:
        raise ValueError("NULL interface pointer")
    return int(obj)


def _vcall(obj, slot: int, restype, argtypes, *args):
    """Calls vtable ``slot`` of the COM object at ``obj`` (an address, c_void_p or wrapper),
    passing ``obj`` as the implicit ``this``. ``argtypes`` excludes ``this``."""
    this = _address(obj)
    vtbl = ctypes.cast(this, POINTER(c_void_p))[0]
    fn = ctypes.cast(vtbl, POINTER(c_void_p))[slot]
    if not fn:
        raise ValueError("vtable slot %d is NULL" % slot)
    return _prototype(restype, tuple(argtypes))(fn)(this, *args)


# Slot numbers: bits-core.md. Method lists in Microsoft Learn are alphabetical; these are the
# IDL declaration order given in the spec.

class IUnknownSlots:
    """bits-core.md §2 (IUnknown)."""
    QueryInterface = 0
    AddRef = 1
    Release = 2


class IBackgroundCopyManagerSlots(IUnknownSlots):
    """bits-core.md §3 (IBackgroundCopyManager)."""
    CreateJob = 3
    GetJob = 4
    EnumJobs = 5
    GetErrorDescription = 6


class IBackgroundCopyJobSlots(IUnknownSlots):
    """bits-core.md §4 (IBackgroundCopyJob)."""
    AddFileSet = 3
    AddFile = 4
    EnumFiles = 5
    Suspend = 6
    Resume = 7
    Cancel = 8
    Complete = 9
    GetId = 10
    GetType = 11
    GetProgress = 12
    GetTimes = 13
    GetState = 14
    GetError = 15
    GetOwner = 16
    SetDisplayName = 17
    GetDisplayName = 18
    SetDescription = 19
    GetDescription = 20
    SetPriority = 21
    GetPriority = 22
    SetNotifyFlags = 23
    GetNotifyFlags = 24
    SetNotifyInterface = 25
    GetNotifyInterface = 26
    SetMinimumRetryDelay = 27
    GetMinimumRetryDelay = 28
    SetNoProgressTimeout = 29
    GetNoProgressTimeout = 30
    GetErrorCount = 31
    SetProxySettings = 32
    GetProxySettings = 33
    TakeOwnership = 34


class IEnumBackgroundCopyJobsSlots(IUnknownSlots):
    """bits-core.md §7 (IEnumBackgroundCopyJobs)."""
    Next = 3
    Skip = 4
    Reset = 5
    Clone = 6
    GetCount = 7


# --------------------------------------------------------------------------------------------
# Strings
# --------------------------------------------------------------------------------------------

def to_wide(text: Optional[str]):
    """UTF-16LE + NUL as a ``c_uint16`` array (None stays None, i.e. a NULL pointer)."""
    if text is None:
        return None
    data = text.encode("utf-16-le", errors="surrogatepass")
    units = len(data) // 2
    return (c_uint16 * (units + 1)).from_buffer_copy(data + b"\0\0")


def take_wide(ptr) -> Optional[str]:
    """Decodes a CoTaskMem-allocated UTF-16 string and frees it (None for NULL)."""
    addr = ctypes.cast(ptr, c_void_p).value
    if not addr:
        return None
    try:
        units = ctypes.cast(addr, POINTER(c_uint16))
        n = 0
        while units[n]:
            n += 1
        return ctypes.string_at(addr, 2 * n).decode("utf-16-le", errors="surrogatepass")
    finally:
        library().CoTaskMemFree(addr)


# --------------------------------------------------------------------------------------------
# Activation and object wrappers
# --------------------------------------------------------------------------------------------

def co_create_instance(clsid: GuidLike, iid: GuidLike, ctx: int = CLSCTX_LOCAL_SERVER) -> int:
    """Raw ``CoCreateInstance`` (no aggregation); returns the AddRef'd interface pointer."""
    clsid, iid = _as_guid(clsid), _as_guid(iid)
    out = c_void_p()
    check(library().CoCreateInstance(byref(clsid), None, ctx, byref(iid), byref(out)),
          "CoCreateInstance")
    return out.value


def _describe(hr: int, manager=None, lang: int = LANG_EN_US) -> Optional[str]:
    """The library's message text for ``hr``, or None. Never raises."""
    try:
        if manager is not None:
            return _error_description(manager, hr, lang)
        out = c_void_p()
        if library().CoCreateInstance(byref(guid_symbol("CLSID_BackgroundCopyManager")), None,
                                      CLSCTX_LOCAL_SERVER,
                                      byref(guid_symbol("IID_IBackgroundCopyManager")),
                                      byref(out)) < 0:
            return None
        try:
            return _error_description(out.value, hr, lang)
        finally:
            _vcall(out.value, IUnknownSlots.Release, ULONG, ())
    except Exception:
        return None


def _error_description(manager, hr: int, lang: int) -> Optional[str]:
    text = LPWSTR()
    rc = _vcall(manager, IBackgroundCopyManagerSlots.GetErrorDescription, HRESULT,
                (HRESULT, DWORD, POINTER(LPWSTR)), _s32(hr & 0xFFFFFFFF), lang, byref(text))
    if rc < 0:
        return None
    return take_wide(text)


class _ComObject:
    """Owns one reference to a COM interface pointer and releases it exactly once."""

    def __init__(self, ptr: int):
        if not ptr:
            raise ValueError("NULL interface pointer")
        self._ptr: Optional[int] = int(ptr)

    @property
    def ptr(self) -> int:
        """The raw interface pointer (the object keeps ownership of its reference)."""
        if self._ptr is None:
            raise ValueError("%s has been released" % type(self).__name__)
        return self._ptr

    @property
    def released(self) -> bool:
        return self._ptr is None

    def _call(self, slot: int, argtypes=(), *args, name: str = "") -> int:
        """Calls an HRESULT-returning slot and raises ComError on failure."""
        return check(_vcall(self.ptr, slot, HRESULT, argtypes, *args), name)

    def query_interface(self, iid: GuidLike) -> int:
        """QueryInterface; returns an AddRef'd raw pointer that the caller must Release."""
        iid = _as_guid(iid)
        out = c_void_p()
        self._call(IUnknownSlots.QueryInterface, (POINTER(GUID), POINTER(c_void_p)),
                   byref(iid), byref(out), name="QueryInterface")
        return out.value

    def add_ref(self) -> int:
        """AddRef; returns the new (informational) count. Balance it with a raw Release."""
        return _vcall(self.ptr, IUnknownSlots.AddRef, ULONG, ())

    def release(self) -> Optional[int]:
        """Releases this wrapper's reference; returns the new count. Later calls do nothing
        and return None."""
        ptr, self._ptr = self._ptr, None
        if ptr is None:
            return None
        return _vcall(ptr, IUnknownSlots.Release, ULONG, ())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()
        return False

    def __del__(self):
        try:
            self.release()
        except Exception:
            pass

    def __repr__(self) -> str:
        where = "released" if self._ptr is None else "0x%x" % self._ptr
        return "<%s %s>" % (type(self).__name__, where)


class Manager(_ComObject):
    """IBackgroundCopyManager (bits-core.md §3)."""

    def __init__(self, clsid: Optional[GuidLike] = None, ctx: int = CLSCTX_LOCAL_SERVER):
        clsid = guid_symbol("CLSID_BackgroundCopyManager") if clsid is None else clsid
        super().__init__(co_create_instance(clsid, guid_symbol("IID_IBackgroundCopyManager"), ctx))

    def _call(self, slot, argtypes=(), *args, name=""):
        hr = _vcall(self.ptr, slot, HRESULT, argtypes, *args)
        if hr < 0:
            raise ComError(hr, name, _describe(hr, self.ptr))
        return hr

    def create_job(self, name: str, job_type: int = JobType.DOWNLOAD) -> "Job":
        """CreateJob; the new job is SUSPENDED until it has files and is resumed."""
        wname = to_wide(name)
        job_id = GUID()
        out = c_void_p()
        self._call(IBackgroundCopyManagerSlots.CreateJob,
                   (LPWSTR, c_int32, POINTER(GUID), POINTER(c_void_p)),
                   wname, int(job_type), byref(job_id), byref(out), name="CreateJob")
        return Job(out.value)

    def get_job(self, job_id: GuidLike) -> "Job":
        """GetJob; raises ComError(BG_E_NOT_FOUND) for unknown or final jobs."""
        gid = _as_guid(job_id)
        out = c_void_p()
        self._call(IBackgroundCopyManagerSlots.GetJob, (POINTER(GUID), POINTER(c_void_p)),
                   byref(gid), byref(out), name="GetJob")
        return Job(out.value)

    def enum_jobs(self, flags: int = 0) -> "JobEnumerator":
        """EnumJobs: a snapshot enumerator (flags: BG_JOB_ENUM_ALL_USERS needs root)."""
        out = c_void_p()
        self._call(IBackgroundCopyManagerSlots.EnumJobs, (DWORD, POINTER(c_void_p)),
                   flags, byref(out), name="EnumJobs")
        return JobEnumerator(out.value)

    def jobs(self, flags: int = 0) -> List["Job"]:
        """All of the caller's non-final jobs (each Job holds its own reference)."""
        with self.enum_jobs(flags) as enum_:
            return list(enum_)

    def error_description(self, hr: int, lang: int = LANG_EN_US) -> str:
        """GetErrorDescription: message text for any HRESULT."""
        text = LPWSTR()
        self._call(IBackgroundCopyManagerSlots.GetErrorDescription,
                   (HRESULT, DWORD, POINTER(LPWSTR)),
                   _s32(hr & 0xFFFFFFFF), lang, byref(text), name="GetErrorDescription")
        return take_wide(text)


class JobEnumerator(_ComObject):
    """IEnumBackgroundCopyJobs (bits-core.md §7); iterating yields :class:`Job` objects."""

    def next(self, count: int = 1) -> List["Job"]:
        """Next(count): up to ``count`` jobs (fewer at the end)."""
        arr = (c_void_p * max(count, 1))()
        fetched = ULONG()
        self._call(IEnumBackgroundCopyJobsSlots.Next, (ULONG, POINTER(c_void_p), POINTER(ULONG)),
                   count, arr, byref(fetched), name="Next")
        return [Job(arr[i]) for i in range(fetched.value)]

    def skip(self, count: int) -> bool:
        """Skip; False if it ran past the end (S_FALSE)."""
        return self._call(IEnumBackgroundCopyJobsSlots.Skip, (ULONG,), count, name="Skip") == S_OK

    def reset(self) -> None:
        self._call(IEnumBackgroundCopyJobsSlots.Reset, name="Reset")

    def clone(self) -> "JobEnumerator":
        out = c_void_p()
        self._call(IEnumBackgroundCopyJobsSlots.Clone, (POINTER(c_void_p),), byref(out),
                   name="Clone")
        return JobEnumerator(out.value)

    @property
    def count(self) -> int:
        """GetCount: number of jobs in the snapshot."""
        n = ULONG()
        self._call(IEnumBackgroundCopyJobsSlots.GetCount, (POINTER(ULONG),), byref(n),
                   name="GetCount")
        return n.value

    def __len__(self) -> int:
        return self.count

    def __iter__(self):
        while True:
            batch = self.next(1)
            if not batch:
                return
            yield batch[0]


class Job(_ComObject):
    """IBackgroundCopyJob (bits-core.md §4)."""

    S = IBackgroundCopyJobSlots

    # -- small helpers -----------------------------------------------------------------------

    def _get_ulong(self, slot, name):
        v = ULONG()
        self._call(slot, (POINTER(ULONG),), byref(v), name=name)
        return v.value

    def _get_int(self, slot, name):
        v = c_int32()
        self._call(slot, (POINTER(c_int32),), byref(v), name=name)
        return v.value

    def _get_str(self, slot, name):
        v = LPWSTR()
        self._call(slot, (POINTER(LPWSTR),), byref(v), name=name)
        return take_wide(v)

    def _set_str(self, slot, value, name):
        self._call(slot, (LPWSTR,), to_wide(value), name=name)

    # -- identity ----------------------------------------------------------------------------

    @property
    def id(self) -> GUID:
        g = GUID()
        self._call(self.S.GetId, (POINTER(GUID),), byref(g), name="GetId")
        return g

    @property
    def job_type(self) -> JobType:
        return _enum_or_int(JobType, self._get_int(self.S.GetType, "GetType"))

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
        return _enum_or_int(JobPriority, self._get_int(self.S.GetPriority, "GetPriority"))

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
        return self._get_ulong(self.S.GetNoProgressTimeout, "GetNoProgressTimeout")

    @no_progress_timeout.setter
    def no_progress_timeout(self, seconds: int) -> None:
        self._call(self.S.SetNoProgressTimeout, (ULONG,), seconds, name="SetNoProgressTimeout")

    @property
    def proxy_settings(self):
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
        return _enum_or_int(JobState, self._get_int(self.S.GetState, "GetState"))

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
    def error_count(self) -> int:
        return self._get_ulong(self.S.GetErrorCount, "GetErrorCount")

    # -- state changes -----------------------------------------------------------------------

    def suspend(self) -> None:
        self._call(self.S.Suspend, name="Suspend")

    def resume(self) -> None:
        """Raises ComError(BG_E_EMPTY) for a job without files."""
        self._call(self.S.Resume, name="Resume")

    def cancel(self) -> int:
        """-> CANCELLED. Returns the (success) HRESULT, e.g. BG_S_UNABLE_TO_DELETE_FILES."""
        return self._call(self.S.Cancel, name="Cancel")

    def complete(self) -> int:
        """-> ACKNOWLEDGED. Returns the (success) HRESULT, e.g. BG_S_PARTIAL_COMPLETE."""
        return self._call(self.S.Complete, name="Complete")

    def __repr__(self) -> str:
        if self._ptr is None:
            return "<Job released>"
        try:
            return "<Job %s %r %s>" % (self.id, self.display_name, self.state.name
                                       if isinstance(self.state, JobState) else self.state)
        except Exception:
            return "<Job 0x%x>" % self._ptr
