"""Start-up: how long the commands that should not load a model take (issue 13, point 2).

Each command runs as a fresh ``tafsiri`` process, ``--repeat`` times; the fastest run counts
(wall and CPU seconds of the child). Targets: ``tafsiri --help`` and ``tafsiri model list``
well under a second; re-running ``tafsiri translate SEED -o OUT`` when OUT is already complete
answers from the resume manifest without loading the model (compared with the first run,
which translates).

    python benchmarks/startup.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "kazakhstan-belgium-consultations.sw.txt"
TAFSIRI = [sys.executable, "-m", "translate"]


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds and stderr of one ``tafsiri`` process."""
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(
        [*TAFSIRI, *args], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu, done.stderr.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the fastest counts")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="tafsiri-startup-"))
    env = dict(os.environ, TAFSIRI_HOME=str(home / "config"), HF_HUB_OFFLINE="1")
    out = home / "out"
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; best of {args.repeat}")
    try:
        commands = [
            ("tafsiri --help", ["--help"]),
            ("tafsiri --version", ["--version"]),
            ("tafsiri model list", ["model", "list"]),
        ]
        for label, argv in commands:
            best = min(run(argv, env)[:2] for _ in range(args.repeat))
            print(f"{label:<44} {best[0]:6.2f} s wall {best[1]:6.2f} s CPU")
        translate = ["translate", str(SEED), "-o", str(out)]
        first = run(translate, env)
        print(
            f"{'tafsiri translate SEED -o OUT (translates)':<44} {first[0]:6.2f} s wall "
            f"{first[1]:6.2f} s CPU"
        )
        again = [run(translate, env) for _ in range(args.repeat)]
        best = min(a[:2] for a in again)
        print(
            f"{'the same again (OUT complete: nothing to do)':<44} {best[0]:6.2f} s wall "
            f"{best[1]:6.2f} s CPU"
        )
        print(f"  its summary: {again[-1][2].splitlines()[-1] if again[-1][2] else '(none)'}")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
