"""A save the server acknowledged survives SIGKILL: ``tafsiri review serve`` in a subprocess is
killed in the middle of a stream of saves, and every acknowledged one is in the database."""

from __future__ import annotations

import http.client
import json
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from review.importing import import_paths
from tests.conftest import REPO
from tests.review_support import make_run


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(project, port):
    cmd = [sys.executable, "-m", "translate", "review", "serve", str(project), "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/documents")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"server exited: {proc.stderr.read().decode()}")
            time.sleep(0.1)
    proc.kill()
    pytest.fail("the server did not start")


def _session(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/")
    response = conn.getresponse()
    token = re.search(r'name="csrf-token" content="([^"]+)"', response.read().decode()).group(1)
    cookie = response.getheader("set-cookie").split(";")[0]
    headers = {"Content-Type": "application/json", "Cookie": cookie, "X-CSRF-Token": token}
    return conn, headers


@pytest.mark.timeout(120)
def test_acknowledged_saves_survive_sigkill(tmp_path):
    project = tmp_path / "p.sqlite"
    import_paths(project, [make_run(tmp_path)])
    port = _port()
    server = _serve(project, port)
    acknowledged: list[tuple[int, int, str]] = []
    lock = threading.Lock()

    def editor(seg_id: int) -> None:
        conn, headers = _session(port)
        version = 1
        for k in range(10_000):
            text = f"segment {seg_id} save {k}"
            body = json.dumps({"text": text, "version": version})
            try:
                conn.request("POST", f"/api/segments/{seg_id}", body, headers)
                response = conn.getresponse()
                data = json.loads(response.read())
            except (OSError, http.client.HTTPException, ValueError):
                return
            assert response.status == 200, data
            version = data["segment"]["version"]
            with lock:
                acknowledged.append((seg_id, version, text))

    threads = [threading.Thread(target=editor, args=(s,)) for s in (1, 2, 3, 4)]
    try:
        for t in threads:
            t.start()
        time.sleep(1.5)
        server.send_signal(signal.SIGKILL)
        server.wait()
        for t in threads:
            t.join(30)
    finally:
        if server.poll() is None:
            server.kill()
    assert len(acknowledged) > 4
    db = sqlite3.connect(project)
    stored = set(db.execute("SELECT segment_id, version, text FROM versions WHERE kind = 'save'"))
    versions = dict(db.execute("SELECT id, version FROM segments"))
    db.close()
    assert [a for a in acknowledged if a not in stored] == []
    # A save may be committed and then lose its answer to the kill: never older than the last
    # acknowledged one, though.
    last = {seg: version for seg, version, _ in acknowledged}
    assert all(versions[seg] >= version for seg, version in last.items())
