"""The low-level layer: the library handle, binary types, HRESULTs, exceptions and vtable calls.

The library exposes COM-style objects: a pointer to a struct whose first member points at a vtable
of function pointers (slots 0-2 are IUnknown's QueryInterface/AddRef/Release). Methods return an
HRESULT (int32); strings are NUL-terminated UTF-16LE; out strings are allocated with
``CoTaskMemAlloc`` and freed here with ``CoTaskMemFree``.

Slot numbers and values come from the shared spec: ``bits-core.md`` (vtables), ``guids.md``
(GUIDs), ``errors.md`` (HRESULTs) and ``enums-structs.md`` (enums and struct layouts).
"""

from __future__ import annotations

import ctypes
import datetime as _dt
import enum
import functools
import threading
import uuid
from ctypes import POINTER, byref, c_int32, c_uint8, c_uint16, c_uint32, c_uint64, c_void_p
from typing import Any, Callable, NamedTuple, Optional, Sequence, Tuple, Type, TypeVar, Union

from . import _loader

# --------------------------------------------------------------------------------------------
# Library loading
# --------------------------------------------------------------------------------------------

_lib_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None
_lib_path: Optional[str] = None


def library() -> ctypes.CDLL:
    """The process-wide ``ctypes.CDLL`` of libdeliveryopt, loaded on first use through the
    search order of :mod:`deliveryopt._loader` (``$DELIVERYOPT_LIBRARY``, the source tree's
    build, the system loader). Raises :class:`LibraryNotFoundError` naming every attempt."""
    global _lib, _lib_path
    lib = _lib
    if lib is not None:
        return lib
    with _lib_lock:
        if _lib is None:
            lib, _cand = _loader.load_library()
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
            _lib_path = _loader.loaded_path(lib)
            _lib = lib
        return _lib


def library_path() -> str:
    """The file the library was loaded from (loading it first if needed)."""
    library()
    assert _lib_path is not None
    return _lib_path


# --------------------------------------------------------------------------------------------
# Basic types (enums-structs.md, "Binary conventions")
# --------------------------------------------------------------------------------------------

HRESULT = c_int32
ULONG = DWORD = c_uint32
BOOL = c_int32
LPWSTR = POINTER(c_uint16)   # UTF-16 code units, *not* Linux wchar_t


class GUID(ctypes.Structure):
    """``{u32 Data1; u16 Data2; u16 Data3; u8 Data4[8]}``, align 4 (enums-structs.md).

    Compares equal to another GUID, to a :class:`uuid.UUID` and to its string form."""

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

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = GUID.from_string(other)
        if isinstance(other, uuid.UUID):
            other = GUID.from_uuid(other)
        if not isinstance(other, GUID):
            return NotImplemented
        return bytes(self) == bytes(other)

    def __ne__(self, other: object) -> bool:
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
        return (int(self.dwHighDateTime) << 32) | int(self.dwLowDateTime)


class BG_JOB_PROGRESS(ctypes.Structure):
    """24 bytes, align 8 (enums-structs.md, BG_JOB_PROGRESS)."""

    _fields_ = [("BytesTotal", c_uint64), ("BytesTransferred", c_uint64),
                ("FilesTotal", c_uint32), ("FilesTransferred", c_uint32)]


class BG_FILE_PROGRESS(ctypes.Structure):
    """24 bytes, align 8 (enums-structs.md, BG_FILE_PROGRESS)."""

    _fields_ = [("BytesTotal", c_uint64), ("BytesTransferred", c_uint64), ("Completed", BOOL)]


class BG_FILE_INFO(ctypes.Structure):
    """16 bytes, align 8 (enums-structs.md, BG_FILE_INFO)."""

    _fields_ = [("RemoteName", LPWSTR), ("LocalName", LPWSTR)]


class BG_JOB_TIMES(ctypes.Structure):
    """24 bytes, align 4 (enums-structs.md, BG_JOB_TIMES)."""

    _fields_ = [("CreationTime", FILETIME), ("ModificationTime", FILETIME),
                ("TransferCompletionTime", FILETIME)]


