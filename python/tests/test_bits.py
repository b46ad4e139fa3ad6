"""BITS through the vtables of libdeliveryopt.so, from Python.

Expected values come from /work/shared/spec (bits-core.md, guids.md, errors.md, enums-structs.md),
not from the library, so a broken library makes these tests fail. Other processes/tests may own
jobs in the same engine, so jobs are always compared by GUID.
"""

import ctypes
import datetime as dt
import gc
import os
import uuid
from ctypes import POINTER, byref, c_uint32, c_void_p

import pytest

import deliveryopt as do
from deliveryopt import (
    GUID, HRESULT, ULONG, ComError, IBackgroundCopyJobSlots as JS,
    IEnumBackgroundCopyJobsSlots as ES, IUnknownSlots as US, JobPriority, JobState, JobType,
    _vcall,
)

# ---- values from the spec ------------------------------------------------------------------

# guids.md
SPEC_GUIDS = {
    "IID_IUnknown": "00000000-0000-0000-C000-000000000046",
    "IID_IBackgroundCopyManager": "5CE34C0D-0DC9-4C1F-897C-DAA1B78CEE7C",
    "IID_IBackgroundCopyJob": "37668D37-507E-4160-9316-26306D150B12",
    "IID_IEnumBackgroundCopyJobs": "1AF4F612-3B71-466F-8F58-7B6F73AC57AD",
    "IID_IBackgroundCopyFile": "01B7BD23-FB88-4A77-8490-5891D3E4653A",
}
SPEC_MANAGER_CLSIDS = {  # bits-core.md §1 / guids.md
    "CLSID_BackgroundCopyManager": "4991D34B-80A1-4291-83B6-3328366B9097",
    "CLSID_BackgroundCopyManager1_5": "F087771F-D74F-4C1A-BB8A-E16ACA9124EA",
    "CLSID_BackgroundCopyManager2_0": "6D18AD12-BDE3-4393-B311-099C346E6DF9",
    "CLSID_BackgroundCopyManager2_5": "03CA98D6-FF5D-49B8-ABC6-03DD84127020",
    "CLSID_BackgroundCopyManager3_0": "659CDEA7-489E-11D9-A9CD-000D56965251",
    "CLSID_BackgroundCopyManager4_0": "BB6DF56B-CACE-11DC-9992-0019B93A3A84",
    "CLSID_BackgroundCopyManager5_0": "1ECCA34C-E88A-44E3-8D6A-8921BDE9E452",
    "CLSID_BackgroundCopyManager10_1": "4BD3E4E1-7BD4-4A2B-9964-496400DE5193",
    "CLSID_BackgroundCopyManager10_2": "4575438F-A6C8-4976-B0FE-2F26B80D959E",
    "CLSID_BackgroundCopyManager10_3": "5FD42AD5-C04E-4D36-ADC7-E08FF15737AD",
}

# errors.md, as signed int32 (what an HRESULT-returning method gives back)
S_OK, S_FALSE = 0, 1
E_NOTIMPL = -0x7FFFBFFF            # 0x80004001
E_NOINTERFACE = -0x7FFFBFFE        # 0x80004002
E_INVALIDARG = -0x7FF8FFA9         # 0x80070057
REGDB_E_CLASSNOTREG = -0x7FFBFEAC  # 0x80040154
BG_E_NOT_FOUND = -0x7FDFFFFF       # 0x80200001
BG_E_INVALID_STATE = -0x7FDFFFFE   # 0x80200002
BG_E_EMPTY = -0x7FDFFFFD           # 0x80200003
BG_E_STRING_TOO_LONG = -0x7FDFFFDF  # 0x80200021

FILETIME_1970 = 116_444_736_000_000_000


def test_error_constants_are_the_signed_spec_values():
    for signed, unsigned in [(E_NOTIMPL, 0x80004001), (E_NOINTERFACE, 0x80004002),
                             (E_INVALIDARG, 0x80070057), (REGDB_E_CLASSNOTREG, 0x80040154),
                             (BG_E_NOT_FOUND, 0x80200001), (BG_E_INVALID_STATE, 0x80200002),
                             (BG_E_EMPTY, 0x80200003), (BG_E_STRING_TOO_LONG, 0x80200021)]:
        assert signed & 0xFFFFFFFF == unsigned and signed < 0
    assert do.BG_E_NOT_FOUND == BG_E_NOT_FOUND and do.E_NOTIMPL == E_NOTIMPL


