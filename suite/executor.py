"""Where tasks run: in this process, a local process pool (the default), or an existing
distributed engine (dask.distributed, Ray), behind one interface.

    with executor_for("dask://10.0.0.5:8786") as ex:
        for index, result in ex.map_unordered(fn, items): ...

`fn` must be a module-level function and the items picklable; results arrive in
completion order with their item's index. On a cluster every worker needs the same zskip
installed. The engines retry a task whose worker died: Dask reschedules the tasks of a
lost worker (and `retries` re-runs a task that raised), Ray re-runs it (`max_retries`).
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Callable, Iterator, Protocol, Sequence

from zskip.isa.errors import ZskipError

RETRIES = 3          # re-runs of a task before its error is the answer


class Executor(Protocol):
    def map_unordered(self, fn: Callable[[Any], Any],
                      items: Sequence[Any]) -> Iterator[tuple[int, Any]]: ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...


class Serial:
    """In this process, one after another (--jobs 1): no pickling, no start-up."""

    def map_unordered(self, fn: Callable[[Any], Any],
                      items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        for i, item in enumerate(items):
            yield i, fn(item)

    def __enter__(self) -> Serial:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class LocalPool:
    """A pool of `jobs` processes on this machine, started by a fork server: a forked
    copy of a multithreaded parent (JAX, a Dask client) can deadlock."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None

    def map_unordered(self, fn: Callable[[Any], Any],
                      items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(min(self.jobs, max(len(items), 1)),
                                            multiprocessing.get_context("forkserver"))
        futures = {self.pool.submit(fn, item): i for i, item in enumerate(items)}
        for future in as_completed(futures):
            yield futures[future], future.result()

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def _missing(engine: str, extra: str) -> ZskipError:
    return ZskipError(f"the {engine} executor needs {engine}: pip install 'zskip[{extra}]'")


class Dask:
    """A dask.distributed scheduler at `address` (tcp://host:port)."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError:
            raise _missing("dask.distributed", "dask") from None
        try:
            self.client = Client(address, timeout="10s")
        except OSError as error:
            raise ZskipError(f"cannot reach the Dask scheduler at {address}: {error}") \
                from None

    def map_unordered(self, fn: Callable[[Any], Any],
                      items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed as completed
        futures = {self.client.submit(fn, item, pure=False, retries=RETRIES): i
                   for i, item in enumerate(items)}
        for future in completed(futures):
            yield futures[future], future.result()

    def __enter__(self) -> Dask:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()


class Ray:
    """A Ray cluster at `address` (ray://host:port, Ray Client)."""

    def __init__(self, address: str):
        try:
            import ray
        except ImportError:
            raise _missing("ray", "ray") from None
        self.ray = ray
        ray.init(address=address, log_to_driver=False)

    def map_unordered(self, fn: Callable[[Any], Any],
                      items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        remote = self.ray.remote(max_retries=RETRIES, retry_exceptions=True)(fn)
        refs = {remote.remote(item): i for i, item in enumerate(items)}
        pending = list(refs)
        while pending:
            ready, pending = self.ray.wait(pending, num_returns=1)
            yield refs[ready[0]], self.ray.get(ready[0])

    def __enter__(self) -> Ray:
        return self

    def __exit__(self, *exc: object) -> None:
        self.ray.shutdown()


def default_jobs() -> int:
    return len(os.sched_getaffinity(0))


def executor_for(spec: str | None = None, jobs: int | None = None) -> Executor:
    """`dask://HOST:PORT`, `ray://HOST:PORT`, or None for local processes (`jobs`,
    default every core; 1 runs in this process)."""
    if spec is None:
        jobs = default_jobs() if jobs is None else jobs
        return Serial() if jobs == 1 else LocalPool(jobs)
    scheme, sep, rest = spec.partition("://")
    if sep and rest and scheme == "dask":
        return Dask(f"tcp://{rest}")
    if sep and rest and scheme == "ray":
        return Ray(spec)
    raise ZskipError(f"--executor: expected dask://HOST:PORT or ray://HOST:PORT, got {spec!r}")
