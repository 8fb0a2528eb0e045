"""Abuse of ``tafsiri review serve`` on loopback: what the issue-23 attacks do to a live server.

    python benchmarks/review_abuse.py [--segments 300] [--editors 4] [--repeat 3]

Bounded and loopback only: the server listens on 127.0.0.1 (a subprocess, as ``review_load.py``
starts it), every request goes there, and the largest body sent is 5 MB.

1. **Project.** ``review_load.build_project``'s one-document run (MAFAND-MT test sentences, or
   synthetic ones), plus the same records as a second document named ``خبر-ŝ.txt`` (a non-Latin
   name) whose first source holds a right-to-left override.
2. **Other editors.** ``--editors`` threads keep saving their own segments the whole time.
3. **Attacks**, ``--repeat`` rounds: a 5,000,000-character save sent with ``Transfer-Encoding:
   chunked`` (and once announced in ``Content-Length``); saves at and over the segment length
   cap; a save whose editor is ``"Amina\\x01"``
   and one whose text holds ``\\x01``; ``version`` 2**63, ``"seconds": NaN``, a body nested
   100,000 deep; ids 2**63 and 10**23 in ``/documents/N``, its downloads and
   ``/api/segments/N/…``; every download of the non-Latin document.
4. **Checks.** Every answer is a 2xx, or a 4xx whose body is the JSON error shape; the other
   editors' saves all stay under 1 s (latencies printed); every export format still renders
   (web downloads of both documents, and ``write_export`` of the whole project);
   ``PRAGMA integrity_check`` says ``ok``; the chunked text was not stored.

Prints each attack's answers and times, the editors' save latencies, and the checks; exits 1 when
a check fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import socket
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from review_load import build_project, free_port, start_server  # noqa: E402

from review.export import FORMATS, write_export  # noqa: E402
from review.importing import import_paths  # noqa: E402
from review.project import MAX_TEXT, Project  # noqa: E402

BIG = 5_000_000
NON_LATIN = "خبر-ŝ.txt"
HUGE_IDS = (2**63, 10**23)
LIMIT_S = 1.0


@dataclass
class Session:
    """One browser session: a keep-alive connection, its cookie and CSRF token."""

    port: int
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.conn.request("GET", "/")
        response = self.conn.getresponse()
        page = response.read().decode()
        token = re.search(r'name="csrf-token" content="([^"]+)"', page)
        if token is None:
            raise RuntimeError("no CSRF token on the index page")
        self.headers = {
            "Content-Type": "application/json",
            "Cookie": response.getheader("set-cookie", "").split(";")[0],
            "X-CSRF-Token": token.group(1),
        }

    def request(self, method: str, url: str, body: bytes | None = None) -> tuple[int, str, bytes]:
        try:
            self.conn.request(method, url, body, self.headers if method == "POST" else {})
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # the server closed the connection: retry once on a fresh one
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, url, body, self.headers if method == "POST" else {})
            response = self.conn.getresponse()
            data = response.read()
        return response.status, response.getheader("content-type", ""), data


def chunked_post(
    port: int, url: str, headers: dict[str, str], body: bytes
) -> tuple[int, str, bytes]:
    """POST ``body`` with ``Transfer-Encoding: chunked`` on a raw socket, stopping the upload
    when the server answers early; returns (status, content type, body)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = [f"POST {url} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Transfer-Encoding: chunked"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
    sock.settimeout(0)
    answer = b""
    try:
        for start in range(0, len(body), 65536):
            chunk = body[start : start + 65536]
            sock.settimeout(60)
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sock.settimeout(0)
            try:
                answer += sock.recv(65536)
            except BlockingIOError:
                continue
            if answer:
                break
        else:
            sock.settimeout(60)
            sock.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    sock.settimeout(10)
    try:
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < _length(answer):
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    except (OSError, ValueError):
        pass
    sock.close()
    head_bytes, _, payload = answer.partition(b"\r\n\r\n")
    lines = head_bytes.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0] else 0
    ctype = next(
        (ln.split(":", 1)[1].strip() for ln in lines if ln.lower().startswith("content-type:")), ""
    )
    return status, ctype, payload


def _length(answer: bytes) -> int:
    for line in answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":", 1)[1])
    return 0


@dataclass
class Answer:
    what: str
    status: int
    ctype: str
    body: bytes
    seconds: float

    @property
    def ok(self) -> bool:
        if 200 <= self.status < 300:
            return True
        if 400 <= self.status < 500 and self.ctype.startswith("application/json"):
            try:
                return isinstance(json.loads(self.body).get("error"), str)
            except ValueError:
                return False
        return False


