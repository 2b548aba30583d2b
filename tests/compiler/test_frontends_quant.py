"""The quantization arithmetic of the frontends."""
import math

import numpy as np
import pytest

from zskip.compiler.frontends.quant import (QParams, activation_params, fixed_point,
                                            fold_bias, requant, weight_params)
from zskip.compiler.network import NetworkError


@pytest.mark.parametrize("m", [2.0 ** -5, 0.3, 1.7e-4, 1.0, 3.0, 2.0 ** -40, 1234.5])
def test_fixed_point_is_close_and_fits(m):
    multiplier, shift = fixed_point(m)
    assert 1 <= multiplier < 1 << 31 and 0 <= shift <= 62
    assert math.isclose(multiplier / 2 ** shift, m, rel_tol=2 ** -30)


def test_power_of_two_is_a_plain_shift():
    assert fixed_point(2.0 ** -7) == (1, 7)
    assert fixed_point(1.0) == (1, 0)


@pytest.mark.parametrize("m", [0.0, -1.0, 2.0 ** 32, 2.0 ** -80])
def test_fixed_point_out_of_range(m):
    with pytest.raises(NetworkError):
        fixed_point(m)


def test_requant_clamps_a_fused_relu_at_the_zero_point():
    rq = requant(0.25, QParams(0.5, 3, "uint8"), lo=0.0)
    assert (rq.lo, rq.hi, rq.zero_point) == (3, 255, 3)
    np.testing.assert_array_equal(rq.apply(np.array([-100, 2, 5, 6, 10000])), [3, 4, 4, 5, 255])


def test_weights_are_symmetric_per_tensor():
    q, scale = weight_params(np.array([[0.5, -1.0], [0.25, 0.0]]))
    assert scale == 1 / 127 and q.dtype == np.int8
    np.testing.assert_array_equal(q, [[64, -127], [32, 0]])


def test_activation_scale_is_unsigned_after_relu():
    assert activation_params(np.array([0.0, 2.55])).same(QParams(0.01, 0, "uint8"))
    assert activation_params(np.array([-1.27, 0.5])).same(QParams(0.01, 0, "int8"))


def test_fold_bias_removes_the_input_zero_point():
    weights = np.array([[1, 2], [3, -4]], np.int8)
    q = np.array([5, 7])
    folded = fold_bias(np.array([10, 20]), weights, zero_point=2)
    np.testing.assert_array_equal(q @ weights + folded, (q - 2) @ weights + [10, 20])