assert ctypes.sizeof(GUID) == 16 and ctypes.alignment(GUID) == 4
assert ctypes.sizeof(BG_JOB_PROGRESS) == 24
assert ctypes.sizeof(BG_FILE_PROGRESS) == 24
assert ctypes.sizeof(BG_FILE_INFO) == 16
assert ctypes.sizeof(BG_JOB_TIMES) == 24 and ctypes.alignment(BG_JOB_TIMES) == 4

#: BytesTotal while a size is not known yet (enums-structs.md).
BG_SIZE_UNKNOWN = 0xFFFF_FFFF_FFFF_FFFF


class JobProgress(NamedTuple):
    """BG_JOB_PROGRESS. ``bytes_total`` is :data:`BG_SIZE_UNKNOWN` until every file's size is
    known; :attr:`total` gives None then."""

    bytes_total: int
    bytes_transferred: int
    files_total: int
    files_transferred: int

    @property
    def total(self) -> Optional[int]:
        """``bytes_total``, or None while it is unknown."""
        return None if self.bytes_total == BG_SIZE_UNKNOWN else self.bytes_total

    @property
    def fraction(self) -> Optional[float]:
        """Bytes transferred / total (0.0-1.0), None while the total is unknown; 1.0 for 0/0."""
        total = self.total
        if total is None:
            return None
        return 1.0 if total == 0 else self.bytes_transferred / total


class FileProgress(NamedTuple):
    """BG_FILE_PROGRESS; ``completed`` is True once Complete made the file available."""

    bytes_total: int
    bytes_transferred: int
    completed: bool

    @property
    def total(self) -> Optional[int]:
        return None if self.bytes_total == BG_SIZE_UNKNOWN else self.bytes_total


class JobTimes(NamedTuple):
    """Raw FILETIME values (100-ns ticks since 1601, UTC); see :func:`filetime_to_datetime`."""

    creation: int
    modification: int
    transfer_completion: int


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
    """BG_JOB_STATE."""

    QUEUED = 0
    CONNECTING = 1
    TRANSFERRING = 2
    SUSPENDED = 3
    ERROR = 4
    TRANSIENT_ERROR = 5
    TRANSFERRED = 6
    ACKNOWLEDGED = 7
    CANCELLED = 8

    @property
    def is_final(self) -> bool:
        """ACKNOWLEDGED or CANCELLED: the job never changes again."""
        return self in (JobState.ACKNOWLEDGED, JobState.CANCELLED)


class JobPriority(enum.IntEnum):
    """BG_JOB_PRIORITY."""

    FOREGROUND = 0
    HIGH = 1
    NORMAL = 2
    LOW = 3


class JobType(enum.IntEnum):
    """BG_JOB_TYPE."""

    DOWNLOAD = 0
    UPLOAD = 1
    UPLOAD_REPLY = 2


class NotifyFlags(enum.IntFlag):
    """BG_NOTIFY_* bits (SetNotifyFlags)."""

    JOB_TRANSFERRED = 0x1
    JOB_ERROR = 0x2
    DISABLE = 0x4
    JOB_MODIFICATION = 0x8
    FILE_TRANSFERRED = 0x10
    FILE_RANGES_TRANSFERRED = 0x20


class ProxyUsage(enum.IntEnum):
    """BG_JOB_PROXY_USAGE."""

    PRECONFIG = 0
    NO_PROXY = 1
    OVERRIDE = 2
    AUTODETECT = 3


class ErrorContext(enum.IntEnum):
    """BG_ERROR_CONTEXT: where a job's error happened."""

    NONE = 0
    UNKNOWN = 1
    GENERAL_QUEUE_MANAGER = 2
    QUEUE_MANAGER_NOTIFICATION = 3
    LOCAL_FILE = 4
    REMOTE_FILE = 5
    GENERAL_TRANSPORT = 6
    REMOTE_APPLICATION = 7
    SERVER_CERTIFICATE_CALLBACK = 8


_E = TypeVar("_E", bound=enum.IntEnum)


def _enum_or_int(cls: Type[_E], value: int) -> Any:
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
# HRESULTs (errors.md)
# --------------------------------------------------------------------------------------------


def _s32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


