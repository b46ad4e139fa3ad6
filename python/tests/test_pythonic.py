"""The Pythonic layer: Manager.download, job objects, context managers, callbacks on the
library's threads, exceptions with ``.hr``.

Files come from the loopback server of conftest.py (127.0.0.1 only). Expected HRESULTs are the
spec's values (errors.md), not the library's.
"""

import gc
import logging
import os
import pickle
import subprocess
import sys
import textwrap
import threading
import time
import uuid
import weakref
from ctypes import POINTER, byref, c_void_p
from pathlib import Path

import pytest

import deliveryopt
from deliveryopt import (
    BitsError, Callback, ErrorContext, File, JobPriority, JobProgress, JobState, Manager,
    TransferError,
)

from conftest import PAYLOAD, SLOW_SIZE

# errors.md
BG_E_NOT_FOUND = 0x80200001
BG_E_EMPTY = 0x80200003
BG_E_HTTP_ERROR_404 = 0x80190194
BG_E_HTTP_ERROR_503 = 0x801901F7
E_NOINTERFACE = 0x80004002
# guids.md
IID_IUnknown = "00000000-0000-0000-C000-000000000046"
IID_IBackgroundCopyCallback = "97EA99C7-0186-4AD4-8DF9-C5B4E0ED6B22"
IID_IBackgroundCopyCallback2 = "659CDEAC-489E-11D9-A9CD-000D56965251"
IID_IBackgroundCopyCallback3 = "98C97BD2-E32B-4AD8-A528-95FD8B16BD42"
IID_IBackgroundCopyJob = "37668D37-507E-4160-9316-26306D150B12"

