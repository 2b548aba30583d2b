"""Faults: a run that stops abnormally raises one of these, carrying the pc, the
instruction word and its disassembly, and the address involved."""
from __future__ import annotations

from zskip.isa.errors import ZskipError


def disassemble(word: int | None, pc: int) -> str:
    if word is None:
        return "(no instruction: pc outside memory or misaligned)"
    try:
        from zskip.isa.disasm import disassemble_word
    except ImportError:   # the disassembler lands separately
        return f".word 0x{word:08x}"
    return disassemble_word(word, pc)


class Fault(ZskipError):
    """The program faulted. `what` is the kind, as the message words it; `program`,
    when set (e.g. by a comparison of several programs), names the program first."""
    what = "fault"
    exit_status = 126
    program: str | None = None

    def __init__(self, pc: int, word: int | None, address: int | None = None,
                 detail: str = ""):
        self.pc, self.word, self.address = pc, word, address
        self.insn = disassemble(word, pc)
        message = f"{self.what} at pc 0x{pc:08x}: {self.insn}"
        if detail:
            message += f" ({detail})"
        super().__init__(message)

    def __str__(self) -> str:
        message = super().__str__()
        return f"{self.program}: {message}" if self.program else message


class IllegalInstruction(Fault):
    what = "illegal instruction"


class MisalignedAccess(Fault):
    what = "misaligned access"


class AccessFault(Fault):
    what = "access fault"


class FetchFault(Fault):
    what = "fetch fault"


class InstructionLimit(Fault):
    what = "instruction limit reached"
    exit_status = 124


class UnsupportedEcall(Fault):
    what = "unsupported ecall"


class UnsafeSkip(Fault):
    """verify-skips found a skip that would have changed the program's behaviour."""
    what = "unsafe skip"
    exit_status = 127

    def __init__(self, pc: int, word: int | None, address: int | None, detail: str,
                 block: tuple[int, int]):
        self.block = block
        super().__init__(pc, word, address, detail)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped a run between two batches; the machine state is consistent and
    its statistics are those of the instructions retired so far. `program` as for
    Fault."""
    program: str | None = None

    def __init__(self, pc: int, word: int | None, retired: int):
        self.pc, self.word, self.retired = pc, word, retired
        self.insn = disassemble(word, pc)
        super().__init__(f"interrupted at pc 0x{pc:08x}: {self.insn} "
                         f"({retired} instructions retired)")

    def __str__(self) -> str:
        message = super().__str__()
        return f"{self.program}: {message}" if self.program else message
