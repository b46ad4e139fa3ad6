"""Delivery Optimization from Python through ctypes: IDOManager and IDODownload driven through
their vtables, with an IDODownloadStatusCallback implemented in Python.

Constants come from /work/shared/spec (guids.md, enums-structs.md, errors.md), not from the
library. The files come from Python's own http.server on 127.0.0.1, stopped at the end.
"""

import ctypes
import functools
import http.server
import os
import threading
from ctypes import POINTER, byref, c_int32, c_uint16, c_uint64, c_void_p

import pytest

import deliveryopt as do
from deliveryopt import GUID, HRESULT, ULONG, _vcall

# guids.md
CLSID_DeliveryOptimization = GUID.from_string("5B99FA76-721C-423C-ADAC-56D03C8A8007")
IID_IDOManager = GUID.from_string("400E2D4A-1431-4C1A-A748-39CA472CFDB1")
IID_IDODownload = GUID.from_string("FBBD7FC0-C147-4727-A38D-827EF071EE77")
IID_IDODownloadStatusCallback = GUID.from_string("D166E8E3-A90E-4392-8E87-05E996D3747D")
IID_IUnknown = GUID.from_string("00000000-0000-0000-C000-000000000046")

# enums-structs.md: DODownloadProperty, DODownloadState, VARTYPE
PROP_URI, PROP_LOCAL_PATH, PROP_DISPLAY_NAME = 1, 4, 3
PROP_CALLBACK_FREQ_SECONDS, PROP_CALLBACK_INTERFACE = 9, 13
CREATED, TRANSFERRING, TRANSFERRED, FINALIZED, ABORTED, PAUSED = 0, 1, 2, 3, 4, 5
VT_BSTR, VT_UI4, VT_UNKNOWN = 8, 19, 13

# errors.md
S_OK = 0
E_NOINTERFACE = -2147467262  # 0x80004002
DO_E_INVALID_STATE = -2133843949  # 0x80D02013
DO_E_DOWNLOAD_NO_URI = -2133843456  # 0x80D02200
DO_E_UNKNOWN_PROPERTY_ID = -2133843951  # 0x80D02011
BG_E_HTTP_ERROR_404 = -2145844844  # 0x80190194

# IDOManager / IDODownload slots (do.md §2-3)
CREATE_DOWNLOAD = 3
START, PAUSE, ABORT, FINALIZE, GET_STATUS, GET_PROPERTY, SET_PROPERTY = 3, 4, 5, 6, 7, 8, 9
QI, ADD_REF, RELEASE = 0, 1, 2


class VARIANT(ctypes.Structure):
    """24 bytes: vt at 0, the value at 8."""
    _fields_ = [("vt", c_uint16), ("r1", c_uint16), ("r2", c_uint16), ("r3", c_uint16),
                ("value", c_uint64), ("pad", c_uint64)]


class DO_DOWNLOAD_STATUS(ctypes.Structure):
    _fields_ = [("BytesTotal", c_uint64), ("BytesTransferred", c_uint64), ("State", c_int32),
                ("Error", c_int32), ("ExtendedError", c_int32)]


def _lib():
    lib = do.library()
    lib.SysAllocString.restype = c_void_p
    lib.SysAllocString.argtypes = [c_void_p]
    lib.VariantClear.restype = HRESULT
    lib.VariantClear.argtypes = [c_void_p]
    return lib


def set_prop(download, prop, vt, value):
    v = VARIANT()
    v.vt = vt
    if vt == VT_BSTR:
        raw = (value + "\0").encode("utf-16-le")
        buf = ctypes.create_string_buffer(raw, len(raw))
        v.value = _lib().SysAllocString(ctypes.addressof(buf))
    else:
        v.value = value
    hr = _vcall(download, SET_PROPERTY, HRESULT, (c_int32, POINTER(VARIANT)), prop, byref(v))
    if vt == VT_BSTR:
        _lib().VariantClear(byref(v))
    return hr


def get_prop_str(download, prop):
    v = VARIANT()
    hr = _vcall(download, GET_PROPERTY, HRESULT, (c_int32, POINTER(VARIANT)), prop, byref(v))
    if hr != S_OK:
        return hr, None
    assert v.vt == VT_BSTR
    n = ctypes.c_uint32.from_address(v.value - 4).value
    text = ctypes.string_at(v.value, n).decode("utf-16-le")
    assert _lib().VariantClear(byref(v)) == S_OK
    return hr, text


def status(download):
    s = DO_DOWNLOAD_STATUS()
    assert _vcall(download, GET_STATUS, HRESULT, (POINTER(DO_DOWNLOAD_STATUS),), byref(s)) == S_OK
    return s


def release(ptr):
    return _vcall(ptr, RELEASE, ULONG, ())


QI_T = ctypes.CFUNCTYPE(HRESULT, c_void_p, POINTER(GUID), POINTER(c_void_p))
REF_T = ctypes.CFUNCTYPE(ULONG, c_void_p)
STATUS_T = ctypes.CFUNCTYPE(HRESULT, c_void_p, c_void_p, POINTER(DO_DOWNLOAD_STATUS))


class Vtbl(ctypes.Structure):
    _fields_ = [("QueryInterface", QI_T), ("AddRef", REF_T), ("Release", REF_T),
                ("OnStatusChange", STATUS_T)]


