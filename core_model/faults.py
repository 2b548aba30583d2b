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
    """The program faulted. `what` is the kind, as the message words it."""
    what = "fault"

    def __init__(self, pc: int, word: int | None, address: int | None = None,
                 detail: str = ""):
        self.pc, self.word, self.address = pc, word, address
        self.insn = disassemble(word, pc)
        message = f"{self.what} at pc 0x{pc:08x}: {self.insn}"
        if detail:
            message += f" ({detail})"
        super().__init__(message)


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


class UnsupportedEcall(Fault):
    what = "unsupported ecall"


class UnsafeSkip(Fault):
    """verify-skips found a skip that would have changed the program's behaviour."""
    what = "unsafe skip"

    def __init__(self, pc: int, word: int | None, address: int | None, detail: str,
                 block: tuple[int, int]):
        self.block = block
        super().__init__(pc, word, address, detail)
