"""Compiled networks as a source of the suite: each shipped network compiled by zskip's
compiler (baseline code generation, the branch/xzs/sasa variants by the zero-skip pass
profiled on training images) and run on the test images, checked bit for bit against
the layer IR's reference."""
from __future__ import annotations

import functools

import numpy as np

from zskip.compiler import reference
from zskip.compiler.codegen import CodegenOptions, compile_network, run_compiled
from zskip.compiler.frontends import SHIPPED, calibration_inputs, digits_inputs, load_shipped
from zskip.kernels.registry import VARIANTS, variant_config
from zskip.traces.digits import load_digits

from .tasks import PACKAGE_ROOT, Record, Task, Workload, code_fingerprint, package_files

PREFIX = "compiled_"
CALIBRATION = 4        # training images the pass's zero rates are profiled on
# the loop order of each network's dense layers, as its hand-written kernel has it: the
# pruned MLP input-stationary, where a zero weight's update is one block (os tiles
# interleave the updates of neighbouring outputs)
LOOP_ORDER = {"mlp_pruned": "is"}


class CompiledSource:
    name = "compiled"

    def workloads(self) -> list[Workload]:
        return [Workload(self.name, PREFIX + net, f"{net} compiled by zskip (the pass "
                         "makes branch, xzs and sasa from the generated baseline)", VARIANTS)
                for net in SHIPPED]

    @functools.cache
    def fingerprint(self, workload: str) -> str:
        return code_fingerprint(package_files("compiler", "*.py") + [
            PACKAGE_ROOT / "kernels" / f"{m}_model.py" for m in ("ffnn", "lstm", "snn")])

    def run(self, task: Task) -> Record:
        name = task.workload.removeprefix(PREFIX)
        net = load_shipped(name)
        test = load_digits("test")
        n = len(test) if task.images is None else min(task.images, len(test))
        inputs = digits_inputs(net, test.images[:n])
        config = variant_config(task.config, task.variant)
        options = CodegenOptions(LOOP_ORDER.get(name, "os"))
        compiled = compile_network(net, task.variant, config, options,
                                   calibration_inputs(net, CALIBRATION))
        outputs, s = run_compiled(compiled, inputs, config, functional=task.functional,
                                  verify_skips=task.verify_skips)
        tensors = reference.evaluate(net, inputs)
        labels = test.labels[:n]
        sparsity = {f"layer{k}.in": float(np.mean(x == 0)) for k, x in enumerate(tensors[:-1])}
        return Record(self.name, task.workload, task.variant,
                      config.name + ("" if config.xzs else ", no Xzs"), n, s.functional,
                      task.verify_skips, s.instructions, s.cycles, s.cpi, s.energy_total,
                      s.skips_taken, s.sasa_hits, s.skipped, s.skips_lost, dict(s.stalls),
                      float(np.mean(outputs.argmax(axis=1) == labels)),
                      float(np.mean(tensors[-1].argmax(axis=1) == labels)), True,
                      bool(np.array_equal(outputs, tensors[-1])), sparsity)