# ---- helpers and fixtures ------------------------------------------------------------------

def raw_create(clsid: GUID, iid: GUID):
    """CoCreateInstance with *ppv pre-set to garbage; returns (hr, ppv)."""
    out = c_void_p(1)
    hr = do.library().CoCreateInstance(byref(clsid), None, do.CLSCTX_LOCAL_SERVER, byref(iid),
                                       byref(out))
    return hr, out.value


def raw_release(ptr) -> int:
    return _vcall(ptr, US.Release, ULONG, ())


def raw_qi(ptr, iid: GUID):
    out = c_void_p(1)
    hr = _vcall(ptr, US.QueryInterface, HRESULT, (POINTER(GUID), POINTER(c_void_p)),
                byref(iid), byref(out))
    return hr, out.value


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def discard(job: do.Job):
    """Cancels (unless final) and releases, as every test must leave the engine clean."""
    if job.released:
        return
    try:
        if job.state not in (JobState.CANCELLED, JobState.ACKNOWLEDGED):
            job.cancel()
    finally:
        job.release()


@pytest.fixture
def mgr():
    m = do.Manager()
    yield m
    m.release()


@pytest.fixture
def jobs3(mgr):
    names = [unique(f"pytest-job{i}") for i in range(3)]
    jobs = [mgr.create_job(n) for n in names]
    yield list(zip(names, jobs))
    for job in jobs:
        discard(job)


# ---- GUIDs and activation ------------------------------------------------------------------

def test_guid_structure_formats_parses_and_compares():
    g = GUID.from_string("{4991D34B-80A1-4291-83B6-3328366B9097}")
    assert (g.Data1, g.Data2, g.Data3) == (0x4991D34B, 0x80A1, 0x4291)
    assert list(g.Data4) == [0x83, 0xB6, 0x33, 0x28, 0x36, 0x6B, 0x90, 0x97]
    assert bytes(g).hex() == "4bd39149a180914283b63328366b9097"  # guids.md in-memory bytes
    assert str(g) == "{4991D34B-80A1-4291-83B6-3328366B9097}"
    assert g == GUID.from_string(str(g)) and g == str(g).lower()
    assert g != GUID() and hash(g) == hash(g.copy())


@pytest.mark.parametrize("name", sorted({**SPEC_GUIDS, **SPEC_MANAGER_CLSIDS}))
def test_exported_guid_symbols_match_the_spec(name):
    spec = {**SPEC_GUIDS, **SPEC_MANAGER_CLSIDS}[name]
    assert do.guid_symbol(name) == GUID.from_string(spec)


@pytest.mark.parametrize("name", sorted(SPEC_MANAGER_CLSIDS))
def test_every_manager_clsid_activates_and_a_new_manager_has_one_reference(name):
    clsid = GUID.from_string(SPEC_MANAGER_CLSIDS[name])
    hr, ptr = raw_create(clsid, GUID.from_string(SPEC_GUIDS["IID_IBackgroundCopyManager"]))
    assert hr == S_OK, f"{name}: {hr & 0xFFFFFFFF:#010x}"
    assert ptr and ptr != 1
    assert raw_release(ptr) == 0


def test_unknown_clsid_is_not_registered_and_ppv_is_null():
    iid = GUID.from_string(SPEC_GUIDS["IID_IBackgroundCopyManager"])
    for clsid in (GUID.from_uuid(uuid.uuid4()), GUID.from_string(SPEC_GUIDS["IID_IBackgroundCopyJob"])):
        hr, ptr = raw_create(clsid, iid)
        assert hr == REGDB_E_CLASSNOTREG, f"{clsid}: {hr & 0xFFFFFFFF:#010x}"
        assert ptr is None, "*ppv must be NULL on failure"
    with pytest.raises(ComError) as ei:
        do.Manager(clsid=GUID.from_uuid(uuid.uuid4()))
    assert ei.value.hr == REGDB_E_CLASSNOTREG


