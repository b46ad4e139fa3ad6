"""Python binding for ``libdeliveryopt.so``: Windows BITS (Background Intelligent Transfer
Service) on Linux, through ctypes. Pure Python; the library does the transfers.

The one-liner::

    import deliveryopt
    with deliveryopt.Manager() as m:
        m.download("https://example.org/file.iso", "file.iso",
                   progress=lambda done, total: print(done, "of", total))

Jobs, with properties, context managers and callbacks::

    with deliveryopt.Manager() as m, m.create_job("nightly") as job:
        job.add_file(url, "/tmp/a.bin")
        job.set_callbacks(on_transferred=lambda j: j.complete(),
                          on_error=lambda j, err: print(err.hr, err.description))
        job.resume()
        job.wait()                  # TRANSFERRED, or TransferError with .hr
        print(job.id, job.state, job.progress.bytes_transferred)

The block cancels the job if it was not completed. Failing calls raise :class:`BitsError`,
whose ``hr`` is the unsigned HRESULT (``0x80200001``) and ``description`` the library's text;
a failed job raises :class:`TransferError` (a BitsError) with the job's error code.

Finding the library, first match wins (details in :mod:`deliveryopt._loader`):

1. ``$DELIVERYOPT_LIBRARY`` (an explicit path; nothing else is tried when it is set;
   ``$DELIVERYOPT_LIB`` is the older spelling);
2. the source tree's build, when the package is used from a checkout (``PYTHONPATH=python``
   or ``pip install -e ./python``): ``target/release`` or ``target/debug``, the newer first;
3. the system loader: ``libdeliveryopt.so.0.1`` (the SONAME ``make install`` provides),
   ``ctypes.util.find_library("deliveryopt")``, ``libdeliveryopt.so``;
4. ``<sys.prefix>/lib`` and ``/usr/local/lib`` (installed, but ``ldconfig`` not run).

:class:`LibraryNotFoundError` lists every attempt when none loads. The library is loaded on
first use, not at import.

Under the Pythonic layer is the vtable layer: :func:`_vcall` calls any slot of any interface
pointer, with slot numbers as named constants (``IBackgroundCopyJobSlots`` etc., from the spec's
``bits-core.md``). Every wrapper (:class:`Manager`, :class:`Job`, :class:`File`...) owns exactly
one COM reference and releases it exactly once: on ``release()``, at the end of a ``with``
block, or (as a fallback) when it is garbage-collected. The docs page is ``docs/python.md``.
"""

from __future__ import annotations

from ._callback import Callback
from ._com import (
    BG_E_EMPTY, BG_E_ERROR_INFORMATION_UNAVAILABLE, BG_E_FILE_NOT_AVAILABLE,
    BG_E_HTTP_ERROR_404, BG_E_HTTP_ERROR_503, BG_E_INVALID_STATE, BG_E_MISSING_FILE_SIZE,
    BG_E_NOT_FOUND, BG_E_PROTOCOL_NOT_AVAILABLE, BG_E_STRING_TOO_LONG, BG_E_TOO_MANY_FILES,
    BG_E_TOO_MANY_FILES_IN_JOB, BG_E_TOO_MANY_JOBS_PER_USER, BG_FILE_INFO, BG_FILE_PROGRESS,
    BG_JOB_ENUM_ALL_USERS, BG_JOB_PROGRESS, BG_JOB_TIMES, BG_S_PARTIAL_COMPLETE,
    BG_S_UNABLE_TO_DELETE_FILES, BG_SIZE_UNKNOWN, BOOL, CLASS_E_NOAGGREGATION, CLSCTX_ALL,
    CLSCTX_INPROC_SERVER, CLSCTX_LOCAL_SERVER, CO_E_SERVER_EXEC_FAILURE, DWORD, E_ABORT,
    E_ACCESSDENIED, E_FAIL, E_INVALIDARG, E_NOINTERFACE, E_NOTIMPL, E_OUTOFMEMORY, E_POINTER,
    E_UNEXPECTED, FILETIME, GUID, HRESULT, HRESULT_ERROR_DISK_FULL,
    HRESULT_ERROR_FILE_NOT_FOUND, HRESULT_ERROR_PATH_NOT_FOUND,
    HRESULT_ERROR_RESOURCE_LANG_NOT_FOUND, HRESULT_ERROR_WINHTTP_CANNOT_CONNECT,
    HRESULT_ERROR_WINHTTP_CONNECTION_ERROR, HRESULT_ERROR_WINHTTP_NAME_NOT_RESOLVED,
    HRESULT_ERROR_WINHTTP_TIMEOUT, LANG_EN_US,
    LPWSTR, REGDB_E_CLASSNOTREG, RPC_S_SERVER_UNAVAILABLE, S_FALSE, S_OK, ULONG, BitsError,
    ComError, ErrorContext, FileProgress, GuidLike, HResult, IBackgroundCopyCallbackSlots,
    IBackgroundCopyErrorSlots, IBackgroundCopyFileSlots, IBackgroundCopyJobSlots,
    IBackgroundCopyManagerSlots, IEnumBackgroundCopyFilesSlots, IEnumBackgroundCopyJobsSlots,
    IUnknownSlots, JobPriority, JobProgress, JobState, JobTimes, JobType, NotifyFlags,
    ProgressCallback, ProxyUsage, _vcall, check, co_create_instance, failed,
    filetime_to_datetime, guid_symbol, hr_name, library, library_path, succeeded, take_wide,
    to_wide,
)
from ._loader import LibraryNotFoundError, library_candidates
from ._objects import (
    ErrorInfo, File, FileEnumerator, Job, JobEnumerator, Manager, TransferError, download,
)

