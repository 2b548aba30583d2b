"""A sweep on a real Dask cluster on this machine (a scheduler and two workers, each its
own process): the same numbers as the local run, through `zskip sweep --executor`, and
no point lost when a worker is killed mid-sweep (Dask reschedules its tasks)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Iterator

import pytest

from zskip.cli import main
from zskip.core_model import load_config
from zskip.suite import sweep
from zskip.suite.executor import Dask, Serial

distributed = pytest.importorskip("distributed")

IMAGES = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """tcp address of a scheduler with two single-threaded workers (no nanny: a killed
    worker stays dead), every process stopped at the end whatever happened."""
    port = free_port()
    address = f"127.0.0.1:{port}"
    procs = [start("distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port",
                   str(port), "--no-dashboard")]
    try:
        procs += [start("distributed.cli.dask_worker", f"tcp://{address}", "--nthreads", "1",
                        "--no-nanny", "--no-dashboard", "--host", "127.0.0.1")
                  for _ in range(2)]
        with distributed.Client(f"tcp://{address}", timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, procs[1:]
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def test_a_sweep_on_dask_equals_the_local_one(cluster, tmp_path, capsys) -> None:
    address, _ = cluster
    args = ["sweep", "skip_penalty", "--values", "0,2", "--images", str(IMAGES),
            "--no-cache"]
    assert main(args + ["--jobs", "1"]) == 0
    local = capsys.readouterr().out
    assert main(args + ["--executor", f"dask://{address}", "-o", str(tmp_path)]) == 0
    assert capsys.readouterr().out == local
    assert (tmp_path / "mlp_os_skip_penalty.png").is_file()


def test_a_worker_killed_mid_sweep_loses_no_point(cluster) -> None:
    address, workers = cluster
    plan = sweep.plan("mlp_os", "activations", load_config("embedded"), 40)
    expected = sweep.run_sweep(plan, Serial())
    killed = []

    def kill_one(done: int, total: int) -> None:
        if not killed:                     # after the first result: the rest in flight
            workers[0].send_signal(signal.SIGKILL)
            killed.append(time.monotonic())
    with Dask(f"tcp://{address}") as executor:
        result = sweep.run_sweep(plan, executor, on_done=kill_one)
        assert len(executor.client.scheduler_info()["workers"]) == 1
    assert killed and workers[0].wait(timeout=10) == -signal.SIGKILL
    assert result.computed == result.total == expected.total
    assert result.rows == expected.rows
