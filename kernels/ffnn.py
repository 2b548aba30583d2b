"""The feed-forward kernels: whole integer networks (traces/data/<network>.npz) run on the
core as one program per variant (kernels/ffnn/<variant>.S with driver.inc), checked
against the numpy reference (kernels/ffnn_model.py) bit for bit.

The harness lays the network out in the program's `params` buffer (each layer's weights
in the order its routine reads them, then its int32 bias), writes the layer table and
the test images, runs, and reads back the int32 logits of every image.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from zskip.core_model import CoreConfig, Machine
from zskip.isa.program import Program
from zskip.traces.digits import load_digits

from .ffnn_model import CONV_OUT, Network, forward, load_network, predict
from .harness import fetch, load_kernel, place
from .registry import KernelError, KernelInfo, KernelRun, Runner, register

N_CLASSES = 10
LAYER_WORDS = 8          # driver.inc
MAX_LAYERS = 4
MAX_WIDTH = 512
# index into each variant's `routines` table
ROUTINES = {"dense_os": 0, "dense_is": 1, "conv": 2, "dense_pruned": 3}
OS_TILE = 8              # dense_os: outputs per register tile (then tiles of 2)


def os_tiles(n_out: int) -> list[tuple[int, int]]:
    """dense_os's output tiles (first output, width): OS_TILE wide, then 2 wide for the
    rest of an even n_out."""
    full = n_out - n_out % OS_TILE
    return [(j, OS_TILE) for j in range(0, full, OS_TILE)] + \
        [(j, 2) for j in range(full, n_out, 2)]


@dataclass(frozen=True)
class FfnnKernel:
    name: str
    network: str          # traces/data/<network>.npz
    dense: str            # the routine every dense layer runs (a ROUTINES key)
    description: str


KERNELS: tuple[FfnnKernel, ...] = (
    FfnnKernel("mlp_os", "mlp", "dense_os",
               "MLP 64-128-64-10, output-stationary with a register tile of 8 outputs: a "
               "zero activation skips the 8 MACs of its output tile"),
    FfnnKernel("mlp_is", "mlp", "dense_is",
               "MLP 64-128-64-10, input-stationary: a zero activation skips its whole "
               "weight row"),
    FfnnKernel("cnn", "cnn", "dense_is",
               "3x3 conv (8 channels) + ReLU, dense head 288-10: a zero pixel skips its "
               "8 channel MACs, a zero activation its head row"),
    FfnnKernel("mlp_pruned", "mlp_pruned", "dense_pruned",
               "MLP 64-128-64-10 with 70% of weights pruned, input-stationary: skips "
               "zero activations' rows and zero weights"),
)


def _layout(net: Network, dense: str) -> tuple[bytes, list[tuple[int, int, int, int, int, int]]]:
    """The params blob and per layer (routine, weights offset, bias offset, n_in, n_out,
    shift); a conv layer's bias follows its weights directly (conv reads it so)."""
    blob = bytearray()
    records = []
    for k, layer in enumerate(net.layers):
        routine = "conv" if layer.kind == "conv" else dense
        w_at = len(blob)
        if routine == "dense_os":       # by output tile: per tile, for each i, W[i][j..j+T-1]
            for j, width in os_tiles(layer.n_out):
                tile = layer.weights[:, j:j + width]
                blob += np.ascontiguousarray(tile).astype("<i1").tobytes()
        else:
            blob += np.ascontiguousarray(layer.weights).astype("<i1").tobytes()
        blob += bytes(-len(blob) % 4)
        b_at = len(blob)
        blob += layer.bias.astype("<i4").tobytes()
        n_in = layer.weights.shape[0] if layer.kind == "dense" else 64
        shift = -1 if k == len(net.layers) - 1 else layer.shift
        records.append((ROUTINES[routine], w_at, b_at, n_in, layer.n_out, shift))
    return bytes(blob), records


def _check_shapes(net: Network, dense: str) -> None:
    for layer in net.layers:
        if layer.kind == "conv":
            if layer.weights.shape != (3, 3, 8) or layer.n_out != CONV_OUT ** 2 * 8:
                raise KernelError(f"{net.name}: conv routine is for 3x3x8 kernels")
            continue
        n_in, n_out = layer.weights.shape
        if max(n_in, n_out) > MAX_WIDTH or (dense == "dense_os" and n_in % 4) or n_out % 2:
            raise KernelError(f"{net.name}: dense {n_in}x{n_out} does not fit {dense}")


def _check_sasa_sets(program: Program, routines: set[int], entries: int) -> None:
    """The SASA triggers (labels sasa_<routine>_<n>) of the routines one network uses
    must fall in distinct sets of the direct-mapped table, or entries evict each other."""
    names = [name for name, index in ROUTINES.items() if index in routines]
    triggers = {label: address for label, address in program.symbols.items()
                if any(label.startswith(f"sasa_{name}_") for name in names)}
    sets = {(address >> 2) % entries for address in triggers.values()}
    if len(sets) < len(triggers):
        raise KernelError(f"SASA triggers {sorted(triggers)} share sets of a "
                          f"{entries}-entry table")


