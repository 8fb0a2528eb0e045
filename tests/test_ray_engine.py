"""`tafsiri translate --engine ray` on a local multi-node cluster: the same bytes as the local
engine, and the failures a cluster has.

One cluster for the module (``ray.cluster_utils.Cluster``: a head without CPUs and two nodes of
one CPU each, so the two workers run in separate node processes). Drivers are ``python -m
translate`` subprocesses joining it with ``--address``, so that a test can SIGKILL one. The
documents are the first two sentences of the first 100 of 200 real VOA Swahili news articles
(``tests/data/voa-sw-200.jsonl``), translated with the embedded model (beam 1 keeps the module
near three minutes on two cores); the glossary and protected spans are on, as by default.
Skipped only when Ray is not installed (``pip install -e '.[ray]'``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import DATA, REPO
from tests.ray_faults import MARKER
from translate.cli import app
from translate.jobs import Manifest

pytest.importorskip("ray.data")
from ray.cluster_utils import Cluster  # noqa: E402

DOCS = DATA / "voa-sw-200.jsonl"
COUNT = 100  # documents: enough that a kill lands mid-run
DECODE = ["--beam", "1"]

runner = CliRunner()


@pytest.fixture(scope="module")
def cluster():
    """A head node (no CPUs: nothing is scheduled beside the GCS) and 2 nodes × 1 CPU."""
    nodes = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 0, "include_dashboard": False},
    )
    for _ in range(2):
        nodes.add_node(num_cpus=1, object_store_memory=80 * 1024 * 1024)
    nodes.wait_for_nodes()
    yield nodes
    nodes.shutdown()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("voa-sw")
    for k, line in enumerate(DOCS.read_text(encoding="utf-8").splitlines()[:COUNT]):
        (folder / f"voa-{k:03d}.txt").write_text(json.loads(line)["text"], encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def local(inputs, tmp_path_factory):
    """The local engine's output folder per format, made once."""
    made: dict[str, Path] = {}

    def output(fmt: str) -> Path:
        if fmt not in made:
            out = tmp_path_factory.mktemp(f"local-{fmt}")
            result = runner.invoke(
                app, ["translate", str(inputs), "-o", str(out), "--format", fmt, *DECODE]
            )
            assert result.exit_code == 0, result.output
            made[fmt] = out
        return made[fmt]

    return output


def _command(src: Path, out: Path, cluster, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "translate",
        "translate",
        str(src),
        "-o",
        str(out),
        "--engine",
        "ray",
        "--address",
        cluster.address,
        "--workers",
        "2",
        *DECODE,
        *extra,
    ]


def _ray(src: Path, out: Path, cluster, *extra: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        _command(src, out, cluster, *extra),
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        cwd=REPO,
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def _manifest(folder: Path) -> dict:
    """The outputs the folder's manifest (and its journal, after a kill) lists as complete."""
    return Manifest(folder).entries()


def _assert_same(out: Path, reference: Path) -> None:
    got, want = _files(out), _files(reference)
    assert sorted(got) == sorted(want)
    differ = [name for name in want if got[name] != want[name]]
    assert not differ, f"{len(differ)} outputs differ from the local engine's, e.g. {differ[:3]}"
    assert _manifest(out) == _manifest(reference)


def _wait_for_outputs(out: Path, count: int, proc: subprocess.Popen, limit: float = 180) -> None:
    deadline = time.monotonic() + limit
    while len(_manifest(out)) < count:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.2)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(stat.parent.name))
    return tree


def _worker_pids() -> list[int]:
    """This test process's own Ray workers running the pool (the cluster's nodes are its
    children; Ray names an actor's process after its class)."""
    tree, found, todo = _children(), [], [os.getpid()]
    while todo:
        for pid in tree.get(todo.pop(), []):
            todo.append(pid)
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"DocumentWorker" in cmdline:
                found.append(pid)
    return found


# -- the same bytes ---------------------------------------------------------------------------


@pytest.mark.timeout(400)
@pytest.mark.parametrize("fmt", ["txt", "jsonl"])
def test_ray_writes_what_the_local_engine_writes(cluster, inputs, local, tmp_path, fmt):
    out = tmp_path / "out"
    result = _ray(inputs, out, cluster, "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert f"translated {COUNT} documents ({2 * COUNT} segments)" in result.stderr
    assert "× 2 Ray workers" in result.stderr
    _assert_same(out, local(fmt))
    assert len(_manifest(out)) == COUNT
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]