class StatusCallback:
    """An IDODownloadStatusCallback in Python: a C object whose first field is the vtable."""

    class Obj(ctypes.Structure):
        _fields_ = [("lpVtbl", POINTER(Vtbl))]

    def __init__(self, finalize_on_transferred=False):
        self.refs = 1
        self.lock = threading.Lock()
        self.seen = []
        self.finalize_hr = None
        self.finalize_on_transferred = finalize_on_transferred
        self.done = threading.Event()
        self._vtbl = Vtbl(QI_T(self._qi), REF_T(self._add_ref), REF_T(self._release),
                          STATUS_T(self._on_status))
        self.obj = StatusCallback.Obj(ctypes.pointer(self._vtbl))
        self.ptr = ctypes.addressof(self.obj)
        self.threads = set()

    def _qi(self, this, riid, out):
        iid = riid.contents
        if iid == IID_IUnknown or iid == IID_IDODownloadStatusCallback:
            out[0] = this
            self._add_ref(this)
            return S_OK
        out[0] = None
        return E_NOINTERFACE

    def _add_ref(self, this):
        with self.lock:
            self.refs += 1
            return self.refs

    def _release(self, this):
        with self.lock:
            self.refs -= 1
            return self.refs

    def _on_status(self, this, download, st):
        s = st.contents
        snapshot = (s.State, s.BytesTotal, s.BytesTransferred, s.Error, s.ExtendedError)
        fin = None
        if s.State == TRANSFERRED and self.finalize_on_transferred:
            # No library lock is held during the call: calling back in is allowed.
            fin = _vcall(download, FINALIZE, HRESULT, ())
        with self.lock:
            self.seen.append(snapshot)
            self.threads.add(threading.get_ident())
            if fin is not None:
                self.finalize_hr = fin
        if s.State in (FINALIZED, ABORTED) or (s.State == PAUSED and s.Error != S_OK):
            self.done.set()
        return S_OK


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("www")
    payload = os.urandom(700_000)
    (root / "file.bin").write_bytes(payload)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield "http://127.0.0.1:%d" % httpd.server_address[1], payload
    httpd.shutdown()
    httpd.server_close()
    t.join()


@pytest.fixture
def manager():
    mgr = do.co_create_instance(CLSID_DeliveryOptimization, IID_IDOManager)
    yield mgr
    assert release(mgr) == 0


def create(mgr):
    out = c_void_p()
    assert _vcall(mgr, CREATE_DOWNLOAD, HRESULT, (POINTER(c_void_p),), byref(out)) == S_OK
    return out.value


def test_python_callback_sees_every_state_and_finalizes(server, manager, tmp_path):
    base, payload = server
    d = create(manager)
    assert status(d).State == CREATED
    assert _vcall(d, FINALIZE, HRESULT, ()) == DO_E_INVALID_STATE
    assert _vcall(d, START, HRESULT, (c_void_p,), None) == DO_E_DOWNLOAD_NO_URI
    local = tmp_path / "out.bin"
    assert set_prop(d, PROP_URI, VT_BSTR, base + "/file.bin") == S_OK
    assert set_prop(d, PROP_LOCAL_PATH, VT_BSTR, str(local)) == S_OK
    assert set_prop(d, PROP_DISPLAY_NAME, VT_BSTR, "from python") == S_OK
    assert set_prop(d, 77, VT_UI4, 1) == DO_E_UNKNOWN_PROPERTY_ID
    assert get_prop_str(d, PROP_DISPLAY_NAME) == (S_OK, "from python")
    cb = StatusCallback(finalize_on_transferred=True)
    assert set_prop(d, PROP_CALLBACK_INTERFACE, VT_UNKNOWN, cb.ptr) == S_OK
    assert cb.refs == 2, "the library keeps one reference"
    assert _vcall(d, START, HRESULT, (c_void_p,), None) == S_OK
    assert cb.done.wait(60), cb.seen
    assert cb.finalize_hr == S_OK
    states = [s[0] for s in cb.seen]
    assert states[0] == TRANSFERRING and states[-1] == FINALIZED, states
    assert TRANSFERRED in states
    transferred = [s for s in cb.seen if s[0] == TRANSFERRED][0]
    assert transferred[1:4] == (len(payload), len(payload), S_OK)
    assert threading.get_ident() not in cb.threads, "callbacks arrive on library threads"
    assert local.read_bytes() == payload
    assert status(d).State == FINALIZED
    release(d)
    for _ in range(500):
        if cb.refs == 1:
            break
        threading.Event().wait(0.01)
    assert cb.refs == 1, "every reference the library took was given back"


def test_python_callback_hears_a_fatal_error(server, manager, tmp_path):
    base, _ = server
    d = create(manager)
    assert set_prop(d, PROP_URI, VT_BSTR, base + "/missing.bin") == S_OK
    assert set_prop(d, PROP_LOCAL_PATH, VT_BSTR, str(tmp_path / "missing.bin")) == S_OK
    cb = StatusCallback()
    assert set_prop(d, PROP_CALLBACK_INTERFACE, VT_UNKNOWN, cb.ptr) == S_OK
    assert _vcall(d, START, HRESULT, (c_void_p,), None) == S_OK
    assert cb.done.wait(60), cb.seen
    last = cb.seen[-1]
    assert (last[0], last[3]) == (PAUSED, BG_E_HTTP_ERROR_404)
    assert _vcall(d, ABORT, HRESULT, ()) == S_OK
    assert status(d).State == ABORTED
    assert not (tmp_path / "missing.bin").exists()
    release(d)
    for _ in range(500):
        if cb.refs == 1:
            break
        threading.Event().wait(0.01)
    assert cb.refs == 1
