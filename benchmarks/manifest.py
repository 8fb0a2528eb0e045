"""What the resume manifest costs per document as a batch grows.

    python benchmarks/manifest.py                 # 1,000 / 5,000 / 20,000 documents
    python benchmarks/manifest.py --sizes 100000

A batch run notes every finished output in ``OUT/.tafsiri-manifest.json``
(:class:`translate.jobs.Manifest`) so that a rerun resumes. This records N outputs into a fresh
folder, as a run does, then reopens the manifest as a rerun would, and prints the time per
document of each and the bytes written to disk in all (from ``/proc/self/io`` on Linux). A
cost per document that grows with N would make a newsroom's archive-sized batch quadratic.
No model is loaded; the outputs are empty files.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from translate.jobs import Manifest  # noqa: E402


def _written() -> int | None:
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("write_bytes:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def measure(n: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        targets = [out / f"doc-{i:07d}.txt" for i in range(n)]
        for target in targets:
            target.touch()
        key, signature = "k" * 64, "tafsiri|sw-en-compact|beam:4|" + "s" * 80
        before = _written()
        began = time.perf_counter()
        manifest = Manifest(out)
        for i, target in enumerate(targets):
            manifest.record(target, hashlib.sha256(str(i).encode()).hexdigest(), key, signature)
        manifest.close()
        recorded = time.perf_counter() - began
        after = _written()
        began = time.perf_counter()
        again = Manifest(out)
        complete = sum(
            again.is_complete(t, hashlib.sha256(str(i).encode()).hexdigest(), key)
            for i, t in enumerate(targets)
        )
        reread = time.perf_counter() - began
        assert complete == n, f"{complete} of {n} outputs found complete on rereading"
        disk = f", {(after - before) / 2**20:,.1f} MiB written" if before is not None else ""
        return (
            f"{n:>7,} documents: recording {recorded * 1e3 / n:.2f} ms per document "
            f"({recorded:.1f} s){disk}; rereading {reread * 1e6 / n:.1f} µs per document"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    for n in parser.parse_args().sizes:
        print(measure(n), flush=True)


if __name__ == "__main__":
    main()