class HResult(int):
    """An HRESULT as its unsigned 32-bit value (``0x80200001``, as Windows documents them).

    It also compares equal to the signed spelling of the same code (``-0x7FDFFFFF``, what a
    vtable call returns through ctypes), so both ``e.hr == 0x80200001`` and
    ``e.hr == deliveryopt.BG_E_NOT_FOUND`` hold. It hashes as the unsigned value. ``str()``
    gives ``0x80200001``; :attr:`name` the symbolic name when known.
    """

    def __new__(cls, value: int) -> "HResult":
        return super().__new__(cls, int(value) & 0xFFFFFFFF)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, int):
            if -(1 << 31) <= other < (1 << 32):
                return int(self) == (other & 0xFFFFFFFF)
            return False
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = int.__hash__

    @property
    def signed(self) -> int:
        """The int32 value, as the C ABI returns it."""
        return _s32(int(self))

    @property
    def failed(self) -> bool:
        return bool(int(self) & 0x80000000)

    @property
    def succeeded(self) -> bool:
        return not self.failed

    @property
    def name(self) -> str:
        """``"BG_E_NOT_FOUND"`` for known codes, else the hex value."""
        return hr_name(int(self))

    def __str__(self) -> str:
        return "0x%08X" % int(self)

    def __repr__(self) -> str:
        return "HResult(0x%08X)" % int(self)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (HResult, (int(self),))


S_OK = HResult(0)
S_FALSE = HResult(1)
E_NOTIMPL = HResult(0x80004001)
E_NOINTERFACE = HResult(0x80004002)
E_POINTER = HResult(0x80004003)
E_ABORT = HResult(0x80004004)
E_FAIL = HResult(0x80004005)
E_UNEXPECTED = HResult(0x8000FFFF)
E_ACCESSDENIED = HResult(0x80070005)
E_OUTOFMEMORY = HResult(0x8007000E)
E_INVALIDARG = HResult(0x80070057)
CLASS_E_NOAGGREGATION = HResult(0x80040110)
REGDB_E_CLASSNOTREG = HResult(0x80040154)
CO_E_SERVER_EXEC_FAILURE = HResult(0x80080005)
RPC_S_SERVER_UNAVAILABLE = HResult(0x800706BA)
HRESULT_ERROR_RESOURCE_LANG_NOT_FOUND = HResult(0x80070717)
BG_E_NOT_FOUND = HResult(0x80200001)
BG_E_INVALID_STATE = HResult(0x80200002)
BG_E_EMPTY = HResult(0x80200003)
BG_E_FILE_NOT_AVAILABLE = HResult(0x80200004)
BG_E_PROTOCOL_NOT_AVAILABLE = HResult(0x80200005)
BG_E_ERROR_INFORMATION_UNAVAILABLE = HResult(0x8020000F)
BG_E_MISSING_FILE_SIZE = HResult(0x80200011)
BG_S_PARTIAL_COMPLETE = HResult(0x00200017)
BG_S_UNABLE_TO_DELETE_FILES = HResult(0x0020001A)
BG_E_TOO_MANY_FILES = HResult(0x8020001C)
BG_E_STRING_TOO_LONG = HResult(0x80200021)
BG_E_TOO_MANY_JOBS_PER_USER = HResult(0x80200049)
BG_E_TOO_MANY_FILES_IN_JOB = HResult(0x80200051)
BG_E_HTTP_ERROR_404 = HResult(0x80190194)
BG_E_HTTP_ERROR_503 = HResult(0x801901F7)
# HRESULT_FROM_WIN32 of Win32 and WinHTTP errors the library reports (errors.md, README)
HRESULT_ERROR_FILE_NOT_FOUND = HResult(0x80070002)
HRESULT_ERROR_PATH_NOT_FOUND = HResult(0x80070003)
HRESULT_ERROR_DISK_FULL = HResult(0x80070070)
HRESULT_ERROR_WINHTTP_TIMEOUT = HResult(0x80072EE2)
HRESULT_ERROR_WINHTTP_NAME_NOT_RESOLVED = HResult(0x80072EE7)
HRESULT_ERROR_WINHTTP_CANNOT_CONNECT = HResult(0x80072EFD)
HRESULT_ERROR_WINHTTP_CONNECTION_ERROR = HResult(0x80072EFE)

_HR_PREFIXES = ("S_", "E_", "BG_E_", "BG_S_", "CLASS_E_", "REGDB_E_", "CO_E_", "RPC_S_",
                "HRESULT_")
_HR_NAMES = {int(v): k for k, v in list(globals().items())
             if k.startswith(_HR_PREFIXES) and isinstance(v, HResult)}