class Editors:
    """``n`` editors saving their own segments until stopped, with their latencies."""

    def __init__(self, port: int, segments: list[int], n: int) -> None:
        self.port, self.segments, self.n = port, segments, n
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(e,)) for e in range(n)]

    def _run(self, number: int) -> None:
        session = Session(self.port)
        own = self.segments[number :: self.n]
        versions = dict.fromkeys(own, 1)
        k = 0
        while not self.stop.is_set():
            k += 1
            seg = own[k % len(own)]
            body = json.dumps({"text": f"Editor {number} save {k}.", "version": versions[seg]})
            started = time.perf_counter()
            status, _, data = session.request("POST", f"/api/segments/{seg}", body.encode())
            self.latencies.append(time.perf_counter() - started)
            if status == 200:
                versions[seg] = json.loads(data)["segment"]["version"]
            else:
                self.errors.append(f"HTTP {status}: {data[:200]!r}")
            time.sleep(0.02)

    def __enter__(self) -> Editors:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()


def make_project(folder: Path, segments: int) -> Path:
    project = build_project(folder, segments)
    lines = (folder / "run.jsonl").read_text(encoding="utf-8").splitlines()
    second = []
    for k, line in enumerate(lines):
        record = json.loads(line)
        record["document"] = NON_LATIN
        if k == 0:  # a right-to-left override, same length as the character it replaces
            record["source"] = record["source"][:-1] + "\u202e"
        second.append(json.dumps(record, ensure_ascii=False))
    run = folder / "non-latin.jsonl"
    run.write_text("\n".join(second) + "\n", encoding="utf-8")
    import_paths(project, [run])
    return project