MAIN = threading.get_ident()


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def eventually(predicate, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        gc.collect()
        time.sleep(0.02)
    return predicate()


def job_names(manager):
    jobs = manager.jobs()
    try:
        return {j.display_name for j in jobs}
    finally:
        for j in jobs:
            j.release()


def thread_name():
    """The OS name of the calling thread (the library names its threads)."""
    try:
        with open("/proc/self/task/%d/comm" % threading.get_native_id()) as f:
            return f.read().strip()
    except OSError:
        return "?"


@pytest.fixture
def manager():
    with Manager() as m:
        yield m


# ---- the one-liner ---------------------------------------------------------------------------

def test_three_line_download_with_progress(http_server, tmp_path):
    base, _ = http_server
    seen = []
    with deliveryopt.Manager() as m:
        path = m.download(base + "/file.bin", tmp_path / "file.bin",
                          progress=lambda done, total: seen.append((done, total, threading.get_ident())))
    assert path == tmp_path / "file.bin" and path.is_absolute()
    assert path.read_bytes() == PAYLOAD
    assert seen, "the progress callback was called"
    assert seen[-1][:2] == (len(PAYLOAD), len(PAYLOAD)), "the last call reports every byte"
    assert all(t == MAIN for _, _, t in seen), "progress runs on the caller's thread"
    done = [d for d, _, _ in seen]
    assert done == sorted(done)
    assert all(total in (None, len(PAYLOAD)) for _, total, _ in seen)


def test_slow_download_reports_progress_along_the_way(http_server, tmp_path, manager):
    base, _ = http_server
    seen = []
    path = manager.download(base + "/slow.bin", tmp_path / "slow.bin",
                            progress=lambda done, total: seen.append((done, total)),
                            poll_interval=0.05)
    assert path.stat().st_size == SLOW_SIZE
    assert seen[-1] == (SLOW_SIZE, SLOW_SIZE)
    partial = [d for d, t in seen if 0 < d < SLOW_SIZE]
    assert partial, "bytes were reported before the end: %r" % seen
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_module_level_download_and_relative_paths(http_server, tmp_path, monkeypatch):
    base, _ = http_server
    monkeypatch.chdir(tmp_path)
    path = deliveryopt.download(base + "/file.bin", "relative.bin")
    assert path == tmp_path / "relative.bin"
    assert path.read_bytes() == PAYLOAD


def test_download_of_a_404_raises_with_the_jobs_hresult_and_cancels(http_server, tmp_path,
                                                                    manager):
    base, _ = http_server
    dest = tmp_path / "missing.bin"
    name = unique("pytest-404")
    with pytest.raises(TransferError) as ei:
        manager.download(base + "/missing.bin", dest, display_name=name)
    e = ei.value
    assert isinstance(e, BitsError)
    assert e.hr == BG_E_HTTP_ERROR_404 and int(e.hr) == 0x80190194
    assert e.hr == deliveryopt.BG_E_HTTP_ERROR_404
    assert e.hr.name == "BG_E_HTTP_ERROR_404"
    assert e.context == ErrorContext.REMOTE_FILE
    assert e.remote_name == base + "/missing.bin"
    assert e.local_name == str(dest)
    assert e.protocol == "http"
    assert e.description and "404" in e.description
    assert "0x80190194" in str(e)
    assert isinstance(e.job_id, uuid.UUID)
    assert not dest.exists()
    with pytest.raises(BitsError) as gone:
        manager.get_job(e.job_id)
    assert gone.value.hr == BG_E_NOT_FOUND, "the failed job was cancelled"
    assert name not in job_names(manager)


def test_transient_errors_fail_at_once_unless_retry(http_server, tmp_path, manager):
    base, _ = http_server
    with pytest.raises(TransferError) as ei:
        manager.download(base + "/status/503", tmp_path / "busy.bin")
    assert ei.value.hr == BG_E_HTTP_ERROR_503
    name = unique("pytest-retry")
    t0 = time.monotonic()
    with pytest.raises(TimeoutError):
        manager.download(base + "/status/503", tmp_path / "busy.bin", retry=True, timeout=1.0,
                         display_name=name)
    assert time.monotonic() - t0 < 10
    assert name not in job_names(manager), "the job was cancelled after the timeout"


def test_an_exception_in_the_progress_callback_cancels_the_job(http_server, tmp_path, manager):
    base, _ = http_server
    name = unique("pytest-progress-raises")

    def progress(done, total):
        raise ValueError("stop here")

    with pytest.raises(ValueError, match="stop here"):
        manager.download(base + "/slow.bin", tmp_path / "x.bin", progress=progress,
                         display_name=name)
    assert name not in job_names(manager)
    assert not (tmp_path / "x.bin").exists()


def test_timeout_cancels_a_slow_download(http_server, tmp_path, manager):
    base, _ = http_server
    name = unique("pytest-timeout")
    with pytest.raises(TimeoutError):
        manager.download(base + "/slow.bin", tmp_path / "slow.bin", timeout=0.3,
                         display_name=name)
    assert name not in job_names(manager)
    assert not (tmp_path / "slow.bin").exists()


# ---- exceptions ------------------------------------------------------------------------------

def test_bits_error_has_an_unsigned_hr_that_also_matches_the_signed_value(manager):
    with pytest.raises(BitsError) as ei:
        manager.get_job(uuid.uuid4())
    e = ei.value
    assert deliveryopt.ComError is BitsError
    assert isinstance(e.hr, int) and int(e.hr) == 0x80200001 and e.hr > 0
    assert e.hr == BG_E_NOT_FOUND and e.hr == -0x7FDFFFFF and e.hr == deliveryopt.BG_E_NOT_FOUND
    assert e.hr != 0x80200002 and e.hr != 0x180200001
    assert e.signed_hr == -0x7FDFFFFF and e.unsigned_hr == 0x80200001
    assert hash(e.hr) == hash(0x80200001) and e.hr in {0x80200001}
    assert str(e.hr) == "0x80200001" and "%#010x" % e.hr == "0x80200001"
    assert e.hr.name == "BG_E_NOT_FOUND" and e.hr.failed
    assert e.method == "GetJob"
    assert e.description and e.message == e.description
    assert str(e).startswith("GetJob: 0x80200001 (BG_E_NOT_FOUND): ")
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is BitsError and again.hr == e.hr and str(again) == str(e)


def test_hresult_names_and_helpers():
    assert deliveryopt.hr_name(0x80190194) == "BG_E_HTTP_ERROR_404"
    assert deliveryopt.hr_name(-0x7FDFFFFF) == "BG_E_NOT_FOUND"
    assert deliveryopt.hr_name(0x8BADF00D) == "0x8BADF00D"
    assert deliveryopt.succeeded(deliveryopt.S_FALSE) and deliveryopt.failed(0x80004005)
    assert deliveryopt.HResult(-1) == 0xFFFFFFFF
    with pytest.raises(BitsError) as ei:
        deliveryopt.check(0x80200003, "Resume")
    assert ei.value.hr == BG_E_EMPTY and ei.value.description


def test_transfer_error_pickles():
    e = TransferError(BG_E_HTTP_ERROR_404, "download", "gone", context=5, remote_name="http://x/",
                      job_id=uuid.UUID(int=7))
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is TransferError and again.hr == e.hr
    assert again.context == ErrorContext.REMOTE_FILE and again.remote_name == "http://x/"
    assert again.job_id == uuid.UUID(int=7) and str(again) == str(e)


# ---- job objects -----------------------------------------------------------------------------

def test_job_properties(http_server, tmp_path, manager):
    base, _ = http_server
    name = unique("pytest-props")
    with manager.create_job(name) as job:
        assert isinstance(job.id, uuid.UUID)
        assert job.guid == job.id and str(job.guid) == "{%s}" % str(job.id).upper()
        assert job.display_name == name
        assert job.state is JobState.SUSPENDED and not job.state.is_final
        assert isinstance(job.progress, JobProgress)
        assert job.progress == (0, 0, 0, 0) and job.progress.fraction == 1.0
        assert job.files == [] and job.error is None
        assert job.transfer_completion_time is None
        assert job.creation_time.tzinfo is not None and job.modification_time >= job.creation_time
        job.priority = JobPriority.HIGH
        assert job.priority is JobPriority.HIGH
        job.description = "described"
        assert job.description == "described"
        assert repr(job).startswith("<Job %s %r SUSPENDED" % (job.id, name))
        with pytest.raises(BitsError) as ei:
            job.resume()
        assert ei.value.hr == BG_E_EMPTY

        job.add_files([(base + "/file.bin", tmp_path / "a.bin"),
                       (base + "/file.bin?second", str(tmp_path / "b.bin"))])
        files = job.files
        assert [type(f) for f in files] == [File, File]
        assert [f.remote_name for f in files] == [base + "/file.bin", base + "/file.bin?second"]
        assert [f.local_name for f in files] == [str(tmp_path / "a.bin"), str(tmp_path / "b.bin")]
        assert files[0].progress.bytes_transferred == 0 and not files[0].progress.completed
        for f in files:
            f.release()
        assert job.progress.files_total == 2

        job.resume()
        assert job.wait(30) is JobState.TRANSFERRED
        p = job.progress
        assert (p.bytes_total, p.bytes_transferred, p.files_transferred) == (2 * len(PAYLOAD),
                                                                            2 * len(PAYLOAD), 2)
        assert p.total == 2 * len(PAYLOAD) and p.fraction == 1.0
        assert job.transfer_completion_time is not None
        assert not (tmp_path / "a.bin").exists(), "nothing appears before Complete"
        assert job.complete() == deliveryopt.S_OK
        assert job.state is JobState.ACKNOWLEDGED and job.is_final
    assert job.released
    assert (tmp_path / "a.bin").read_bytes() == PAYLOAD == (tmp_path / "b.bin").read_bytes()


def test_wait_stops_at_suspended_and_at_errors(http_server, tmp_path, manager):
    base, _ = http_server
    with manager.create_job(unique("pytest-wait")) as job:
        job.add_file(base + "/missing.bin", tmp_path / "m.bin")
        assert job.wait(5) is JobState.SUSPENDED, "a suspended job does not move by itself"
        job.resume()
        assert job.wait(30, raise_on_error=False) is JobState.ERROR
        with job.error as err:
            assert err.hr == BG_E_HTTP_ERROR_404
            assert err.context is ErrorContext.REMOTE_FILE
            assert err.protocol == "http" and "404" in err.description
            assert err.context_description
            with err.file as f:
                assert f.remote_name == base + "/missing.bin"
            assert "BG_E_HTTP_ERROR_404" in repr(err)
        with pytest.raises(TransferError) as ei:
            job.wait(5)
        assert ei.value.hr == BG_E_HTTP_ERROR_404 and ei.value.job_id == job.id


# ---- context managers ------------------------------------------------------------------------

def test_with_blocks_release_and_cancel_what_was_not_completed(http_server, tmp_path):
    base, _ = http_server
    with Manager() as m:
        with m.create_job(unique("pytest-with")) as job:
            job.add_file(base + "/slow.bin", tmp_path / "w.bin")
            job.resume()
            job_id = job.id
        assert job.released
        with pytest.raises(BitsError) as ei:
            m.get_job(job_id)
        assert ei.value.hr == BG_E_NOT_FOUND, "the unfinished job was cancelled"

        with pytest.raises(RuntimeError):
            with m.create_job(unique("pytest-with-raise")) as job:
                job_id = job.id
                raise RuntimeError("in the block")
        with pytest.raises(BitsError):
            m.get_job(job_id)

        with m.create_job(unique("pytest-with-kept")) as job:
            job_id = job.id
            with m.get_job(job_id) as again:   # a looked-up job is only released
                assert again.id == job_id
            assert job.state is JobState.SUSPENDED
            job.cancel()                       # already final: the block's end leaves it
    assert m.released


# ---- callbacks -------------------------------------------------------------------------------

def test_callbacks_run_on_library_threads_and_may_call_back_in(http_server, tmp_path, manager):
    base, _ = http_server
    done = threading.Event()
    calls = []

    def on_transferred(job):
        calls.append(("transferred", threading.get_ident(), thread_name(), job.state))
        job.complete()                 # calling back into the library from its thread
        done.set()

    def on_modification(job):
        calls.append(("modification", threading.get_ident(), thread_name(), job.state))

    with manager.create_job(unique("pytest-callbacks")) as job:
        job.add_file(base + "/slow.bin", tmp_path / "cb.bin")
        cb = job.set_callbacks(on_transferred=on_transferred, on_modification=on_modification)
        assert job.callback is cb and cb.refcount >= 1, "the library holds the callback"
        assert job.notify_flags == (deliveryopt.NotifyFlags.JOB_TRANSFERRED
                                    | deliveryopt.NotifyFlags.JOB_ERROR
                                    | deliveryopt.NotifyFlags.JOB_MODIFICATION)
        job.resume()
        assert done.wait(30), calls
        assert eventually(lambda: job.state is JobState.ACKNOWLEDGED)
    assert (tmp_path / "cb.bin").stat().st_size == SLOW_SIZE
    kinds = [c[0] for c in calls]
    assert "transferred" in kinds and "modification" in kinds
    transferred = [c for c in calls if c[0] == "transferred"][0]
    assert transferred[3] is JobState.TRANSFERRED
    assert all(ident != MAIN for _, ident, _, _ in calls), "never the registering thread"
    if os.environ.get("DELIVERYOPT_ENGINE", "service") == "service":
        assert all(name.startswith("deliveryopt") for _, _, name, _ in calls), calls
    assert eventually(lambda: cb.refcount == 0), "the ended job let go of the callback"


def test_on_error_gets_the_error_object(http_server, tmp_path, manager):
    base, _ = http_server
    got = []
    done = threading.Event()

    def on_error(job, error):
        got.append((job.id, error.hr, error.context, error.file.remote_name))
        done.set()

    with manager.create_job(unique("pytest-on-error")) as job:
        job.add_file(base + "/missing.bin", tmp_path / "e.bin")
        job.set_callbacks(on_error=on_error)
        job.resume()
        assert done.wait(30)
        assert got == [(job.id, BG_E_HTTP_ERROR_404, ErrorContext.REMOTE_FILE,
                        base + "/missing.bin")]


def test_an_exception_in_a_callback_is_contained_and_the_call_repeated(http_server, tmp_path,
                                                                       manager, caplog):
    base, _ = http_server
    attempts = []
    done = threading.Event()

    def on_transferred(job):
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            raise RuntimeError("not now")
        job.complete()
        done.set()

    with caplog.at_level(logging.ERROR, logger="deliveryopt"):
        with manager.create_job(unique("pytest-raises")) as job:
            job.add_file(base + "/file.bin", tmp_path / "r.bin")
            job.set_callbacks(on_transferred=on_transferred)
            job.resume()
            assert done.wait(30), "a failed JobTransferred is called again (E_FAIL)"
    assert len(attempts) == 2 and attempts[1] - attempts[0] >= 0.5
    assert (tmp_path / "r.bin").read_bytes() == PAYLOAD
    records = [r for r in caplog.records if "JobTransferred" in r.getMessage()]
    assert records and records[0].exc_info[0] is RuntimeError


def test_a_callback_subclass(http_server, tmp_path, manager):
    base, _ = http_server

    class Recorder(Callback):
        def __init__(self):
            super().__init__()
            self.files = []
            self.done = threading.Event()

        def file_transferred(self, job, file):
            self.files.append((file.remote_name, file.progress.bytes_transferred))

        def job_transferred(self, job):
            job.complete()
            self.done.set()

    rec = Recorder()
    with manager.create_job(unique("pytest-subclass")) as job:
        job.add_file(base + "/file.bin", tmp_path / "s.bin")
        job.notify_flags = (deliveryopt.NotifyFlags.JOB_TRANSFERRED
                            | deliveryopt.NotifyFlags.FILE_TRANSFERRED)
        job.callback = rec
        job.resume()
        assert rec.done.wait(30)
    assert rec.files == [(base + "/file.bin", len(PAYLOAD))]


def test_callback_reference_counting_and_query_interface(caplog):
    cb = Callback()
    assert cb.refcount == 0

    def qi(iid):
        out = c_void_p(1)
        hr = deliveryopt._vcall(cb.ptr, 0, deliveryopt.HRESULT,
                                (POINTER(deliveryopt.GUID), POINTER(c_void_p)),
                                byref(deliveryopt.GUID.from_string(iid)), byref(out))
        return deliveryopt.HResult(hr), out.value

    add_ref = lambda: deliveryopt._vcall(cb.ptr, 1, deliveryopt.ULONG, ())  # noqa: E731
    release = lambda: deliveryopt._vcall(cb.ptr, 2, deliveryopt.ULONG, ())  # noqa: E731

    assert qi(IID_IUnknown) == (0, cb.ptr) and cb.refcount == 1
    assert qi(IID_IBackgroundCopyCallback) == (0, cb.ptr) and cb.refcount == 2
    assert qi(IID_IBackgroundCopyCallback2) == (0, cb.ptr) and cb.refcount == 3
    for iid in (IID_IBackgroundCopyCallback3, IID_IBackgroundCopyJob, str(uuid.uuid4())):
        assert qi(iid) == (E_NOINTERFACE, None), "a miss stores NULL"
    assert cb.refcount == 3
    assert add_ref() == 4
    assert [release() for _ in range(4)] == [3, 2, 1, 0]
    with caplog.at_level(logging.ERROR, logger="deliveryopt"):
        assert release() == 0 and cb.refcount == 0
    assert any("without a reference" in r.getMessage() for r in caplog.records)


def test_the_library_keeps_a_callback_alive_that_python_forgot(http_server, tmp_path, manager):
    base, _ = http_server
    done = threading.Event()
    with manager.create_job(unique("pytest-alive")) as job:
        job.add_file(base + "/file.bin", tmp_path / "k.bin")
        cb = Callback(on_transferred=lambda j: (j.complete(), done.set()))
        job._set_notify_interface_ptr(cb.ptr)        # raw: the wrapper keeps no reference
        assert cb.refcount >= 1
        ref = weakref.ref(cb)
        del cb
        gc.collect()
        assert ref() is not None, "held for the library"
        job.resume()
        assert done.wait(30), "and it still answers"
        assert eventually(lambda: job.state is JobState.ACKNOWLEDGED)
    assert eventually(lambda: ref() is None), "released by the library, then collected"
    assert (tmp_path / "k.bin").read_bytes() == PAYLOAD


def test_exit_with_callbacks_still_registered_is_clean(http_server, tmp_path, manager):
    """The interpreter exits while a job still has a Python callback and is transferring:
    the callback is taken off at exit, no library thread runs Python code during shutdown."""
    base, _ = http_server
    script = textwrap.dedent("""
        import sys, threading, deliveryopt
        m = deliveryopt.Manager()
        job = m.create_job("pytest-exit")
        job.add_file(sys.argv[1], sys.argv[2])
        seen = threading.Event()
        job.set_callbacks(on_modification=lambda j: seen.set())
        job.resume()
        assert seen.wait(20), "a JobModification came"
        print(job.id, flush=True)
    """)
    env = dict(os.environ)
    pkg_parent = str(Path(deliveryopt.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = pkg_parent + os.pathsep + env.get("PYTHONPATH", "")
    in_process = os.environ.get("DELIVERYOPT_ENGINE") == "in-process"
    if in_process:  # this process holds the store: the child gets one of its own
        env["DELIVERYOPT_STATE_DIR"] = str(tmp_path / "store")
    proc = subprocess.run([sys.executable, "-c", script, base + "/slow.bin",
                           str(tmp_path / "exit.bin")],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "Fatal" not in proc.stderr, proc.stderr
    job_id = uuid.UUID(proc.stdout.strip())
    if in_process:
        return  # its job stopped with it, in its own store
    try:
        job = manager.get_job(job_id)
    except BitsError:
        return  # it had already finished
    with job:
        if not job.is_final:
            job.cancel()