def test_manager_wrapper_releases_exactly_once():
    m = do.Manager()
    assert m.release() == 0
    assert m.release() is None and m.released
    with pytest.raises(ValueError):
        m.create_job("after release")
    with do.Manager() as m2:
        assert not m2.released
    assert m2.released


# ---- a new job -----------------------------------------------------------------------------

def test_create_job_returns_the_id_that_get_id_reports(mgr):
    name = do.to_wide(unique("pytest-raw"))
    job_id, out = GUID(), c_void_p()
    hr = _vcall(mgr.ptr, do.IBackgroundCopyManagerSlots.CreateJob, HRESULT,
                (do.LPWSTR, ctypes.c_int32, POINTER(GUID), POINTER(c_void_p)),
                name, 0, byref(job_id), byref(out))
    assert hr == S_OK
    job = do.Job(out.value)
    try:
        assert job_id != GUID()
        assert job.id == job_id
    finally:
        discard(job)


def test_three_new_jobs_read_back_with_documented_defaults(jobs3):
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    ids = [job.id for _, job in jobs3]
    assert len(set(ids)) == 3 and GUID() not in ids
    for name, job in jobs3:
        assert job.display_name == name
        assert job.state == JobState.SUSPENDED == 3
        assert job.job_type == JobType.DOWNLOAD == 0
        assert job.progress == (0, 0, 0, 0)
        assert job.progress.bytes_total == 0 and job.progress.files_transferred == 0
        assert job.owner == f"S-1-22-1-{os.getuid()}"
        assert job.description == ""
        assert job.priority == JobPriority.NORMAL == 2
        assert job.notify_flags == 0x3
        assert job.min_retry_delay == 600
        assert job.no_progress_timeout == 1_209_600
        assert job.error_count == 0
        assert job.proxy_settings == (do.ProxyUsage.PRECONFIG, None, None)
        times = job.times
        assert times.creation > FILETIME_1970, "a real FILETIME after 1970"
        created = do.filetime_to_datetime(times.creation)
        assert before < created < dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)
        assert times.modification >= times.creation
        assert times.transfer_completion == 0


# ---- setters -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["plain", "Téléchargement ✓", "日本語のジョブ", "x" * 256])
def test_display_name_round_trips(jobs3, text):
    _, job = jobs3[0]
    job.display_name = text
    assert job.display_name == text


def test_display_name_outside_the_bmp_round_trips_as_a_surrogate_pair(jobs3):
    _, job = jobs3[0]
    job.display_name = "box 📦"
    assert job.display_name == "box 📦"


def test_over_long_display_name_is_refused_and_the_name_is_unchanged(jobs3):
    name, job = jobs3[0]
    with pytest.raises(ComError) as ei:
        job.display_name = "n" * 257
    assert ei.value.hr == BG_E_STRING_TOO_LONG
    assert job.display_name == name


def test_our_job_properties_round_trip_and_refuse_bad_values(jobs3):
    _, job = jobs3[0]
    assert job.max_bytes_per_second == 0
    assert job.max_segments == 0
    job.max_bytes_per_second = 123_456_789_012
    job.max_segments = 4
    assert job.max_bytes_per_second == 123_456_789_012
    assert job.max_segments == 4
    with pytest.raises(ComError) as ei:
        job.max_segments = 17
    assert ei.value.hr == E_INVALIDARG
    assert job.max_segments == 4


def test_null_display_name_is_invalid(jobs3):
    name, job = jobs3[0]
    hr = _vcall(job.ptr, JS.SetDisplayName, HRESULT, (do.LPWSTR,), None)
    assert hr == E_INVALIDARG
    assert job.display_name == name


def test_description_round_trips_and_is_limited_to_1024(jobs3):
    _, job = jobs3[1]
    job.description = "une description ✓"
    assert job.description == "une description ✓"
    job.description = "d" * 1024
    assert job.description == "d" * 1024
    with pytest.raises(ComError) as ei:
        job.description = "d" * 1025
    assert ei.value.hr == BG_E_STRING_TOO_LONG
    assert job.description == "d" * 1024