def hr_name(hr: int) -> str:
    """``"BG_E_NOT_FOUND"`` for known codes (HTTP statuses as ``BG_E_HTTP_ERROR_<status>``),
    else the hex value. Takes the signed or the unsigned spelling."""
    u = int(hr) & 0xFFFFFFFF
    name = _HR_NAMES.get(u)
    if name:
        return name
    if u & 0xFFFF0000 == 0x80190000 and 100 <= (u & 0xFFFF) <= 599:
        return "BG_E_HTTP_ERROR_%d" % (u & 0xFFFF)
    return "0x%08X" % u


def succeeded(hr: int) -> bool:
    return _s32(int(hr)) >= 0


def failed(hr: int) -> bool:
    return _s32(int(hr)) < 0


class BitsError(Exception):
    """A failed HRESULT.

    ``hr`` is an :class:`HResult`: the unsigned 32-bit code (``0x80200001``), which also
    compares equal to the signed spelling. ``description`` is the library's message text for it
    (``GetErrorDescription``; None when there is none) and ``method`` the call that failed.
    ``ComError`` is another name for this class.
    """

    def __init__(self, hr: int, method: str = "", description: Optional[str] = None):
        self.hr: HResult = HResult(hr)
        self.method = method
        # The library's texts are Windows-style (CRLF between lines).
        self.description: Optional[str] = (
            description.replace("\r\n", "\n").strip() if description else None)
        super().__init__(self._text())

    def _text(self) -> str:
        text = "%s%s (%s)" % (self.method + ": " if self.method else "", self.hr, self.hr.name)
        if self.description:
            text += ": " + self.description
        return text

    @property
    def message(self) -> str:
        """The library's description, or the code's name when there is none."""
        return self.description or self.hr.name

    @property
    def signed_hr(self) -> int:
        return self.hr.signed

    @property
    def unsigned_hr(self) -> int:
        return int(self.hr)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (int(self.hr), self.method, self.description))


ComError = BitsError


def check(hr: int, method: str = "") -> int:
    """Raises :class:`BitsError` for a failure HRESULT; returns success codes (S_OK,
    S_FALSE...) unchanged."""
    if _s32(int(hr)) < 0:
        raise BitsError(hr, method, _describe(hr))
    return hr


# --------------------------------------------------------------------------------------------
# Vtable calls
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _prototype(restype: Any, argtypes: Tuple[Any, ...]) -> Any:
    return ctypes.CFUNCTYPE(restype, c_void_p, *argtypes)


def _address(obj: Any) -> int:
    if isinstance(obj, _ComObject):
        obj = obj.ptr
    if isinstance(obj, c_void_p):
        obj = obj.value
    if not obj:
        raise ValueError("NULL interface pointer")
    return int(obj)


def _vcall(obj: Any, slot: int, restype: Any, argtypes: Sequence[Any], *args: Any) -> Any:
    """Calls vtable ``slot`` of the COM object at ``obj`` (an address, c_void_p or wrapper),
    passing ``obj`` as the implicit ``this``. ``argtypes`` excludes ``this``. The GIL is
    released during the call."""
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


class IBackgroundCopyFileSlots(IUnknownSlots):
    """bits-core.md §5 (IBackgroundCopyFile)."""
    GetRemoteName = 3
    GetLocalName = 4
    GetProgress = 5


class IBackgroundCopyErrorSlots(IUnknownSlots):
    """bits-core.md §6 (IBackgroundCopyError)."""
    GetError = 3
    GetFile = 4
    GetErrorDescription = 5
    GetErrorContextDescription = 6
    GetProtocol = 7


class IEnumBackgroundCopyJobsSlots(IUnknownSlots):
    """bits-core.md §7 (IEnumBackgroundCopyJobs; IEnumBackgroundCopyFiles has the same shape)."""
    Next = 3
    Skip = 4
    Reset = 5
    Clone = 6
    GetCount = 7


IEnumBackgroundCopyFilesSlots = IEnumBackgroundCopyJobsSlots


class IBackgroundCopyCallbackSlots(IUnknownSlots):
    """bits-core.md §8 (IBackgroundCopyCallback) and bits-extended.md (Callback2)."""
    JobTransferred = 3
    JobError = 4
    JobModification = 5
    FileTransferred = 6      # IBackgroundCopyCallback2


