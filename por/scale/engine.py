"""Where partition tasks run: a local process pool or a Dask distributed cluster, behind one ``map``.

Tasks are plain module-level functions of small, picklable arguments (file paths, row ranges, small arrays); they
write their bulky output to files themselves and return only small summaries, so nothing per-user passes through
the coordinator. Both engines return results in item order and re-run the tasks of a worker that died.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import signal
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

import cloudpickle

from por.errors import InputError, PorError

DEFAULT_RETRIES = 3
SCHEMES = ("tcp://", "tls://")


class EngineError(PorError):
    """The engine could not finish the tasks (workers kept dying): one sentence and exit 2, never a traceback."""


class Engine(Protocol):
    workers: int

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]: ...

    def close(self) -> None: ...


def ignore_interrupts() -> None:
    """Initializer of every worker process: Ctrl-C reaches the whole process group, and only the parent acts on it
    (it stops the pool and reports one line), so no worker prints a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def fork_pool(workers: int) -> multiprocessing.pool.Pool:
    """A pool of forked workers that inherit the parent's memory (copy-on-write) and ignore Ctrl-C."""
    return multiprocessing.get_context("fork").Pool(workers, initializer=ignore_interrupts)


def _call_pickled(payload: bytes, item: Any) -> Any:
    return cloudpickle.loads(payload)(item)


class LocalEngine:
    """A pool of ``workers`` forked processes; when a worker dies the pool is rebuilt and unfinished tasks re-run."""

    def __init__(self, workers: int = 1, *, retries: int = DEFAULT_RETRIES) -> None:
        self.workers = max(1, workers)
        self.retries = retries

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        payload = cloudpickle.dumps(fn)  # closures and lambdas too, as with Dask
        results: dict[int, Any] = {}
        for _attempt in range(self.retries + 1):
            todo = [i for i in range(len(items)) if i not in results]
            if not todo:
                break
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(min(self.workers, len(todo)), mp_context=context,
                                     initializer=ignore_interrupts) as pool:
                futures = {i: pool.submit(_call_pickled, payload, items[i]) for i in todo}
                for i, future in futures.items():
                    try:
                        results[i] = future.result()
                    except BrokenProcessPool:
                        continue  # a worker died: collect what finished, then rebuild the pool
        if len(results) < len(items):
            raise EngineError(f"worker processes kept dying; {len(items) - len(results)} task(s) never finished")
        return [results[i] for i in range(len(items))]

    def close(self) -> None:
        pass


class DaskEngine:
    """Tasks on a Dask distributed cluster (``tcp://HOST:PORT``; ``tls://`` with the TLS settings in dask's config).

    The scheduler re-runs the tasks of a lost worker by itself; ``retries`` also re-runs a task that raised.
    """

    def __init__(self, address: str, *, retries: int = DEFAULT_RETRIES, timeout: float = 30) -> None:
        if not address.startswith(SCHEMES):
            raise InputError(f"scheduler address {address!r} must start with tcp:// or tls://", field="--scheduler")
        from distributed import Client

        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except OSError as exc:
            raise InputError(f"cannot reach the Dask scheduler at {address} ({exc})", field="--scheduler") from None
        self.retries = retries

    @property
    def workers(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        from distributed import KilledWorker

        if not items:
            return []
        futures = self.client.map(fn, list(items), retries=self.retries, pure=False)
        try:
            return self.client.gather(futures)
        except KilledWorker as exc:
            raise EngineError(f"a task kept killing its workers: {exc}") from None
        finally:
            for future in futures:
                future.release()

    def close(self) -> None:
        self.client.close()


def open_engine(scheduler: str | None = None, workers: int | None = None) -> Engine:
    """``DaskEngine(scheduler)`` when an address is given, else ``LocalEngine(workers or all cores)``."""
    if scheduler:
        return DaskEngine(scheduler)
    return LocalEngine(workers or multiprocessing.cpu_count())


def ordered_failures(results: Iterable[Any]) -> None:
    """Raise the first InputError a task returned (tasks return bad input as a value: re-running cannot fix it)."""
    for result in results:
        if isinstance(result, InputError):
            raise result