def prune_weights(net: Network, fraction: float) -> Network:
    """`net` with each layer's smallest-magnitude weights set to zero until `fraction` of
    them are (ties broken by position; a layer already that sparse is unchanged)."""
    if not 0 <= fraction < 1:
        raise KernelError(f"prune must be in [0, 1), got {fraction}")
    layers = []
    for layer in net.layers:
        flat = layer.weights.ravel().copy()
        order = np.argsort(np.abs(flat.astype(np.int16)), kind="stable")
        flat[order[:int(np.ceil(fraction * flat.size))]] = 0
        layers.append(replace(layer, weights=flat.reshape(layer.weights.shape)))
    return replace(net, layers=tuple(layers))


def build_machine(kernel: FfnnKernel, variant: str, config: CoreConfig, images: np.ndarray,
                  *, functional: bool = False, verify_skips: bool = False,
                  net: Network | None = None) -> Machine:
    """A Machine with `kernel`'s network (or `net`) in `variant` and `images` placed,
    ready to run."""
    net = load_network(kernel.network) if net is None else net
    _check_shapes(net, kernel.dense)
    if len(net.layers) > MAX_LAYERS:
        raise KernelError(f"{net.name}: more than {MAX_LAYERS} layers")
    blob, records = _layout(net, kernel.dense)
    program = load_kernel(f"ffnn/{variant}.S", (("N_IMAGES", len(images)),
                                                 ("PARAM_BYTES", len(blob))))
    if variant == "sasa":
        _check_sasa_sets(program, {r[0] for r in records}, config.sasa_entries)
    machine = Machine(program, config, functional=functional, verify_skips=verify_skips)
    place_network(machine, net, kernel.dense, images)
    return machine


def place_network(machine: Machine, net: Network, dense: str, images: np.ndarray) -> None:
    """Write `net` (its dense layers run by the routine `dense`), its layer table and
    `images` into a machine running one of kernels/ffnn/*.S (or a program made from
    one, e.g. by the zero-skip pass)."""
    blob, records = _layout(net, dense)
    params = machine.symbol("params")
    buffers = (machine.symbol("buf0"), machine.symbol("buf1"))
    table = np.zeros((len(records), LAYER_WORDS), dtype=np.int64)
    for k, (routine, w_at, b_at, n_in, n_out, shift) in enumerate(records):
        out = 0 if k == len(records) - 1 else buffers[k % 2]
        table[k, :7] = (routine, params + w_at, params + b_at, out, n_in, n_out, shift)
    place(machine, "params", np.frombuffer(blob, dtype=np.uint8), "<u1")
    place(machine, "layers", table, "<i4")
    place(machine, "n_layers", np.array([len(records)]), "<i4")
    place(machine, "images", images.reshape(len(images), -1), "<i1")


def sparsity(net: Network, inputs: list[np.ndarray]) -> dict[str, float]:
    """Zero fraction of every operand over the images: each layer's input activations
    (layer 0's are the pixels) and weights."""
    result = {}
    for k, (layer, x) in enumerate(zip(net.layers, inputs)):
        result[f"layer{k}.in"] = float(np.mean(x == 0))
        result[f"layer{k}.w"] = float(np.mean(layer.weights == 0))
    return result


def run_kernel(kernel: FfnnKernel, variant: str, config: CoreConfig, images: int | None,
               *, functional: bool = False, verify_skips: bool = False,
               pixel_threshold: int = 0, prune: float = 0.0) -> KernelRun:
    """Run `kernel` over the first `images` test images (None: all 360). The sparsity
    sweeps' knobs (suite/sweep.py): pixels below `pixel_threshold` read as zero, and
    the network's weights magnitude-pruned to the fraction `prune` (prune_weights); the
    reference computes with the same pixels and weights."""
    if pixel_threshold < 0:
        raise KernelError(f"pixel_threshold must be >= 0, got {pixel_threshold}")
    test = load_digits("test")
    n = len(test) if images is None else min(images, len(test))
    pixels, labels = test.images[:n], test.labels[:n]
    pixels = np.where(pixels < pixel_threshold, 0, pixels).astype(pixels.dtype)
    net = load_network(kernel.network)
    net = prune_weights(net, prune) if prune else net
    machine = build_machine(kernel, variant, config, pixels, functional=functional,
                            verify_skips=verify_skips, net=net)
    reference, inputs = forward(net, pixels)
    stats = machine.run()
    if machine.exit_code != 0:
        raise KernelError(f"{kernel.name}/{variant}: exit code {machine.exit_code}")
    outputs = fetch(machine, "logits", "<i4", (n, N_CLASSES))
    return KernelRun(kernel.name, variant, config.name + ("" if config.xzs else ", no Xzs"),
                     n, outputs, reference, True,
                     float(np.mean(predict(outputs) == labels)),
                     float(np.mean(predict(reference) == labels)), stats,
                     sparsity(net, inputs),
                     {"pixel_threshold": pixel_threshold, "prune": prune})


def _runner(kernel: FfnnKernel) -> Runner:
    def run(variant: str, config: CoreConfig, images: int | None, **options: Any) -> KernelRun:
        return run_kernel(kernel, variant, config, images, **options)
    return run


for _kernel in KERNELS:
    register(KernelInfo(_kernel.name, "ffnn", f"{_kernel.network} on digits",
                        _kernel.description, _runner(_kernel)))