def test_priority_accepts_the_enum_and_refuses_other_values(jobs3):
    _, job = jobs3[2]
    for p in (JobPriority.FOREGROUND, JobPriority.HIGH, JobPriority.LOW, JobPriority.NORMAL):
        job.priority = p
        assert job.priority == p
    job.priority = JobPriority.LOW
    for bad in (7, 4, -1):
        with pytest.raises(ComError) as ei:
            job.priority = bad
        assert ei.value.hr == E_NOTIMPL
    assert job.priority == JobPriority.LOW


def test_notify_flags_accept_known_bits_and_refuse_unknown_ones(jobs3):
    _, job = jobs3[0]
    job.notify_flags = do.NotifyFlags.JOB_MODIFICATION | do.NotifyFlags.FILE_TRANSFERRED
    assert job.notify_flags == 0x18
    with pytest.raises(ComError) as ei:
        job.notify_flags = 0x40
    assert ei.value.hr == E_NOTIMPL
    assert job.notify_flags == 0x18
    job.notify_flags = 0x3F  # every BG_NOTIFY_* bit
    assert job.notify_flags == 0x3F


def test_retry_delay_has_a_floor_of_5_and_timeout_accepts_0(jobs3):
    _, job = jobs3[1]
    job.min_retry_delay = 2
    assert job.min_retry_delay == 5
    job.min_retry_delay = 120
    assert job.min_retry_delay == 120
    job.no_progress_timeout = 0
    assert job.no_progress_timeout == 0


def test_a_change_does_not_move_the_modification_time_backwards(jobs3):
    _, job = jobs3[0]
    t0 = job.times
    job.description = "changed"
    t1 = job.times
    assert t1.creation == t0.creation
    assert t1.modification >= t0.modification


# ---- enumeration ---------------------------------------------------------------------------

def test_enum_jobs_finds_our_three_jobs(mgr, jobs3):
    ours = {job.id for _, job in jobs3}
    with mgr.enum_jobs() as enum_:
        count = enum_.count
        assert count >= 3  # other jobs may exist
        listed = []
        for job in enum_:
            listed.append(job.id)
            job.release()
        assert len(listed) == count
        assert ours <= set(listed)
        assert enum_.next(1) == [], "the end is reached"
    found = mgr.jobs()
    try:
        assert ours <= {j.id for j in found}
    finally:
        for j in found:
            j.release()


def test_enum_next_with_celt_2_needs_pcelt_fetched(mgr, jobs3):
    with mgr.enum_jobs() as enum_:
        arr = (c_void_p * 2)()
        hr = _vcall(enum_.ptr, ES.Next, HRESULT, (ULONG, POINTER(c_void_p), POINTER(ULONG)),
                    2, arr, None)
        assert hr == E_INVALIDARG
        assert not arr[0] and not arr[1]
        # celt == 1 may omit it.
        enum_.reset()
        hr = _vcall(enum_.ptr, ES.Next, HRESULT, (ULONG, POINTER(c_void_p), POINTER(ULONG)),
                    1, arr, None)
        assert hr == S_OK and arr[0]
        raw_release(arr[0])


def test_enum_next_past_the_end_gives_s_false_with_the_rest(mgr, jobs3):
    with mgr.enum_jobs() as enum_:
        n = enum_.count
        assert enum_.skip(n - 1)
        arr = (c_void_p * 4)()
        fetched = c_uint32(99)
        hr = _vcall(enum_.ptr, ES.Next, HRESULT, (ULONG, POINTER(c_void_p), POINTER(ULONG)),
                    4, arr, byref(fetched))
        assert (hr, fetched.value) == (S_FALSE, 1)
        raw_release(arr[0])
        assert not enum_.skip(1), "skipping past the end gives S_FALSE"
        with enum_.clone() as c:
            assert c.count == n


# ---- state changes -------------------------------------------------------------------------

def test_resume_of_an_empty_job_is_bg_e_empty_and_it_stays_suspended(jobs3):
    _, job = jobs3[0]
    with pytest.raises(ComError) as ei:
        job.resume()
    assert ei.value.hr == BG_E_EMPTY
    assert ei.value.description, "ComError carries the library's message text"
    assert job.state == JobState.SUSPENDED
    job.suspend()  # Suspend of a suspended job is S_OK
    assert job.state == JobState.SUSPENDED


