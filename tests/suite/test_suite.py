"""The built-in suite (suite/tasks.py): golden numbers of a small suite with the reason
for each, the rendered formats agreeing, tasks that run once, a pluggable source, the
cache and the local executors."""
from __future__ import annotations

import csv
import io
import json

import pytest

from zskip.core_model import load_config
from zskip.suite import tasks as suite
from zskip.suite.cache import ResultCache
from zskip.suite.executor import LocalPool, Serial, executor_for
from zskip.kernels.ffnn_model import forward, load_network
from zskip.kernels.harness import load_kernel
from zskip.traces.digits import load_digits

IMAGES = 2
EMBEDDED = load_config("embedded")


@pytest.fixture(scope="module")
def mlp_is() -> dict[str, suite.Record]:
    chosen = suite.workloads(["mlp_is"])
    tasks = suite.suite_tasks(chosen, [EMBEDDED], IMAGES)
    done = suite.run_tasks(tasks, Serial())
    return {t.variant: r for t, r in zip(tasks, done.results)}


def test_golden_mlp_is_on_two_images(mlp_is) -> None:
    """mlp_is, embedded, the first 2 test images. The counts are pinned; each is also
    derived below from the network's operands and the kernel's code where it can be."""
    figures = {v: (r.instructions, r.cycles, r.skips_taken, r.sasa_hits, r.skipped,
                   r.skips_lost) for v, r in mlp_is.items()}
    assert figures == {
        "baseline": (233638, 367408, 0, 0, 0, 0),
        "branch": (129964, 206132, 0, 0, 0, 0),
        "xzs": (129964, 205896, 236, 0, 3540, 0),
        "sasa": (129703, 205311, 0, 236, 3304, 0),
    }
    net = load_network("mlp")
    _, inputs = forward(net, load_digits("test").images[:IMAGES])
    zeros = [int((x == 0).sum()) for x in inputs]           # zero activations per layer
    rows = sum(x.size for x in inputs)                      # one row per activation
    assert zeros == [69, 101, 66]
    # one skip per zero activation (its whole weight row), by skz or by the SASA table
    assert mlp_is["xzs"].skips_taken == mlp_is["sasa"].sasa_hits == sum(zeros)
    # a skip counts its block's static length: for xzs the row's mv and lb and the pair
    # loop after skz up to is_next; for sasa the length its sasa.or gives the table
    # (setup_dense_is: (is_next - is_mac) / 4 + 1, the pair loop and the lb before it)
    defines = (("N_IMAGES", IMAGES), ("PARAM_BYTES", 0))
    xzs = load_kernel("ffnn/xzs.S", defines).symbols
    sasa = load_kernel("ffnn/sasa.S", defines).symbols
    skz_at = xzs["is_row"] + 4 * 4                          # the 5th instruction of a row
    assert mlp_is["xzs"].skipped == sum(zeros) * (xzs["is_next"] - skz_at - 4) // 4 == 236 * 15
    assert mlp_is["sasa"].skipped == \
        sum(zeros) * ((sasa["is_next"] - sasa["is_mac"]) // 4 + 1) == 236 * 14
    # branch = baseline + a beqz per row - each zero row's work: its mv and lb and
    # n_out / 2 pairs of 13 instructions
    work = sum(z * (2 + 13 * layer.n_out // 2) for z, layer in zip(zeros, net.layers))
    assert mlp_is["baseline"].instructions - mlp_is["branch"].instructions == work - rows
    # lb.zd and skz replace lb and beqz one for one
    assert mlp_is["xzs"].instructions == mlp_is["branch"].instructions
    # a taken beqz is a misprediction resolved in EX (2 slots), a taken skz costs its
    # skip_taken_penalty (1): one cycle saved per zero row, nothing else differs
    p = EMBEDDED.pipeline
    assert mlp_is["branch"].cycles - mlp_is["xzs"].cycles == \
        sum(zeros) * (p.execute_stage - 1 - p.skip_taken_penalty) == 236
    assert all(r.matches_reference and r.accuracy == 1.0 for r in mlp_is.values())


def test_the_table_csv_and_json_agree(mlp_is) -> None:
    chosen = suite.workloads(["mlp_is"])
    tasks = suite.suite_tasks(chosen, [EMBEDDED], IMAGES)
    tables = suite.tables(tasks, [mlp_is[t.variant] for t in tasks], chosen)
    text = suite.render(tables, "table")
    as_json = json.loads(suite.render(tables, "json"))
    as_csv = list(csv.DictReader(io.StringIO(suite.render(tables, "csv"))))
    lines = {line.split()[0]: line.split() for line in text.splitlines()
             if line.split() and line.split()[0] in mlp_is}
    rows = as_json[0]["rows"]
    assert [r["variant"] for r in rows] == [r["variant"] for r in as_csv] == list(lines)
    for row, csv_row in zip(rows, as_csv):
        shown = lines[row["variant"]]
        for n, (key, _, _) in enumerate(suite.COLUMNS):
            assert shown[n] == suite.cell(key, row[key])
            assert csv_row[key] == ("" if row[key] is None else str(row[key]))
    xzs = next(r for r in rows if r["variant"] == "xzs")
    assert xzs["speedup_vs_branch"] == 206132 / 205896
    assert xzs["speedup_vs_baseline"] == 367408 / 205896
    assert xzs["energy_saved_vs_branch"] == \
        1 - mlp_is["xzs"].energy_total / mlp_is["branch"].energy_total
    assert as_json[0]["sparsity"] == mlp_is["xzs"].sparsity
    assert "operand zero fractions: layer0.in 0.539" in text


def test_a_differing_output_or_a_refused_task_is_an_error(mlp_is) -> None:
    chosen = suite.workloads(["mlp_is"])
    tasks = suite.suite_tasks(chosen, [EMBEDDED], IMAGES)[:1]
    wrong = suite.Record(**{**vars(mlp_is["baseline"]), "matches_reference": False})
    with pytest.raises(suite.compare.MismatchError, match="differ from the reference"):
        suite.tables(tasks, [wrong], chosen)
    with pytest.raises(suite.ZskipError, match="no room"):
        suite.tables(tasks, [suite.Failure("no room")], chosen)


class Toy:
    """A second source: what compiled networks will plug in as."""
    name = "toy"

    def workloads(self) -> list[suite.Workload]:
        return [suite.Workload(self.name, "toy_net", "a toy", ("baseline", "branch"))]

    def fingerprint(self, workload: str) -> str:
        return "toy-1"

    def run(self, task: suite.Task) -> suite.Record:
        n = 100 if task.variant == "baseline" else 80
        return suite.Record(self.name, task.workload, task.variant, task.config.name,
                            3, False, False, n, 2 * n, 2.0, 10.0 * n, 0, 0, 0, 0, {},
                            1.0, 1.0, True, True, {"x": 0.2})


def test_a_source_plugs_in(monkeypatch) -> None:
    monkeypatch.setitem(suite.SOURCES, "toy", Toy())
    chosen = suite.workloads(["toy_*"])
    assert [w.name for w in chosen] == ["toy_net"]
    assert len(suite.workloads()) == len(suite.workloads(["*"])) >= 7
    tasks = suite.suite_tasks(chosen, [EMBEDDED], None)
    done = suite.run_tasks(tasks, Serial())
    [table] = suite.tables(tasks, done.results, chosen)
    assert [r["speedup_vs_baseline"] for r in table.rows] == [1.0, 200 / 160]
    with pytest.raises(suite.registry.KernelError, match="no workload matches 'nope'"):
        suite.workloads(["nope"])


def test_keys_identical_tasks_and_the_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(suite.SOURCES, "toy", Toy())
    task = suite.Task("toy", "toy_net", "branch", EMBEDDED, 3)
    renamed = suite.Task("toy", "toy_net", "branch",
                         EMBEDDED.updated({"name": "other", "description": "same keys"}), 3)
    slower = suite.Task("toy", "toy_net", "branch",
                        EMBEDDED.updated({"memory": {"latency": 21}}), 3)
    assert task.key() == renamed.key() != slower.key()
    assert task.key() != suite.Task("toy", "toy_net", "branch", EMBEDDED, 4).key()
    assert task.key() != suite.Task("toy", "toy_net", "branch", EMBEDDED, 3,
                                    (("prune", 0.5),)).key()
    calls = []
    ran = lambda done, total: calls.append((done, total))      # noqa: E731
    cache = ResultCache(tmp_path)
    first = suite.run_tasks([task, renamed, slower], Serial(), cache, ran)
    assert first.computed == 2 and calls == [(1, 2), (2, 2)]   # task and renamed: one run
    again = suite.run_tasks([task, slower], Serial(), cache)
    assert again.computed == 0 and again.results == first.results[1:]
    (next(tmp_path.rglob("*.json"))).write_text("{not json")   # a damaged entry is rerun
    assert suite.run_tasks([task, slower], Serial(), cache).computed == 1


def test_the_process_pool_gives_what_this_process_gives() -> None:
    tasks = suite.suite_tasks(suite.workloads(["cnn", "lstm"]), [EMBEDDED], IMAGES)
    with LocalPool(2) as pool:
        pooled = suite.run_tasks(tasks, pool).results
    assert pooled == suite.run_tasks(tasks, Serial()).results
    assert isinstance(executor_for(None, 1), Serial)
    with pytest.raises(suite.ZskipError, match="expected dask://HOST:PORT"):
        executor_for("spark://x:1")
