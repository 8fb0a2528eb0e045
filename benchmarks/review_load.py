"""Load and durability of ``tafsiri review serve``: a 2,000-segment project, 20 editors saving.

    python benchmarks/review_load.py [--segments 2000] [--editors 20] [--duration 60]
                                     [--kill-duration 10] [--keep DIR]

1. **Project.** ``--segments`` records of one document (paragraphs of 100 segments), written with
   the pipeline's record writer: the Swahili of MAFAND-MT ``test.sw`` (from ../shared, cycled) with
   its English as the "MT", or numbered synthetic sentences when ../shared is not there;
   imported with ``review.import_paths``.
2. **Server.** ``python -m translate review serve P --port N`` in a subprocess on 127.0.0.1.
3. **Document view.** ``GET /documents/1`` five times; the median must be under 1 s.
4. **Load.** ``--editors`` threads, each with its own keep-alive connection and session (CSRF
   token from the index page), save for ``--duration`` seconds: nine saves in ten go to the
   editor's own segments (version tracked, so they are accepted), one in ten to a segment all
   editors share (so stale saves meet 409 conflicts). Every answered save is *acknowledged*:
   a 200 (the text is the segment's new version) or a 409 (the text is kept as a conflict
   version). Afterwards the database is read directly: every acknowledged text must be there
   under its version and kind, and each own segment must hold its last accepted text.
5. **SIGKILL.** A second load of ``--kill-duration`` seconds; halfway through the server is killed
   with SIGKILL. It is restarted, and every save acknowledged before the kill must be in the
   database; the restarted server must answer.

Prints the document view times, saves/s, p50/p95/p99/max save latency, conflicts, and the checks.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from review.importing import import_paths  # noqa: E402
from translate.backend import DecodeOptions  # noqa: E402
from translate.pipeline import TranslationInfo  # noqa: E402
from translate.records import SegmentRecord, record_dict, to_jsonl  # noqa: E402

SHARED = REPO.parent / "shared" / "data" / "lafand-mt-en-sw"
SHARE_EVERY = 10  # one save in ten goes to the shared segment


def build_project(folder: Path, segments: int) -> Path:
    """Write a one-document run of ``segments`` records and import it; returns the project."""
    if (SHARED / "test.sw").exists():
        sw = (SHARED / "test.sw").read_text(encoding="utf-8").splitlines()
        en = (SHARED / "test.en").read_text(encoding="utf-8").splitlines()
    else:
        sw = [f"Sentensi ya majaribio nambari {k} inasema jambo." for k in range(100)]
        en = [f"Test sentence number {k} says something." for k in range(100)]
    info = TranslationInfo(
        model="benchmark",
        backend="none",
        device="cpu",
        decode=DecodeOptions(),
        max_segment_tokens=200,
    )
    records = []
    pos = 0
    for k in range(segments):
        source = " ".join(sw[k % len(sw)].split()) or "Habari."
        paragraph, index = divmod(k, 100)
        if k and index == 0:
            pos += 2  # a blank line between paragraphs
        elif k:
            pos += 1
        seg = SegmentRecord(paragraph, index, pos, pos + len(source), source, en[k % len(en)])
        records.append(record_dict(seg, "mafand-test.txt", info))
        pos += len(source)
    run = folder / "run.jsonl"
    run.write_text(to_jsonl(records), encoding="utf-8")
    project = folder / "load.sqlite"
    import_paths(project, [run])
    return project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(project: Path, port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "translate", "review", "serve", str(project), "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/documents")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start within 60 s")


@dataclass
class Editor:
    """One simulated editor: its own connection, session and segments."""

    port: int
    number: int
    own: list[int]
    shared: int
    versions: dict[int, int] = field(default_factory=dict)
    acknowledged: list[tuple[int, int, str, str]] = field(default_factory=list)
    last_text: dict[int, str] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    other: list[float] = field(default_factory=list)
    comments: list[tuple[int, str]] = field(default_factory=list)
    features: bool = True
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)

    def _connect(self) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.conn.request("GET", "/")
        response = self.conn.getresponse()
        page = response.read().decode()
        cookie = response.getheader("set-cookie", "").split(";")[0]
        token = re.search(r'name="csrf-token" content="([^"]+)"', page)
        if token is None:
            raise RuntimeError("no CSRF token on the index page")
        self.headers = {
            "Content-Type": "application/json",
            "Cookie": cookie,
            "X-CSRF-Token": token.group(1),
            "Origin": f"http://127.0.0.1:{self.port}",
        }

    def _save(self, seg_id: int, text: str, version: int) -> tuple[int, dict]:
        body = json.dumps({"text": text, "version": version, "editor": f"e{self.number}"})
        start = time.perf_counter()
        self.conn.request("POST", f"/api/segments/{seg_id}", body, self.headers)
        response = self.conn.getresponse()
        data = json.loads(response.read())
        self.latencies.append(time.perf_counter() - start)
        return response.status, data

    def _request(self, method: str, url: str, body: dict | None = None) -> tuple[int, dict]:
        start = time.perf_counter()
        payload = None if body is None else json.dumps(body)
        self.conn.request(method, url, payload, self.headers)
        response = self.conn.getresponse()
        data = json.loads(response.read())
        self.other.append(time.perf_counter() - start)
        return response.status, data

    def _extras(self, k: int, seg_id: int, phase: str) -> None:
        """The v2 features beside the saves: a comment, a word diff and a QA check every
        tenth step, and (editor 0) a find & replace preview over the document every 25th."""
        if k % 10 == 0:
            text = f"{phase} note {k} by editor {self.number}"
            status, data = self._request(
                "POST", f"/api/segments/{seg_id}/comments", {"text": text, "editor": "n"}
            )
            if status == 200:
                self.comments.append((seg_id, text))
            else:
                self.errors.append(f"comment: HTTP {status}: {data}")
            self._request("GET", f"/api/segments/{seg_id}/diff")
            self._request("POST", f"/api/segments/{seg_id}/check", {"text": "The talks."})
        if self.number == 0 and k % 25 == 0:
            status, data = self._request(
                "POST",
                "/api/replace/preview",
                {"find": "save 1", "replace": "save one", "whole_word": True, "document_id": 1},
            )
            if status != 200:
                self.errors.append(f"preview: HTTP {status}: {data}")

    def run(self, stop: threading.Event, phase: str) -> None:
        try:
            self._connect()
        except OSError as err:
            self.errors.append(f"connect: {err}")
            return
        k = 0
        while not stop.is_set():
            k += 1
            shared = k % SHARE_EVERY == 0
            seg_id = self.shared if shared else self.own[k % len(self.own)]
            version = self.versions.get(seg_id, 1)
            text = f"{phase} editor {self.number} save {k} of segment {seg_id}."
            try:
                status, data = self._save(seg_id, text, version)
            except (OSError, http.client.HTTPException, ValueError) as err:
                if not stop.is_set():
                    self.errors.append(f"{type(err).__name__}: {err}")
                return  # the server is gone (or going): stop this editor
            if status == 200:
                self.versions[seg_id] = data["segment"]["version"]
                self.acknowledged.append((seg_id, self.versions[seg_id], "save", text))
                self.last_text[seg_id] = text
            elif status == 409:
                self.conflicts += 1
                self.versions[seg_id] = data["segment"]["version"]
                self.acknowledged.append((seg_id, version, "conflict", text))
            else:
                self.errors.append(f"HTTP {status}: {data}")
            if self.features:
                try:
                    self._extras(k, seg_id, phase)
                except (OSError, http.client.HTTPException, ValueError) as err:
                    if not stop.is_set():
                        self.errors.append(f"{type(err).__name__}: {err}")
                    return


def run_load(
    port: int,
    editors: int,
    seconds: float,
    segment_ids: list[int],
    phase: str,
    kill: subprocess.Popen | None = None,
    features: bool = True,
) -> list[Editor]:
    shared = segment_ids[0]
    pool = segment_ids[1:]
    crew = [Editor(port, e, pool[e::editors], shared, features=features) for e in range(editors)]
    stop = threading.Event()
    threads = [threading.Thread(target=ed.run, args=(stop, phase)) for ed in crew]
    for t in threads:
        t.start()
    if kill is not None:
        time.sleep(seconds / 2)
        kill.send_signal(signal.SIGKILL)
        kill.wait()
        time.sleep(0.5)
        stop.set()
    else:
        time.sleep(seconds)
        stop.set()
    for t in threads:
        t.join(60)
    return crew


def check(project: Path, crew: list[Editor], *, last_texts: bool = True) -> tuple[int, int]:
    """Every acknowledged save in the database; returns (checked, missing)."""
    db = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    stored = set(db.execute("SELECT segment_id, version, kind, text FROM versions"))
    targets = dict(db.execute("SELECT id, target FROM segments"))
    notes = set(db.execute("SELECT segment_id, text FROM comments"))
    db.close()
    checked = missing = 0
    for ed in crew:
        for note in ed.comments:
            checked += 1
            missing += note not in notes
        for ack in ed.acknowledged:
            checked += 1
            missing += ack not in stored
        if last_texts:
            for seg_id, text in ed.last_text.items():
                if seg_id != ed.shared:
                    checked += 1
                    missing += targets.get(seg_id) != text
    return checked, missing


def percentiles(values: list[float]) -> str:
    if not values:
        return "no saves"
    ordered = sorted(values)

    def at(q: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return (
        f"p50 {at(0.50):.1f} ms, p95 {at(0.95):.1f} ms, p99 {at(0.99):.1f} ms, "
        f"max {1000 * ordered[-1]:.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=2000)
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument(
        "--kill-duration", type=float, default=10.0, help="seconds of the load the kill cuts"
    )
    parser.add_argument("--keep", type=Path, help="build the project in this folder and keep it")
    parser.add_argument(
        "--saves-only",
        action="store_true",
        help="only saves (as before review v2): no comments, diffs, checks or replace previews",
    )
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="review-load-"))
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    project = build_project(folder, args.segments)
    print(f"project: {args.segments} segments in {time.perf_counter() - t0:.1f} s ({project})")
    port = free_port()
    server = start_server(project, port)
    failed = False
    try:
        times = []
        for _ in range(5):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            start = time.perf_counter()
            conn.request("GET", "/documents/1")
            response = conn.getresponse()
            body = response.read()
            times.append(time.perf_counter() - start)
            assert response.status == 200 and body.count(b'class="seg ') == args.segments
        median = statistics.median(times)
        print(
            f"document view ({len(body) / 1e6:.1f} MB): median {1000 * median:.0f} ms, "
            f"min {1000 * min(times):.0f} ms, max {1000 * max(times):.0f} ms "
            f"[{'OK' if median < 1 else 'SLOW'} < 1 s]"
        )
        failed |= median >= 1

        db = sqlite3.connect(project)
        ids = [r[0] for r in db.execute("SELECT id FROM segments ORDER BY id")]
        db.close()
        features = not args.saves_only
        crew = run_load(port, args.editors, args.duration, ids, "load", features=features)
        saves = [lat for ed in crew for lat in ed.latencies]
        errors = [e for ed in crew for e in ed.errors]
        conflicts = sum(ed.conflicts for ed in crew)
        print(
            f"load: {args.editors} editors, {args.duration:.0f} s: {len(saves)} saves "
            f"({len(saves) / args.duration:.0f}/s), {conflicts} conflicts (409), "
            f"{len(errors)} errors"
        )
        print(f"save latency: {percentiles(saves)}")
        if features:
            other = [lat for ed in crew for lat in ed.other]
            notes = sum(len(ed.comments) for ed in crew)
            print(
                f"other requests (comments, diffs, checks, replace previews): {len(other)}, "
                f"{notes} comments; {percentiles(other)}"
            )
        for e in errors[:5]:
            print(f"  error: {e}")
        checked, missing = check(project, crew)
        print(f"after load: {checked} acknowledged saves checked, {missing} missing")
        failed |= bool(missing or errors)

        crew2 = run_load(
            port, args.editors, args.kill_duration, ids, "kill", kill=server, features=features
        )
        acked = sum(len(ed.acknowledged) for ed in crew2)
        print(
            f"SIGKILL after {args.kill_duration / 2:.1f} s of a second load: "
            f"{acked} saves acknowledged before the kill"
        )
        server = start_server(project, port)
        checked, missing = check(project, crew2, last_texts=False)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/documents/1")
        alive = conn.getresponse().status == 200
        print(
            f"after restart: {checked} acknowledged saves checked, {missing} missing; "
            f"server answers: {alive}"
        )
        failed |= bool(missing) or not alive or acked == 0
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    print("FAILED" if failed else "all checks passed")
    if not args.keep:
        for p in sorted(folder.glob("*")):
            p.unlink()
        os.rmdir(folder)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