def test_cancel_is_final_and_the_job_disappears(mgr, jobs3):
    _, job = jobs3[0]
    job_id = job.id
    assert job.cancel() == S_OK
    assert job.state == JobState.CANCELLED == 8
    with pytest.raises(ComError) as ei:
        job.cancel()
    assert ei.value.hr == BG_E_INVALID_STATE
    with pytest.raises(ComError) as ei:
        job.display_name = "too late"
    assert ei.value.hr == BG_E_INVALID_STATE
    assert job.id == job_id, "getters still work in a final state"
    with pytest.raises(ComError) as ei:
        mgr.get_job(job_id)
    assert ei.value.hr == BG_E_NOT_FOUND
    assert ei.value.description
    found = mgr.jobs()
    try:
        assert job_id not in {j.id for j in found}
    finally:
        for j in found:
            j.release()


def test_complete_acknowledges_the_job(mgr, jobs3):
    _, job = jobs3[1]
    job_id = job.id
    assert job.complete() == S_OK
    assert job.state == JobState.ACKNOWLEDGED == 7
    with pytest.raises(ComError) as ei:
        job.complete()
    assert ei.value.hr == BG_E_INVALID_STATE
    with pytest.raises(ComError) as ei:
        mgr.get_job(job_id)
    assert ei.value.hr == BG_E_NOT_FOUND


def test_get_job_finds_a_live_job(mgr, jobs3):
    name, job = jobs3[2]
    with mgr.get_job(job.id) as again:
        assert again.id == job.id
        assert again.display_name == name
    with pytest.raises(ComError) as ei:
        mgr.get_job(GUID.from_uuid(uuid.uuid4()))
    assert ei.value.hr == BG_E_NOT_FOUND


# ---- manager services ----------------------------------------------------------------------

def test_error_description_of_bg_e_not_found(mgr):
    text = mgr.error_description(BG_E_NOT_FOUND, 0x409)
    assert isinstance(text, str) and text.strip()
    # The unsigned spelling of the same code gives the same text.
    assert mgr.error_description(0x80200001, 0x409) == text


# ---- IUnknown ------------------------------------------------------------------------------

def test_query_interface_identity_and_misses(jobs3):
    _, job = jobs3[0]
    unk = job.query_interface(do.guid_symbol("IID_IUnknown"))
    assert unk == job.ptr, "IUnknown is the job pointer (COM identity)"
    raw_release(unk)
    same = job.query_interface(GUID.from_string(SPEC_GUIDS["IID_IBackgroundCopyJob"]))
    assert same
    raw_release(same)
    for iid in (GUID.from_string(SPEC_GUIDS["IID_IBackgroundCopyFile"]), GUID.from_uuid(uuid.uuid4())):
        hr, out = raw_qi(job.ptr, iid)
        assert hr == E_NOINTERFACE
        assert out is None, "a failed QueryInterface stores NULL"
    with pytest.raises(ComError) as ei:
        job.query_interface(GUID.from_uuid(uuid.uuid4()))
    assert ei.value.hr == E_NOINTERFACE


def test_garbage_collection_releases_a_forgotten_wrapper(mgr):
    job = mgr.create_job(unique("pytest-gc"))
    again = mgr.get_job(job.id)  # a second reference, owned by `again`
    del again
    gc.collect()
    job.cancel()
    assert job.release() == 0, "__del__ released the second reference exactly once"


# ---- the whole life cycle, ending with Release == 0 ------------------------------------------

def test_life_cycle_of_three_jobs_ends_with_release_returning_zero():
    with do.Manager() as mgr:
        jobs = [mgr.create_job(unique("pytest-life")) for _ in range(3)]
        ids = [j.id for j in jobs]
        jobs[0].cancel()
        jobs[1].complete()
        jobs[2].display_name = "Téléchargement ✓"
        listed = mgr.jobs()
        listed_ids = {j.id for j in listed}
        for j in listed:
            j.release()
        assert ids[2] in listed_ids and ids[0] not in listed_ids and ids[1] not in listed_ids
        jobs[2].cancel()
        for j in jobs:
            assert j.release() == 0, "the wrapper held the only reference"
            assert j.released
        assert mgr.release() == 0
