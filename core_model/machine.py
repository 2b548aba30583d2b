"""The Python facade of the C core: one Machine per program.

Memory and the predecoded-slot array are numpy buffers owned here; the core runs in
batches (zs_run) of at most CHUNK instructions, so Ctrl-C is honoured between batches
and a max_insns bound is always in force. A trace ring (trace_into) is one more such
buffer: batches end at the edges of its instruction window, and only the batches inside
it run traced (the per-instruction loop); the others keep the fast path.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from zskip.isa.errors import ZskipError
from zskip.isa.program import Program
from zskip.isa.table import INSTRUCTIONS, OP_CLASSES

from . import faults
from ._core import ffi, lib
from .config import STATIC_PREDICTORS, CoreConfig, load_config
from .energy import EnergyTable, load_energy_table
from .layout import memory_layout
from .stats import Stats

CHUNK = 1 << 26
# translate=True: the code the first instructions decoded is translated after them
TRANSLATE_AFTER = 500_000
RETRANSLATIONS = 4           # and as often again where it meets code it has none for
SP = 2
COUNTER_NAMES: tuple[str, ...] = tuple(ffi.string(lib.zs_counter_name(i)).decode()
                                       for i in range(lib.ZS_NUM_COUNTERS))
INSTRET = COUNTER_NAMES.index("INSTRET")
INSN_NAMES: tuple[str, ...] = tuple(i.name for i in INSTRUCTIONS)
assert lib.ZS_NUM_INSNS == len(INSN_NAMES) and lib.OPC_COUNT == len(OP_CLASSES), \
    "core extension is stale: python -m zskip.core_model.build_core"

_FAULTS: dict[int, type[faults.Fault]] = {
    lib.ZS_ILLEGAL_INSTRUCTION: faults.IllegalInstruction,
    lib.ZS_MISALIGNED_ACCESS: faults.MisalignedAccess,
    lib.ZS_ACCESS_FAULT: faults.AccessFault,
    lib.ZS_FETCH_FAULT: faults.FetchFault,
    lib.ZS_UNSUPPORTED_ECALL: faults.UnsupportedEcall,
}
_UNSAFE = {
    lib.ZS_UNSAFE_STORE: "a store in the block changed memory at 0x{:08x}",
    lib.ZS_UNSAFE_REGISTER: "x{} was changed by the block and read afterwards",
    lib.ZS_UNSAFE_EXIT: "control left the block to 0x{:08x}",
    lib.ZS_UNSAFE_ECALL: "system call inside the block at 0x{:08x}",
}


class AddressError(ZskipError):
    """A read or write through the facade outside the machine's memory."""


class TraceError(ZskipError):
    """A trace that cannot be recorded as asked: a bad ring, window or mode."""


TRACE_RECORD_SIZE = ffi.sizeof("zs_trace_record")


@dataclass(frozen=True)
class TraceWindow:
    """What a traced run records: the instructions numbered [start, stop) (retired since
    reset, from 0; stop None: to the end) whose pc is in [pc_first, pc_last]."""
    start: int = 0
    stop: int | None = None
    pc_first: int = 0
    pc_last: int = 0xFFFFFFFF

    def __post_init__(self) -> None:
        if self.start < 0:
            raise TraceError(f"the trace window starts at instruction {self.start}: "
                             "must be >= 0")
        if self.stop is not None and self.stop <= self.start:
            raise TraceError(f"the trace window [{self.start}, {self.stop}) is empty: "
                             "its stop must be after its start")
        if not 0 <= self.pc_first <= self.pc_last <= 0xFFFFFFFF:
            raise TraceError(f"pc range 0x{self.pc_first:x}..0x{self.pc_last:x} is empty or "
                             "outside the 32-bit space")

    def batch(self, instret: int, n: int) -> tuple[bool, int]:
        """For a batch of up to n instructions from number `instret` on: whether it runs
        traced, and how many it may run without crossing an edge of the window."""
        if instret < self.start:
            return False, min(n, self.start - instret)
        if self.stop is None:
            return True, n
        return instret < self.stop, min(n, self.stop - instret) if instret < self.stop else n


