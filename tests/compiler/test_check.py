"""compiler/check.py: every skipping variant compile_network hands out was run with
verify-skips on real and random inputs and agreed with the baseline and the reference;
a transformed program that does not is refused."""
from __future__ import annotations

import re

import numpy as np
import pytest

from zskip.compiler import codegen
from zskip.compiler.check import CheckError, random_like
from zskip.compiler.codegen import CodegenOptions, compile_network
from zskip.compiler.frontends import calibration_inputs, load_shipped


def test_random_samples_span_the_real_range_and_sparsity() -> None:
    real = np.array([[0, 3, 0, 16]] * 50)
    fake = random_like(real, 200)
    assert fake.min() >= 0 and fake.max() <= 16 and fake.shape == (200, 4)
    assert 0.35 < np.mean(fake == 0) < 0.65          # half the real values are zero


def test_a_skip_that_changes_the_result_is_refused(monkeypatch) -> None:
    real = codegen.zero_skip

    def broken(source, *args, **kwargs):
        result = real(source, *args, **kwargs)
        # a skip made unconditional: the block it jumps over is no longer redundant
        result.text = re.sub(r"\bskz\s+\w+,\s*", "j ", result.text, count=1)
        return result

    monkeypatch.setattr(codegen, "zero_skip", broken)
    net = load_shipped("mlp")
    with pytest.raises(CheckError, match="mlp/xzs: sample .* differs from the baseline"):
        compile_network(net, "xzs", "embedded", CodegenOptions(), calibration_inputs(net, 2))
