"""``tafsiri translate --engine ray``: the same pipeline on a Ray cluster, with Ray Data.

The driver (the ``tafsiri`` process) plans the batch and does all file I/O, exactly as with the
local engine: it reads the pending documents, sends them to the cluster in bounded chunks (one
``ray.data.from_items`` dataset per chunk, whose rows are whole documents), and writes each
result with the atomic write and the manifest as it comes back. Workers are a pool of Ray
actors (:class:`DocumentWorker` in ``map_batches`` with ``ActorPoolStrategy(size=N)``); each
loads one :class:`translate.pipeline.Translator` with ``C`` CPU threads and runs
:func:`translate.engines.translate_request` on one document at a time, so a document that
raises comes back as an error row and the actor lives on. Workers never see the output folder:
a cluster needs no shared file system, and a batch that Ray runs again can never write twice.

Fault tolerance: a worker process that dies is restarted by Ray and its batch run again (up to
``max_restarts`` times per worker); a driver or head node that dies stops the run, and running
the same command again translates only the documents the manifest does not list as complete.

Ray is an optional extra (``pip install 'tafsiri[ray]'``); it is imported only here, inside
functions. See ``docs/scale.md``.
"""

from __future__ import annotations

import json
import logging
import pickle
import socket
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.engines import EngineError, Outcome, Request, translate_request
from translate.textio import InputError

__all__ = ["INSTALL_HINT", "RayOptions", "WorkerSpec", "DocumentWorker", "RayEngine", "require_ray"]

log = logging.getLogger(__name__)

#: What to do when Ray is missing.
INSTALL_HINT = "--engine ray needs Ray: pip install -c constraints/cpu.txt -e '.[ray]'"
#: Documents per dataset, at least (100 per worker on larger pools): bounds what the driver and
#: the object store hold at once. Each dataset starts its own pool (a model load per worker),
#: so a chunk is a few minutes of work for the pool.
CHUNK_DOCUMENTS = 1000
#: Characters of text per dataset, whichever bound comes first.
CHUNK_CHARS = 32 << 20


def require_ray() -> None:
    """Raise :class:`ImportError` with :data:`INSTALL_HINT` when Ray Data is not installed."""
    try:
        import ray  # noqa: F401
        import ray.data  # noqa: F401
    except ImportError:
        raise ImportError(INSTALL_HINT) from None