class Machine:
    """A program loaded into the core, ready to run."""

    def __init__(self, program: Program, config: CoreConfig | str | Path | None = None, *,
                 functional: bool = False, verify_skips: bool = False,
                 per_instruction: bool = False, translate: bool = False):
        """per_instruction: never use the block loop (every instruction through the
        exact per-instruction model; same results, slower: for tests of the fast path).
        translate: once TRANSLATE_AFTER instructions have run, compile the code they
        decoded into the block loop (translate.py; the same results, faster on long
        runs; nothing happens without a C compiler, or with per_instruction or
        verify_skips, which keep to the per-instruction loop)."""
        self.program = program
        self.config = config if isinstance(config, CoreConfig) else load_config(config)
        self.functional, self.verify_skips = functional, verify_skips
        self.per_instruction = per_instruction
        self.translate = translate and not per_instruction and not verify_skips
        self.translation = None      # translate.Translation, once made
        self.energy_table: EnergyTable = load_energy_table(self.config.energy_table)
        self.mem_base, size, self.stack_top = memory_layout(program, self.config.stack_size,
                                                                self.config.heap_size)
        self.memory = np.zeros(size, dtype=np.uint8)
        self._slots = np.zeros((size // 4 + 1) * lib.ZS_SLOT_SIZE, dtype=np.uint8)
        self._st = ffi.new("zs_state *")
        self._mem_ptr = ffi.from_buffer("uint8_t[]", self.memory)
        self._slots_ptr = ffi.from_buffer("uint8_t[]", self._slots)
        self.x = np.frombuffer(ffi.buffer(self._st.arch.x), dtype=np.uint32)[:32]
        self._counters = np.frombuffer(ffi.buffer(self._st.counters), dtype=np.uint64)
        self._insn_counts = np.frombuffer(ffi.buffer(self._st.insn_counts), dtype=np.uint64)
        self._trace: tuple[np.ndarray, TraceWindow] | None = None
        self._configure()
        self.reset()

    def _configure(self) -> None:
        st, cfg = self._st.cfg, self.config
        st.mem_base, st.mem_size = self.mem_base, self.memory.size
        st.functional, st.verify = int(self.functional), int(self.verify_skips)
        st.per_instruction = int(self.per_instruction)
        st.sasa_entries, st.xzs = cfg.sasa_entries, int(cfg.xzs)
        p, tm = cfg.pipeline, st.tm
        tm.stages, tm.decode_stage, tm.execute_stage = p.stages, p.decode_stage, p.execute_stage
        tm.memory_stages, tm.bypassing = p.memory_stages, int(p.bypassing)
        tm.bp.kind = getattr(lib, f"ZS_PRED_{p.branch_predictor.upper()}")
        tm.bp.entries, tm.bp.history_bits = p.predictor_entries, p.history_bits
        tm.bp.btb_entries = p.btb_entries
        tm.mul_pipelined = int(p.multiplier == "pipelined")
        tm.skip_taken_penalty = p.skip_taken_penalty
        tm.skip_not_taken_penalty = p.skip_not_taken_penalty
        tm.div_data_dependent = int(p.divider == "data")
        for i, opclass in enumerate(OP_CLASSES):
            tm.occupancy[i] = cfg.latency[opclass]
        tm.memory_latency = cfg.memory.latency
        for cache, cc in ((st.icache, cfg.icache), (st.dcache, cfg.dcache)):
            cache.sets, cache.ways = cc.sets, cc.ways
            cache.line_shift = cc.line.bit_length() - 1
            cache.line_words = max(1, cc.line // 8)
            cache.hit_latency, cache.miss_penalty = cc.hit_latency, cc.miss_penalty

    def reset(self) -> None:
        """Back to the start state: program image, pc = entry, sp = stack top, counters,
        caches, SpRF, SASA table and captured output cleared."""
        self.memory[:] = 0
        self._slots[:] = 0
        for seg in self.program.segments:
            off = seg.vaddr - self.mem_base
            self.memory[off:off + len(seg.data)] = np.frombuffer(seg.data, dtype=np.uint8)
        self.x[:] = 0
        self.x[SP] = self.stack_top
        self._st.arch.pc = self.program.entry
        self.stop_trace()   # a trace numbers instructions from the reset it started after
        lib.zs_reset(self._st)      # drops a translation: made again after TRANSLATE_AFTER
        self._translate_at = TRANSLATE_AFTER if self.translate else None
        self._translations_left = 0
        self.output = b""
        self.exit_code: int | None = None
        self.status: str | None = None
        self.stopped_by: str | None = None   # why the last run stopped early (Stats.partial)

    # ---- running ----
    def run(self, max_insns: int | None = None,
            progress: Callable[[int], None] | None = None,
            output: Callable[[int, bytes], None] | None = None) -> Stats:
        """Run until exit or ebreak; raises a Fault subclass, or faults.Interrupted on
        Ctrl-C (honoured between batches). At most max_insns instructions retire
        (default: the config's max_insns). `progress` is called with the retired count
        after each batch; `output(fd, data)` with each write as the program makes it
        (`self.output` captures every write too)."""
        limit = self.config.max_insns if max_insns is None else max_insns
        if limit < 0:
            raise ZskipError(f"max_insns must be >= 0, got {limit}")
        st = self._st
        start = int(st.counters[INSTRET])
        out = bytearray(self.output)
        self.stopped_by = None
        try:
            while True:
                done = int(st.counters[INSTRET]) - start
                if done >= limit:
                    raise self._fault(faults.InstructionLimit, None, f"{limit} instructions")
                batch = min(limit - done, CHUNK)
                if self._translate_at is not None:
                    batch = self._before_translating(batch)
                if self._trace is not None:
                    traced, batch = self._trace[1].batch(start + done, batch)
                    st.trace.on = int(traced)
                status = lib.zs_run(st, self._mem_ptr, self._slots_ptr, batch)
                if progress is not None:
                    progress(int(st.counters[INSTRET]) - start)
                if status == lib.ZS_RUNNING:
                    continue
                if status == lib.ZS_TRANSLATION_STALE:
                    self._translate_again()
                    continue
                if status == lib.ZS_OUTPUT:
                    off = st.report.out_addr - self.mem_base
                    data = self.memory[off:off + st.report.out_len].tobytes()
                    out += data
                    if output is not None:
                        output(int(st.report.out_fd), data)
                    continue
                if status == lib.ZS_EXIT:
                    self.status, self.exit_code = "exit", int(st.report.exit_code) & 0xFFFFFFFF
                elif status == lib.ZS_BREAKPOINT:
                    self.status = "breakpoint"
                else:
                    raise self._fault_from_status(status)
                return self.stats
        except faults.Fault as fault:
            self.status = "fault"
            self.stopped_by = "the instruction limit" \
                if isinstance(fault, faults.InstructionLimit) else f"a fault ({fault.what})"
            raise
        except KeyboardInterrupt:
            self.status, self.stopped_by = "interrupted", "an interrupt (Ctrl-C)"
            raise faults.Interrupted(self.pc, self._word_at_pc(),
                                     int(st.counters[INSTRET]) - start) from None
        finally:
            self.output = bytes(out)

    def _before_translating(self, batch: int) -> int:
        """The batch to run next: up to the point of translating, where it translates."""
        retired = int(self._st.counters[INSTRET])
        if retired < self._translate_at:
            return min(batch, self._translate_at - retired)
        self._translate_at = None
        self._translations_left = RETRANSLATIONS
        self._translate_again()
        return batch

    def _translate_again(self) -> None:
        """A translation of the code decoded so far (the core asks again when the last
        one often met code it had none for: a phase of the program that had not run),
        up to RETRANSLATIONS times; after that the last one stays."""
        from . import translate
        if not self._translations_left:
            return                  # the last one stays (if a SASA write dropped it: none)
        self._translations_left -= 1
        made = translate.translate(
            self._slots, self._st.cfg, timing=not self.functional,
            predicting=not self.functional and self.config.pipeline.branch_predictor
            not in STATIC_PREDICTORS, checked=self._sasa_triggers())
        self.translation = made or self.translation
        if self.translation is not None:
            self.translation.install(self._st)

    def _sasa_triggers(self) -> np.ndarray:
        """Per slot: a trigger in the SASA table now, or checked by the last translation
        (a trigger the next one does not check would drop it again)."""
        checked = np.zeros(len(self._slots) // lib.ZS_SLOT_SIZE, dtype=bool)
        if self.translation is not None:
            checked |= self.translation.checked.astype(bool)
        for i in range(self.config.sasa_entries):
            entry = self._st.arch.sasa[i]
            off = entry.trigger - self.mem_base
            if entry.len and 0 <= off < self.memory.size and off % 4 == 0:
                checked[off // 4] = True
        return checked

    # ---- tracing ----
    def trace_into(self, records: np.ndarray, window: TraceWindow = TraceWindow()) -> None:
        """Record the instructions `window` selects as the following runs retire them:
        one record each (zskip.traces.record.TRACE_DTYPE) into `records`, a ring that
        keeps the last len(records). Timing model only, without verify-skips; reset()
        ends the trace."""
        if self.functional or self.verify_skips:
            raise TraceError("tracing needs the timing model without verify-skips "
                             "(its records are cycles and stalls)")
        if (records.ndim != 1 or not len(records) or not records.flags.c_contiguous
                or not records.flags.writeable or records.dtype.itemsize != TRACE_RECORD_SIZE):
            raise TraceError(f"the trace ring must be a non-empty, writable, contiguous 1-d "
                             f"array of {TRACE_RECORD_SIZE}-byte records (TRACE_DTYPE)")
        tr = self._st.trace
        self._trace = (records, window)
        self._trace_ptr = ffi.cast("zs_trace_record *", ffi.from_buffer(records))
        tr.records, tr.capacity, tr.written, tr.pos = self._trace_ptr, len(records), 0, 0
        tr.pc_first, tr.pc_last, tr.on = window.pc_first, window.pc_last, 0

    def stop_trace(self) -> None:
        """No more records (the ring keeps what it holds)."""
        self._trace = None
        self._st.trace.on = 0
        self._st.trace.records = ffi.NULL

    @property
    def trace_written(self) -> int:
        """Records written since trace_into (the ring holds the last len(records))."""
        return int(self._st.trace.written)

    def _word_at_pc(self) -> int | None:
        pc = self.pc
        off = pc - self.mem_base
        return self.read_u32(pc) if 0 <= off <= self.memory.size - 4 and not off & 3 else None

    def _fault(self, cls: type[faults.Fault], address: int | None, detail: str) -> faults.Fault:
        return cls(self.pc, self._word_at_pc(), address, detail)

    def _fault_from_status(self, status: int) -> faults.Fault:
        st = self._st.report
        word = int(st.fault_word) if st.fault_has_word else None
        addr = int(st.fault_addr)
        if status == lib.ZS_UNSAFE_SKIP:
            block = (int(st.block_start), int(st.block_end))
            detail = (f"block 0x{block[0]:08x}..0x{block[1]:08x}: "
                      + _UNSAFE[st.unsafe_kind].format(addr))
            return faults.UnsafeSkip(int(st.fault_pc), word, addr, detail, block)
        cls = _FAULTS[status]
        end = self.mem_base + self.memory.size
        detail = {
            lib.ZS_MISALIGNED_ACCESS: f"{'store' if st.fault_is_store else 'load'} "
                                      f"address 0x{addr:08x}",
            lib.ZS_ACCESS_FAULT: f"address 0x{addr:08x} outside memory "
                                 f"[0x{self.mem_base:08x}, 0x{end:08x})",
            lib.ZS_FETCH_FAULT: f"pc outside memory [0x{self.mem_base:08x}, 0x{end:08x}) "
                                "or not 4-byte aligned",
            lib.ZS_UNSUPPORTED_ECALL: f"a7 = {int(self.x[17])}; supported: 64 write "
                                      "(fd 1, 2), 93 exit",
        }.get(status, "")
        return cls(int(st.fault_pc), word, addr if status != lib.ZS_ILLEGAL_INSTRUCTION
                   else None, detail)

    def _counters_by_name(self) -> dict[str, int]:
        return dict(zip(COUNTER_NAMES, (int(v) for v in self._counters)))

    @property
    def stats(self) -> Stats:
        """Statistics of everything run since the last reset."""
        counters = dict(zip(COUNTER_NAMES, (int(v) for v in self._counters)))
        insn_counts = {n: int(c) for n, c in zip(INSN_NAMES, self._insn_counts) if c}
        return Stats.from_counters(counters, insn_counts, self.energy_table,
                                   self.config, self.functional, self.stopped_by)

    # ---- state ----
    @property
    def pc(self) -> int:
        return int(self._st.arch.pc)

    @property
    def sprf(self) -> int:
        return int(self._st.arch.sprf) & 0xFFFFFFFF

    def _offset(self, addr: int, n: int) -> int:
        off = addr - self.mem_base
        if n < 0 or off < 0 or off + n > self.memory.size:
            raise AddressError(f"0x{addr:08x}+{n} is outside memory "
                               f"[0x{self.mem_base:08x}, 0x{self.mem_base + self.memory.size:08x})")
        return off

    def read(self, addr: int, n: int) -> bytes:
        off = self._offset(addr, n)
        return self.memory[off:off + n].tobytes()

    def write(self, addr: int, data: bytes) -> None:
        off = self._offset(addr, len(data))
        self.memory[off:off + len(data)] = np.frombuffer(bytes(data), dtype=np.uint8)

    def read_u32(self, addr: int) -> int:
        return int.from_bytes(self.read(addr, 4), "little")

    def write_u32(self, addr: int, value: int) -> None:
        self.write(addr, (value & 0xFFFFFFFF).to_bytes(4, "little"))

    def symbol(self, name: str) -> int:
        try:
            return self.program.symbols[name]
        except KeyError:
            raise ZskipError(f"{self.program.source}: no symbol {name!r}") from None