def attack(
    session: Session, port: int, target: int, other_doc: int, first_other: int
) -> list[Answer]:
    answers: list[Answer] = []

    def timed(what: str, method: str, url: str, body: bytes | None = None) -> None:
        started = time.perf_counter()
        status, ctype, data = session.request(method, url, body)
        answers.append(Answer(what, status, ctype, data, time.perf_counter() - started))

    big = json.dumps({"text": "x" * BIG, "version": 1}).encode()
    started = time.perf_counter()
    status, ctype, data = chunked_post(port, f"/api/segments/{target}", session.headers, big)
    answers.append(Answer("chunked 5 MB save", status, ctype, data, time.perf_counter() - started))
    timed("5 MB save with Content-Length", "POST", f"/api/segments/{target}", big)
    for seg_id in (target, first_other):  # approved, so the pair formats hold them
        _, _, data = session.request("GET", f"/api/segments/{seg_id}")
        version = json.loads(data)["version"]
        body = {"text": f"Approved by Amina {version}.", "version": version, "status": "approved"}
        timed(
            "approve, editor 'Amina\\x01'",
            "POST",
            f"/api/segments/{seg_id}",
            json.dumps({**body, "editor": "Amina\x01"}).encode(),
        )
    _, _, data = session.request("GET", f"/api/segments/{target}")
    at_cap = ("word " * (MAX_TEXT // 5))[:MAX_TEXT]
    version = json.loads(data)["version"]
    body = json.dumps({"text": at_cap, "version": version, "status": "approved"}).encode()
    timed(f"save at the {MAX_TEXT:,}-character cap", "POST", f"/api/segments/{target}", body)
    over = json.dumps({"text": at_cap + "!", "version": 1}).encode()
    timed(f"save of {MAX_TEXT + 1:,} characters", "POST", f"/api/segments/{target}", over)
    timed(
        "text with \\x01",
        "POST",
        f"/api/segments/{target}",
        json.dumps({"text": "Bell \x01.", "version": 1}).encode(),
    )
    timed(
        "version 2**63",
        "POST",
        f"/api/segments/{target}",
        b'{"text": "x", "version": 9223372036854775808}',
    )
    timed(
        "seconds NaN",
        "POST",
        f"/api/segments/{target}",
        b'{"text": "x", "version": 1, "seconds": NaN}',
    )
    timed(
        "body nested 100k deep", "POST", f"/api/segments/{target}", b"[" * 100_000 + b"]" * 100_000
    )
    for big_id in HUGE_IDS:
        timed(f"GET /documents/{big_id}", "GET", f"/documents/{big_id}")
        timed(f"GET /documents/{big_id}/download/txt", "GET", f"/documents/{big_id}/download/txt")
        for tail in ("", "/history", "/memory"):
            timed(f"GET /api/segments/{big_id}{tail}", "GET", f"/api/segments/{big_id}{tail}")
        for tail in ("", "/check", "/ignore"):
            timed(
                f"POST /api/segments/{big_id}{tail}",
                "POST",
                f"/api/segments/{big_id}{tail}",
                b'{"text": "x", "version": 1, "code": "term"}',
            )
    for name in FORMATS:
        timed(f"download {name} of {NON_LATIN}", "GET", f"/documents/{other_doc}/download/{name}")
    return answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=300)
    parser.add_argument("--editors", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = make_project(folder, args.segments)
        with Project(project) as proj:
            main_doc, other_doc = (d.id for d in proj.documents())
            ids = [s.id for s in proj.segments(main_doc)]
            first_other = proj.segments(other_doc)[0].id
        port = free_port()
        server = start_server(project, port)
        try:
            session = Session(port)
            target, editors_segments = ids[0], ids[1:]
            answers: list[Answer] = []
            started = time.perf_counter()
            with Editors(port, editors_segments, args.editors) as crew:
                time.sleep(1.0)  # the editors' baseline
                for _ in range(args.repeat):
                    answers += attack(session, port, target, other_doc, first_other)
                time.sleep(0.5)
            elapsed = time.perf_counter() - started
            downloads = []
            for doc in (main_doc, other_doc):
                for name in FORMATS:
                    status, _, data = session.request("GET", f"/documents/{doc}/download/{name}")
                    downloads.append((doc, name, status, len(data)))
        finally:
            server.terminate()
            server.wait(10)

        print(
            f"review abuse on 127.0.0.1:{port}: {args.segments} + {args.segments} segments, "
            f"{args.repeat} rounds, {args.editors} other editors, {elapsed:.1f} s"
        )
        print(f"\n{'request':<58} {'answers':<22} {'max ms':>8}")
        by_what: dict[str, list[Answer]] = {}
        for a in answers:
            by_what.setdefault(a.what, []).append(a)
        for what, group in by_what.items():
            codes = Counter(a.status for a in group)
            shown = ", ".join(f"{n}× {c}" for c, n in sorted(codes.items()))
            json_ok = all(a.ok for a in group)
            print(
                f"{what:<58} {shown + ('' if json_ok else ' NOT OK'):<22} "
                f"{1000 * max(a.seconds for a in group):8.0f}"
            )
            if not json_ok:
                failures.append(f"{what}: {[(a.status, a.ctype, a.body[:120]) for a in group]}")
        chunked = by_what["chunked 5 MB save"]
        if any(a.status != 413 for a in chunked):
            failures.append("the chunked 5 MB save was not refused with 413")
        lat = sorted(crew.latencies)
        q = statistics.quantiles(lat, n=100) if len(lat) > 1 else lat * 99
        print(
            f"\nother editors: {len(lat)} saves, {len(crew.errors)} errors; latency "
            f"p50 {1000 * q[49]:.0f} ms, p95 {1000 * q[94]:.0f} ms, p99 {1000 * q[98]:.0f} ms, "
            f"max {1000 * lat[-1]:.0f} ms (limit {LIMIT_S * 1000:.0f} ms)"
        )
        if crew.errors:
            failures.append(f"other editors' saves failed: {crew.errors[:3]}")
        if not lat or lat[-1] >= LIMIT_S:
            failures.append(f"another editor's save took {lat[-1] if lat else 0:.2f} s")

        bad_downloads = [d for d in downloads if d[2] != 200 or d[3] == 0]
        print(
            f"web downloads after the attacks: {len(downloads) - len(bad_downloads)}/"
            f"{len(downloads)} rendered ({', '.join(FORMATS)}; both documents)"
        )
        failures += [f"download {n} of document {d}: HTTP {s}" for d, n, s, _ in bad_downloads]
        with Project(project) as proj:
            exported = []
            for name, form in FORMATS.items():
                out = folder / "export" / f"all{form.extension}"
                document = "1" if name == "html" else None
                try:
                    exported += write_export(proj, name, out, document)
                except Exception as err:  # noqa: BLE001 - reported as a failed check
                    failures.append(f"write_export {name}: {type(err).__name__}: {err}")
            stored = proj.segment(target)
            editor = stored.editor
        print(
            f"write_export after the attacks: {len(exported)} files, "
            f"{sum(p.stat().st_size for p in exported):,} bytes"
        )
        if len(stored.target) > 100_000:
            failures.append("the 5 MB text was stored")
        print(f"segment {target}: {len(stored.target)} characters stored, editor {editor!r}")
        with sqlite3.connect(project) as conn:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        print(f"PRAGMA integrity_check: {integrity}")
        if integrity != "ok":
            failures.append(f"integrity_check: {integrity}")
    print("\n" + ("all checks passed" if not failures else "FAILED:\n  " + "\n  ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
