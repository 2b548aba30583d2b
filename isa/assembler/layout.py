"""Where sections go: the order and addresses GNU ld's default elf32lriscv script gives
them, so a program assembled here has the addresses `as` + `ld` would give it.

Text segment (rx), from text_base: .text.unlikely*, .text.exit*, .text.startup*,
.text.hot*, .text.sorted.* (by name), then .text and .text.*; then .rodata, .rodata.*.
Data segment (rw): .data, .data.*; then ld's .sdata output section (.srodata.cst16,
.cst8, .cst4, .cst2, other .srodata*, then .sdata*): GNU ld puts the small read-only
data there, next to .sdata, and so does zskip; then .sbss*, .bss*, COMMON (memsz only).
Each input section starts at its own alignment. Sections not named like these go by
their flags: code after .text, read-only data after .rodata, writable data after
.data, @nobits after .bss.

The data segment starts, unless given, where ld's DATA_SEGMENT_ALIGN puts it: on the
next page, at the same offset within the page as the end of the text segment
(ALIGN(0x1000) + (. & 0xfff)).
"""
from __future__ import annotations

PAGE = 0x1000

TEXT, DATA = "text", "data"


def classify(name: str, flags: str | None, nobits: bool) -> tuple[str, int] | None:
    """(segment, group) of a section: groups sort sections within their segment. None
    for a section that is not loaded (no "a" flag: .comment, .note.GNU-stack, ...)."""
    def under(*prefixes: str) -> bool:
        return any(name == p or name.startswith(p + ".") for p in prefixes)

    if under(".text"):
        for group, part in enumerate(("unlikely", "exit", "startup", "hot", "sorted")):
            if under(".text." + part) or (part == "unlikely" and name.endswith("_unlikely")):
                return TEXT, group
        return TEXT, 5
    if under(".rodata"):
        return TEXT, 7
    if under(".srodata"):
        cst = {".srodata.cst16": 2, ".srodata.cst8": 3, ".srodata.cst4": 4,
               ".srodata.cst2": 5}
        return DATA, cst.get(name, 6)
    if under(".data"):
        return DATA, 0
    if under(".sdata"):
        return DATA, 7
    if under(".sbss"):
        return DATA, 9
    if under(".bss"):
        return DATA, 10
    if flags is None:
        flags = "aw"
    if "a" not in flags:
        return None
    if nobits:
        return DATA, 11
    if "x" in flags:
        return TEXT, 6
    return (DATA, 1) if "w" in flags else (TEXT, 8)


COMMON_GROUP = 12   # .comm symbols: after every .bss input section


def is_bss_group(group: int) -> bool:
    return group >= 9


def is_sdata_group(group: int) -> bool:
    return 2 <= group <= 7


def align_up(value: int, alignment: int) -> int:
    return -(-value // alignment) * alignment


def default_data_base(text_end: int) -> int:
    """GNU ld's DATA_SEGMENT_ALIGN(MAXPAGESIZE, COMMONPAGESIZE) for elf32lriscv."""
    return align_up(text_end, PAGE) + (text_end & (PAGE - 1))


def global_pointer(data_begin: int, sdata_begin: int, bss_end: int) -> int:
    """__global_pointer$ as the default ld script defines it."""
    return min(sdata_begin + 0x800, max(data_begin + 0x800, bss_end - 0x800))