@dataclass(frozen=True)
class RayOptions:
    """How a run uses the cluster.

    Attributes:
        address: ``None`` starts a new Ray instance on this machine, sized to it (even when
            another is running here); ``"auto"`` joins the cluster this machine belongs to
            (``ray start``), ``"host:port"`` a given one.
        workers: actors in the pool, each with its own model (0 = as many as the cluster's CPUs
            allow, ``CPUs // cpus_per_worker``).
        cpus_per_worker: CPUs Ray reserves for each actor, and the back end's threads in it.
        max_restarts: how many times Ray restarts a worker whose process died (its batch is
            then run again): -1 (Ray Data's default) without limit, 0 never. With a limit, a
            document that kills its worker every time stops the run instead of looping.
        batch_size: documents per call to a worker: small batches balance the load and lose
            little work when a worker dies.
    """

    address: str | None = None
    workers: int = 0
    cpus_per_worker: int = 1
    max_restarts: int = -1
    batch_size: int = 4

    def __post_init__(self) -> None:
        if self.workers < 0:
            raise ValueError(f"--workers must be 0 (as many as fit) or more, got {self.workers}")
        if self.cpus_per_worker < 1:
            raise ValueError(f"--cpus-per-worker must be 1 or more, got {self.cpus_per_worker}")
        if self.max_restarts < -1:
            raise ValueError(
                f"--max-restarts must be -1 (no limit), 0 (never) or more, got {self.max_restarts}"
            )
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be 1 or more, got {self.batch_size}")


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker needs to build the same :class:`~translate.pipeline.Translator` as the
    driver would.

    Attributes:
        model: the model folder as the driver resolved it. The embedded model is found in each
            node's own install; any other folder must exist at this path on every node.
        fingerprint: :func:`translate.model_catalog.fingerprint` of the driver's copy; a node
            whose copy differs is refused.
        kwargs: the other ``Translator`` arguments (back end, device, compute type, decoder hook,
            decode options, segment cap, cache folder, degenerate check), as the local engine
            passes them; ``threads`` is the pool's ``cpus_per_worker``.
    """

    model: str
    fingerprint: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def folder(self) -> Path:
        """The model folder on this node, checked against the driver's.

        Raises:
            InputError: it is missing here, or its files differ from the driver's.
        """
        from translate.model_catalog import EMBEDDED_DIR, fingerprint

        path = Path(self.model)
        embedded = _embedded_name(path)
        here = EMBEDDED_DIR / embedded if embedded else path
        node = socket.gethostname()
        if not here.is_dir():
            raise InputError(
                f"model folder {here} is missing on node {node}: a --model folder must exist at "
                "the same path on every node of the cluster (see docs/scale.md)"
            )
        found = fingerprint(here)
        if found != self.fingerprint:
            raise InputError(
                f"model folder {here} on node {node} differs from the driver's (fingerprint "
                f"{found}, the driver's {self.fingerprint}); copy the same model to every node"
            )
        return here


def _embedded_name(path: Path) -> str | None:
    from translate.model_catalog import EMBEDDED_DIR

    try:
        rel = path.resolve().relative_to(EMBEDDED_DIR.resolve())
    except ValueError:
        return None
    return rel.as_posix()


def check_node(spec: WorkerSpec) -> str | None:
    """Run on each node before the pool starts: ``None``, or the error that node gives."""
    try:
        spec.folder()
    except InputError as err:
        return str(err)
    return None


class DocumentWorker:
    """One actor of the pool: one model, one document at a time.

    ``__call__`` takes a batch of rows (``i``, ``text``, ``options`` as JSON) and returns, per
    row, ``i``, the pickled :class:`~translate.pipeline.DocumentTranslation` (empty after an
    error) and the error line (empty when it was translated).
    """

    def __init__(self, spec: WorkerSpec, threads: int) -> None:
        from translate.pipeline import Translator

        self.translator = Translator(spec.folder(), threads=threads, **dict(spec.kwargs))

    def __call__(self, batch: Mapping[str, Any]) -> dict[str, Any]:
        import numpy as np

        results: list[bytes] = []
        errors: list[str] = []
        for text, options in zip(batch["text"], batch["options"], strict=True):
            request = Request(str(text), json.loads(str(options)))
            outcome = translate_request(self.translator, request)
            results.append(pickle.dumps(outcome.result) if outcome.result is not None else b"")
            errors.append(outcome.error or "")
        return {
            "i": np.asarray(batch["i"]),
            "result": np.array(results, dtype=object),
            "error": np.array(errors, dtype=object),
        }


def _chunks(requests: Iterable[Request], documents: int) -> Iterator[list[Request]]:
    chunk: list[Request] = []
    chars = 0
    for request in requests:
        chunk.append(request)
        chars += len(request.text)
        if len(chunk) >= documents or chars >= CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


class RayEngine:
    """Translate on a Ray cluster (``--engine ray``); see the module's description.

    Connecting checks the model on every node, so a missing ``--model`` folder is one clear
    error before any document is sent.

    Raises:
        ImportError: Ray is not installed (:data:`INSTALL_HINT`).
        InputError: a node lacks the model or holds another copy; the cluster has no CPUs.
        EngineError: Ray could not start or connect.
    """

    def __init__(self, spec: WorkerSpec, options: RayOptions) -> None:
        require_ray()
        import ray

        self.spec, self.options = spec, options
        self._started = False
        self._description: str | None = None
        if not ray.is_initialized():
            try:
                # "local": a new instance even when `ray start` or another run left one here
                # (ray.init() without an address would join the latest one).
                ray.init(
                    address=options.address or "local",
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level=logging.WARNING,
                )
            except (ConnectionError, RuntimeError, ValueError) as err:
                where = options.address or "a local Ray instance"
                raise EngineError(f"cannot start or join {where}: {err}") from None
            self._started = True
        self._quiet_ray_data()
        cpus = int(ray.cluster_resources().get("CPU", 0))
        fit = cpus // options.cpus_per_worker
        if fit < 1:
            raise InputError(
                f"the Ray cluster has {cpus} CPUs, fewer than --cpus-per-worker "
                f"{options.cpus_per_worker}"
            )
        self.workers = options.workers or fit
        if self.workers > fit:
            log.warning(
                "%d workers × %d CPUs need more than the cluster's %d CPUs: the pool waits "
                "for nodes to join",
                self.workers,
                options.cpus_per_worker,
                cpus,
            )
        self._check_nodes()

    @staticmethod
    def _quiet_ray_data() -> None:
        """Ray Data's progress bars, start-up lines and tracebacks stay out of the command's
        output (its logs under ``/tmp/ray/session_latest/logs`` keep them): a failed run ends
        in one ``error:`` line that quotes Ray's reason."""
        from ray.data import DataContext

        ctx = DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        logging.getLogger("ray.data").setLevel(logging.CRITICAL)

    def _check_nodes(self) -> None:
        import ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        check = ray.remote(num_cpus=0)(check_node)
        nodes = [n for n in ray.nodes() if n.get("Alive") and n["Resources"].get("CPU", 0) > 0]
        refs = [
            check.options(
                scheduling_strategy=NodeAffinitySchedulingStrategy(n["NodeID"], soft=False)
            ).remote(self.spec)
            for n in nodes
        ]
        problems = sorted({p for p in ray.get(refs) if p})
        if problems:
            raise InputError("; ".join(problems))

    @property
    def description(self) -> str | None:
        if self._description is None:
            return None
        workers = f"{self.workers} Ray worker{'s' * (self.workers != 1)}"
        return f"{self._description} × {workers}"

    def run(
        self, requests: Iterable[Request], advance: Callable[[int], None]
    ) -> Iterator[tuple[Request, Outcome]]:
        for chunk in _chunks(requests, max(CHUNK_DOCUMENTS, 100 * self.workers)):
            yield from self._run_chunk(chunk, advance)

    def _run_chunk(
        self, chunk: list[Request], advance: Callable[[int], None]
    ) -> Iterator[tuple[Request, Outcome]]:
        import ray.data

        size = self.options.batch_size
        rows = [
            {"i": i, "text": r.text, "options": json.dumps(dict(r.options), sort_keys=True)}
            for i, r in enumerate(chunk)
        ]
        # Ray 2.60 takes max_restarts only through the deprecated **ray_remote_args (its own
        # default is -1), so it is passed only when asked for.
        restarts: dict[str, Any] = (
            {} if self.options.max_restarts == -1 else {"max_restarts": self.options.max_restarts}
        )
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "`ray_remote_args` is deprecated")
            items = ray.data.from_items(rows, override_num_blocks=-(-len(rows) // size))
            dataset = items.map_batches(
                DocumentWorker,
                fn_constructor_kwargs={"spec": self.spec, "threads": self.options.cpus_per_worker},
                batch_size=size,
                compute=ray.data.ActorPoolStrategy(size=self.workers),
                num_cpus=self.options.cpus_per_worker,
                batch_format="numpy",
                **restarts,
            )
        del rows, items
        rows_out = iter(dataset.iter_rows())
        while True:
            try:
                row = next(rows_out)
            except StopIteration:
                return
            except Exception as err:  # Ray's own errors: a worker that kept dying, a lost node
                raise EngineError(f"the Ray run stopped: {_gist(err)}") from None
            request = chunk[int(row["i"])]
            if row["error"]:
                yield request, Outcome(error=str(row["error"]))
            else:
                result = pickle.loads(row["result"])
                if self._description is None:
                    self._description = result.info.description
                yield request, Outcome(result=result)
            advance(request.segments)

    def close(self) -> None:
        """Disconnect (and stop the Ray instance this run started)."""
        import ray

        if self._started and ray.is_initialized():
            ray.shutdown()


def _gist(err: BaseException) -> str:
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return lines[-1] if lines else type(err).__name__