# -- failures ---------------------------------------------------------------------------------


@pytest.mark.timeout(400)
def test_a_killed_worker_is_restarted_and_the_run_completes(cluster, inputs, local, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        _command(inputs, out, cluster), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _wait_for_outputs(out, 20, proc)
    victims = _worker_pids()
    assert len(victims) == 2
    os.kill(victims[0], signal.SIGKILL)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert len(_manifest(out)) == COUNT
    _assert_same(out, local("txt"))


@pytest.mark.timeout(300)
def test_without_restarts_the_same_kill_stops_the_run(cluster, inputs, tmp_path):
    """The control: the kill above lands, since without restarts it fails the run."""
    out = tmp_path / "out"
    command = _command(inputs, out, cluster, "--max-restarts", "0")
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_outputs(out, 20, proc)
    os.kill(_worker_pids()[0], signal.SIGKILL)
    _, stderr = proc.communicate(timeout=240)
    assert proc.returncode == 1, stderr
    assert "error: the Ray run stopped" in stderr
    assert "run the same command again to resume" in stderr
    assert len(_manifest(out)) < COUNT


@pytest.mark.timeout(400)
def test_a_killed_driver_resumes_with_only_the_unfinished_documents(
    cluster, inputs, local, tmp_path
):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        _command(inputs, out, cluster), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _wait_for_outputs(out, 30, proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    finished = len(_manifest(out))
    assert 30 <= finished < COUNT
    result = _ray(inputs, out, cluster)
    assert result.returncode == 0, result.stderr
    redone = COUNT - finished
    assert f"translated {redone} document{'s' * (redone != 1)}" in result.stderr
    assert f"skipped {finished} already complete" in result.stderr
    _assert_same(out, local("txt"))


@pytest.mark.timeout(300)
def test_a_document_that_raises_in_a_worker_is_an_error_line(cluster, inputs, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    names = sorted(p.name for p in inputs.iterdir())[:6]
    for name in names:
        (src / name).write_bytes((inputs / name).read_bytes())
    bad = src / "voa-bad.txt"
    bad.write_text(f"Habari za asubuhi. {MARKER}\n", encoding="utf-8")
    hook = {
        "runtime_env": {
            "worker_process_setup_hook": "tests.ray_faults.install",
            "env_vars": {"PYTHONPATH": str(REPO)},
        }
    }
    env = {**os.environ, "RAY_JOB_CONFIG_JSON_ENV_VAR": json.dumps(hook)}
    result = _ray(src, tmp_path / "ray", cluster, env=env)
    assert result.returncode == 1, result.stderr
    line = f"error: {bad}: RuntimeError: injected failure (skipped)"
    assert line in result.stderr.splitlines()
    assert "1 document could not be translated and was skipped" in result.stderr
    assert sorted(_files(tmp_path / "ray")) == names
    assert sorted(_manifest(tmp_path / "ray")) == names


def test_the_local_engine_says_the_same_for_a_document_that_raises(inputs, tmp_path, monkeypatch):
    from tests.ray_faults import install

    src = tmp_path / "src"
    src.mkdir()
    (src / "voa-000.txt").write_bytes((inputs / "voa-000.txt").read_bytes())
    bad = src / "voa-bad.txt"
    bad.write_text(f"Habari za asubuhi. {MARKER}\n", encoding="utf-8")
    from translate.pipeline import Translator

    monkeypatch.setattr(Translator, "translate_document", Translator.translate_document)
    install()
    result = runner.invoke(app, ["translate", str(src), "-o", str(tmp_path / "out"), *DECODE])
    assert result.exit_code == 1
    assert f"error: {bad}: RuntimeError: injected failure (skipped)" in result.stderr
    assert sorted(_files(tmp_path / "out")) == ["voa-000.txt"]


def test_ray_flags_need_the_ray_engine(inputs, tmp_path):
    result = runner.invoke(app, ["translate", str(inputs), "-o", str(tmp_path), "--workers", "2"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: --workers: only with --engine ray"