# --------------------------------------------------------------------------------------------
# Strings
# --------------------------------------------------------------------------------------------

def to_wide(text: Optional[str]) -> Any:
    """UTF-16LE + NUL as a ``c_uint16`` array (None stays None, i.e. a NULL pointer)."""
    if text is None:
        return None
    data = text.encode("utf-16-le", errors="surrogatepass")
    units = len(data) // 2
    return (c_uint16 * (units + 1)).from_buffer_copy(data + b"\0\0")


def take_wide(ptr: Any) -> Optional[str]:
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
# Activation and the owning wrapper
# --------------------------------------------------------------------------------------------

def co_create_instance(clsid: GuidLike, iid: GuidLike, ctx: int = CLSCTX_LOCAL_SERVER) -> int:
    """Raw ``CoCreateInstance`` (no aggregation); returns the AddRef'd interface pointer."""
    clsid, iid = _as_guid(clsid), _as_guid(iid)
    out = c_void_p()
    check(library().CoCreateInstance(byref(clsid), None, ctx, byref(iid), byref(out)),
          "CoCreateInstance")
    return out.value  # type: ignore[return-value]


def _describe(hr: int, manager: Any = None, lang: int = LANG_EN_US) -> Optional[str]:
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


def _error_description(manager: Any, hr: int, lang: int) -> Optional[str]:
    text = LPWSTR()
    rc = _vcall(manager, IBackgroundCopyManagerSlots.GetErrorDescription, HRESULT,
                (HRESULT, DWORD, POINTER(LPWSTR)), _s32(int(hr)), lang, byref(text))
    if rc < 0:
        return None
    return take_wide(text)


_T = TypeVar("_T", bound="_ComObject")


class _ComObject:
    """Owns one reference to a COM interface pointer and releases it exactly once: on
    :meth:`release`, at the end of a ``with`` block, or (as a fallback) when garbage-collected."""

    def __init__(self, ptr: int):
        if not ptr:
            raise ValueError("NULL interface pointer")
        self._ptr: Optional[int] = int(ptr)

    @classmethod
    def _borrowed(cls: Type[_T], ptr: int) -> _T:
        """A wrapper of its own for a pointer someone else owns (AddRef'd here)."""
        _vcall(ptr, IUnknownSlots.AddRef, ULONG, ())
        return cls(ptr)

    @property
    def ptr(self) -> int:
        """The raw interface pointer (the object keeps ownership of its reference)."""
        if self._ptr is None:
            raise ValueError("%s has been released" % type(self).__name__)
        return self._ptr

    @property
    def released(self) -> bool:
        return self._ptr is None

    def _call(self, slot: int, argtypes: Sequence[Any] = (), *args: Any, name: str = "") -> int:
        """Calls an HRESULT-returning slot and raises BitsError on failure."""
        return check(_vcall(self.ptr, slot, HRESULT, argtypes, *args), name)

    def query_interface(self, iid: GuidLike) -> int:
        """QueryInterface; returns an AddRef'd raw pointer that the caller must Release."""
        iid = _as_guid(iid)
        out = c_void_p()
        self._call(IUnknownSlots.QueryInterface, (POINTER(GUID), POINTER(c_void_p)),
                   byref(iid), byref(out), name="QueryInterface")
        return out.value  # type: ignore[return-value]

    def add_ref(self) -> int:
        """AddRef; returns the new (informational) count. Balance it with a raw Release."""
        return _vcall(self.ptr, IUnknownSlots.AddRef, ULONG, ())  # type: ignore[no-any-return]

    def release(self) -> Optional[int]:
        """Releases this wrapper's reference; returns the new count. Later calls do nothing
        and return None."""
        ptr, self._ptr = self._ptr, None
        if ptr is None:
            return None
        return _vcall(ptr, IUnknownSlots.Release, ULONG, ())  # type: ignore[no-any-return]

    def __enter__(self: _T) -> _T:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def __del__(self) -> None:
        try:
            self.release()
        except Exception:
            pass

    def __repr__(self) -> str:
        where = "released" if self._ptr is None else "0x%x" % self._ptr
        return "<%s %s>" % (type(self).__name__, where)


ProgressCallback = Callable[[int, Optional[int]], Any]