__version__ = "0.1.0"

__all__ = [
    # the Pythonic API
    "Manager", "Job", "File", "ErrorInfo", "Callback", "JobEnumerator", "FileEnumerator",
    "download", "BitsError", "ComError", "TransferError", "LibraryNotFoundError", "HResult",
    "JobProgress", "FileProgress", "JobTimes", "JobState", "JobType", "JobPriority",
    "NotifyFlags", "ProxyUsage", "ErrorContext", "ProgressCallback", "GuidLike",
    # the library and the low-level layer
    "library", "library_path", "library_candidates", "GUID", "guid_symbol",
    "co_create_instance", "check", "succeeded", "failed", "filetime_to_datetime", "hr_name",
    "to_wide", "take_wide", "HRESULT", "ULONG", "DWORD", "BOOL", "LPWSTR", "FILETIME",
    "BG_JOB_PROGRESS", "BG_FILE_PROGRESS", "BG_FILE_INFO", "BG_JOB_TIMES",
    "IUnknownSlots", "IBackgroundCopyManagerSlots", "IBackgroundCopyJobSlots",
    "IBackgroundCopyFileSlots", "IBackgroundCopyErrorSlots", "IEnumBackgroundCopyJobsSlots",
    "IEnumBackgroundCopyFilesSlots", "IBackgroundCopyCallbackSlots",
    "CLSCTX_INPROC_SERVER", "CLSCTX_LOCAL_SERVER", "CLSCTX_ALL", "BG_JOB_ENUM_ALL_USERS",
    "LANG_EN_US", "BG_SIZE_UNKNOWN", "_vcall",
    # HRESULTs
    "S_OK", "S_FALSE", "E_NOTIMPL", "E_NOINTERFACE", "E_POINTER", "E_ABORT", "E_FAIL",
    "E_UNEXPECTED", "E_ACCESSDENIED", "E_OUTOFMEMORY", "E_INVALIDARG", "CLASS_E_NOAGGREGATION",
    "REGDB_E_CLASSNOTREG", "CO_E_SERVER_EXEC_FAILURE", "RPC_S_SERVER_UNAVAILABLE",
    "HRESULT_ERROR_RESOURCE_LANG_NOT_FOUND", "BG_E_NOT_FOUND", "BG_E_INVALID_STATE",
    "BG_E_EMPTY", "BG_E_FILE_NOT_AVAILABLE", "BG_E_PROTOCOL_NOT_AVAILABLE",
    "BG_E_ERROR_INFORMATION_UNAVAILABLE", "BG_E_MISSING_FILE_SIZE", "BG_S_PARTIAL_COMPLETE",
    "BG_S_UNABLE_TO_DELETE_FILES", "BG_E_TOO_MANY_FILES", "BG_E_STRING_TOO_LONG",
    "BG_E_TOO_MANY_JOBS_PER_USER", "BG_E_TOO_MANY_FILES_IN_JOB", "BG_E_HTTP_ERROR_404",
    "BG_E_HTTP_ERROR_503", "HRESULT_ERROR_FILE_NOT_FOUND", "HRESULT_ERROR_PATH_NOT_FOUND",
    "HRESULT_ERROR_DISK_FULL", "HRESULT_ERROR_WINHTTP_TIMEOUT",
    "HRESULT_ERROR_WINHTTP_NAME_NOT_RESOLVED", "HRESULT_ERROR_WINHTTP_CANNOT_CONNECT",
    "HRESULT_ERROR_WINHTTP_CONNECTION_ERROR",
]

# Public classes show (and pickle) as deliveryopt.X, wherever they are defined.
for _cls in (Manager, Job, File, ErrorInfo, Callback, JobEnumerator, FileEnumerator, BitsError,
             TransferError, LibraryNotFoundError, HResult, JobProgress, FileProgress, JobTimes,
             JobState, JobType, JobPriority, NotifyFlags, ProxyUsage, ErrorContext, GUID):
    _cls.__module__ = __name__
del _cls
