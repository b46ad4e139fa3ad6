"""Chooses which ``deliveryopt`` is tested and with which library; skips the whole suite when
the library is not built. Nothing is built here: run ``cargo build`` first.

* By default the package under test is this checkout's ``python/deliveryopt`` (put first on
  ``sys.path``). With ``DELIVERYOPT_PYTEST_INSTALLED=1`` it is the installed one (``pip install
  ./python``), and a copy from this checkout is refused, so the installation itself is tested.
* The library is ``$DELIVERYOPT_LIBRARY`` (or ``$DELIVERYOPT_LIB``) when set, else this checkout's
  ``target/debug/libdeliveryopt.so`` (what ``cargo build`` makes) when it exists, else the
  package's own search order.
* The jobs live in a fresh store (``DELIVERYOPT_STATE_DIR``), never the user's.

The fixture ``http_server`` is a loopback HTTP server for the test files.
"""

import http.server
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

# The library keeps jobs in a per-user store; the tests get a fresh one, never the user's. It must
# be chosen before the library starts (the first CoCreateInstance).
_OWN_STORE = None
if not os.environ.get("DELIVERYOPT_STATE_DIR"):
    _OWN_STORE = tempfile.mkdtemp(prefix="deliveryopt-pytest-")
    os.environ["DELIVERYOPT_STATE_DIR"] = _OWN_STORE

PYTHON_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = PYTHON_DIR.parent
INSTALLED = bool(os.environ.get("DELIVERYOPT_PYTEST_INSTALLED"))

if not INSTALLED:
    sys.path.insert(0, str(PYTHON_DIR))

import deliveryopt  # noqa: E402

PACKAGE_DIR = Path(deliveryopt.__file__).resolve().parent
if INSTALLED and PYTHON_DIR in PACKAGE_DIR.parents:
    raise pytest.UsageError(
        "DELIVERYOPT_PYTEST_INSTALLED is set, but deliveryopt was imported from the checkout "
        "(%s): run pytest from outside python/ with the interpreter it was installed into"
        % PACKAGE_DIR)

_DEBUG_BUILD = REPO_ROOT / "target" / "debug" / "libdeliveryopt.so"
if not (os.environ.get("DELIVERYOPT_LIBRARY") or os.environ.get("DELIVERYOPT_LIB")) \
        and _DEBUG_BUILD.is_file():
    os.environ["DELIVERYOPT_LIBRARY"] = str(_DEBUG_BUILD)


def _load_error():
    try:
        deliveryopt.library()
    except OSError as exc:
        return "libdeliveryopt.so is not loadable (run `cargo build` or set DELIVERYOPT_LIBRARY): %s" % exc
    return None


_REASON = _load_error()


def pytest_report_header(config):
    where = "installed" if INSTALLED else "this checkout"
    lib = deliveryopt.library_path() if _REASON is None else "not loadable"
    return ["deliveryopt %s (%s): %s" % (deliveryopt.__version__, where, PACKAGE_DIR),
            "libdeliveryopt: %s" % lib]


def pytest_unconfigure(config):
    # The store made above goes away with the session; its service notices and exits. In
    # process, the engine (this process) still has it open: it stays then.
    if _OWN_STORE and os.environ.get("DELIVERYOPT_ENGINE", "service") == "service":
        shutil.rmtree(_OWN_STORE, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    if _REASON is None:
        return
    skip = pytest.mark.skip(reason=_REASON)
    for item in items:
        item.add_marker(skip)


# ---- a loopback HTTP server ----------------------------------------------------------------

PAYLOAD = bytes((i * 7 + i // 251) & 0xFF for i in range(300_000))
SLOW_SIZE = 600_000
SLOW_CHUNK = 30_000
SLOW_PAUSE = 0.05      # 20 chunks: about one second


class _Handler(http.server.BaseHTTPRequestHandler):
    """``/file.bin`` (PAYLOAD), ``/slow.bin`` (SLOW_SIZE bytes, trickled), ``/status/<n>``
    (that status), anything else 404. GET and HEAD, Content-Length always."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _head(self, status, length):
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def _serve(self, body_wanted):
        path = self.path.split("?", 1)[0]
        self.server.requests.append(path)
        if path == "/file.bin":
            self._head(200, len(PAYLOAD))
            if body_wanted:
                self.wfile.write(PAYLOAD)
        elif path == "/slow.bin":
            self._head(200, SLOW_SIZE)
            if body_wanted:
                sent = 0
                try:
                    while sent < SLOW_SIZE and not self.server.stopping.is_set():
                        self.wfile.write(PAYLOAD[:SLOW_CHUNK])
                        self.wfile.flush()
                        sent += SLOW_CHUNK
                        time.sleep(SLOW_PAUSE)
                except (BrokenPipeError, ConnectionResetError):
                    pass
        elif path.startswith("/status/"):
            body = b"status\n"
            self._head(int(path.rsplit("/", 1)[1]), len(body))
            if body_wanted:
                self.wfile.write(body)
        else:
            body = b"not found\n"
            self._head(404, len(body))
            if body_wanted:
                self.wfile.write(body)

    def do_GET(self):
        self._serve(True)

    def do_HEAD(self):
        self._serve(False)


@pytest.fixture(scope="session")
def http_server():
    """``(base_url, server)`` of a server on 127.0.0.1 (nothing else is contacted); stopped at
    the end of the session."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.requests = []
    httpd.stopping = threading.Event()
    t = threading.Thread(target=httpd.serve_forever, name="test-http", daemon=True)
    t.start()
    yield "http://127.0.0.1:%d" % httpd.server_address[1], httpd
    httpd.stopping.set()
    httpd.shutdown()
    httpd.server_close()
    t.join(10)
