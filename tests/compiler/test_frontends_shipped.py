"""The shipped networks in the layer IR compute what the kernels' numpy models compute,
bit for bit, on the digits test split."""
import numpy as np
import pytest

from zskip.compiler import reference
from zskip.compiler.frontends.shipped import (SHIPPED, digits_inputs, load_npz,
                                              load_shipped)
from zskip.compiler.network import LSTM, NetworkError
from zskip.kernels import ffnn_model, lstm_model, snn_model
from zskip.kernels.lstm import DEFAULT_STATE_THRESHOLD, DEFAULT_TIME_THRESHOLD
from zskip.traces.digits import DATA_DIR, load_digits

IMAGES = load_digits("test").images


def kernel_model_outputs(name: str) -> np.ndarray:
    if name == "lstm":
        return lstm_model.infer(lstm_model.load_lstm(), IMAGES, DEFAULT_TIME_THRESHOLD,
                                DEFAULT_STATE_THRESHOLD).logits
    if name == "snn":
        return snn_model.simulate(snn_model.load_snn(), IMAGES, snn_model.EXACT).outputs
    return ffnn_model.forward(ffnn_model.load_network(name), IMAGES)[0]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_network_matches_kernel_model(name):
    net = load_shipped(name)
    got = reference.outputs(net, digits_inputs(net, IMAGES))
    np.testing.assert_array_equal(got, kernel_model_outputs(name))


def test_lstm_uses_the_kernel_thresholds_in_input_units():
    lstm = load_shipped("lstm").layers[0]
    assert isinstance(lstm, LSTM)
    assert lstm.time_threshold == DEFAULT_TIME_THRESHOLD * lstm_model.PIXEL_SCALE > 0


def test_stored_inputs():
    image = IMAGES[:1]
    assert np.array_equal(digits_inputs(load_shipped("mlp"), image), image.reshape(1, 64))
    assert digits_inputs(load_shipped("cnn"), image).shape == (1, 8, 8, 1)
    lstm_in = digits_inputs(load_shipped("lstm"), image)
    assert np.array_equal(lstm_in, lstm_model.symbols(image))


def test_npz_file_is_recognised_by_its_fields(tmp_path):
    net = load_npz(DATA_DIR / "snn.npz")
    assert net.name == "snn" and net.input.dtype == "uint8"
    path = tmp_path / "other.npz"
    np.savez(path, weights=np.zeros(3))
    with pytest.raises(NetworkError, match="not a shipped network format"):
        load_npz(path)
    with pytest.raises(NetworkError, match="no shipped network 'gru'"):
        load_shipped("gru")
