"""Upload and upload-reply jobs from Python: to the shipped BITS upload server
(``deliveryopt-upload-server``) and to the test server's BITS side with a fault."""

import os
import subprocess
import time
from pathlib import Path

import pytest

import deliveryopt

REPO = Path(__file__).resolve().parents[2]
UPLOAD_SERVER = REPO / "target" / "debug" / "deliveryopt-upload-server"
TEST_SERVER = REPO / "target" / "debug" / "deliveryopt-testserver"


def _start(args, port_file):
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if port_file.exists() and port_file.read_text().strip():
            return proc, int(port_file.read_text().split()[0])
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    pytest.fail("the server did not start: %s" % args[0])


@pytest.fixture
def upload_server(tmp_path):
    if not UPLOAD_SERVER.exists():
        pytest.fail("target/debug/deliveryopt-upload-server is not built (cargo build)")
    port_file = tmp_path / "port"
    proc, port = _start([str(UPLOAD_SERVER), "--root", str(tmp_path / "srv"), "--listen", "127.0.0.1:0",
                         "--port-file", str(port_file), "--reply-command", "wc -c"], port_file)
    yield "http://127.0.0.1:%d" % port, tmp_path / "srv"
    proc.kill()
    proc.wait()


@pytest.fixture
def test_server(tmp_path):
    if not TEST_SERVER.exists():
        pytest.fail("target/debug/deliveryopt-testserver is not built (cargo build -p testserver)")
    port_file = tmp_path / "tport"
    proc, port = _start([str(TEST_SERVER), "--port-file", str(port_file)], port_file)
    yield "http://127.0.0.1:%d" % port
    proc.kill()
    proc.wait()


def _wait(job, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if job.state in (deliveryopt.JobState.TRANSFERRED, deliveryopt.JobState.ERROR):
            return job.state
        time.sleep(0.05)
    return job.state


def test_an_upload_reaches_the_shipped_server(upload_server, tmp_path):
    url, root = upload_server
    data = os.urandom(3_000_000)
    src = tmp_path / "report.bin"
    src.write_bytes(data)
    with deliveryopt.Manager() as m, m.create_job("py upload", deliveryopt.JobType.UPLOAD) as job:
        job.add_file(url + "/in/report.bin", src)
        with pytest.raises(deliveryopt.BitsError) as e:
            job.add_file(url + "/in/second.bin", src)
        assert e.value.hr == 0x8020001C  # BG_E_TOO_MANY_FILES
        with pytest.raises(deliveryopt.BitsError) as e:
            job.reply_data()
        assert e.value.hr == 0x80004001  # E_NOTIMPL: not an upload-reply job
        job.resume()
        assert _wait(job) == deliveryopt.JobState.TRANSFERRED
        assert job.progress.bytes_transferred == len(data)
        job.complete()
    assert (root / "in" / "report.bin").read_bytes() == data


def test_an_upload_reply_gets_the_servers_answer(upload_server, tmp_path):
    url, root = upload_server
    src = tmp_path / "crash.dmp"
    src.write_bytes(b"x" * 123_456)
    reply = tmp_path / "answer.txt"
    with deliveryopt.Manager() as m, m.create_job("py reply", deliveryopt.JobType.UPLOAD_REPLY) as job:
        job.add_file(url + "/crash.dmp", src)
        assert job.reply_file_name is None
        job.reply_file_name = reply
        assert job.reply_file_name == str(reply)
        assert job.reply_progress == (None, 0)
        job.resume()
        assert _wait(job) == deliveryopt.JobState.TRANSFERRED
        assert job.reply_data() == b"123456\n"
        assert job.reply_progress == (7, 7)
        job.complete()
    assert reply.read_bytes() == b"123456\n"
    assert (root / "crash.dmp").stat().st_size == 123_456


def test_a_dropped_fragment_ends_in_the_right_bytes_at_the_test_server(test_server, tmp_path):
    src = tmp_path / "f.bin"
    src.write_bytes(os.urandom(700_000))
    with deliveryopt.Manager() as m, m.create_job("py fault", deliveryopt.JobType.UPLOAD_REPLY) as job:
        job.add_file(test_server + "/up/f.bin?bits_drop_after=1000&bits_reply_len=321", src)
        job.min_retry_delay = 5
        job.resume()
        assert _wait(job, 60) == deliveryopt.JobState.TRANSFERRED
        assert job.error_count >= 1
        assert len(job.reply_data()) == 321
        job.complete()
