"""The zero-skip pass's analysis on small programs: symbolic rules, liveness, regions."""
from __future__ import annotations

from zskip.compiler.zeroskip import zero_skip
from zskip.compiler.zeroskip.flow import Flow
from zskip.compiler.zeroskip.symbolic import exit_problems, run
from zskip.isa.assembler import assemble, parse
from zskip.isa.assembler.ir import print_module

EXIT = "\n    mv a0, s0\n    li a7, 93\n    ecall\n"     # s0 is the exit code: live


def flow_of(body: str) -> Flow:
    module = parse(body + EXIT, "t.S")
    assemble(module)
    return Flow(module)


def null_ends(body: str, start: int, reg: int) -> list[int]:
    """The region ends e for which [start, e) is null when x[reg] == 0."""
    flow = flow_of(body)
    verdict = run(flow, start, (reg,), 100)
    return [e for e in verdict.valid_ends if not exit_problems(flow, verdict, e)[0]]


MAC = """
_start:
    lw   t0, 0(a0)
    lw   t1, 0(a1)
    mul  t1, t1, t0
    add  s0, s0, t1
    addi s0, s0, 4
"""


def test_mul_by_zero_and_add_of_zero_are_null():
    # records: 0 lw t0, 1 lw t1, 2 mul, 3 add, 4 addi s0: [1, 4) is null under t0 == 0
    assert 4 in null_ends(MAC, 1, 5)
    assert 5 not in null_ends(MAC, 1, 5)          # s0 changes and the exit reads it


def test_live_product_register_kills_the_region():
    body = MAC.replace("addi s0, s0, 4", "add s0, s0, t1")   # t1 (0, not its entry) read
    assert 3 not in null_ends(body, 1, 5)          # [lw t1, mul) leaves t1 changed
    assert 4 not in null_ends(body, 1, 5)


def test_unchanged_store_is_null_and_changed_store_is_not():
    body = """
_start:
    lw   t0, 0(a0)
    lw   t1, 0(a1)
    mul  t2, t1, t0
    lw   t3, 8(a2)
    add  t3, t3, t2
    sw   t3, 8(a2)
    li   t3, 0
    li   t2, 0
    li   t1, 0
"""
    assert 9 in null_ends(body, 1, 5)
    assert null_ends(body.replace("sw   t3, 8(a2)", "sw   t3, 12(a2)"), 1, 5) == []
    assert null_ends(body.replace("sw   t3, 8(a2)", "sb   t3, 8(a2)"), 1, 5) == []


def test_whole_inner_loop_is_a_region():
    body = """
_start:
    lw   t0, 0(a0)
    mv   t1, a1
    li   t2, 4
inner:
    lw   t3, 0(t1)
    lw   t4, 0(a2)
    mul  t4, t4, t0
    add  t3, t3, t4
    sw   t3, 0(t1)
    addi t1, t1, 4
    addi t2, t2, -1
    bnez t2, inner
    li   t1, 0
    li   t2, 0
    li   t3, 0
    li   t4, 0
"""
    ends = null_ends(body, 1, 5)
    assert 11 in ends                                # after the loop's back edge
    assert all(e in (11, 12, 13, 14, 15) for e in ends)


def test_label_entered_from_outside_kills_the_region():
    body = """
_start:
    lw   t0, 0(a0)
    beqz a3, mid
    mul  t1, t1, t0
mid:
    add  s0, s0, t1
    li   t1, 0
"""
    flow = flow_of(body)
    verdict = run(flow, 2, (5,), 100)
    assert verdict.e_max == 3 and "outside" in verdict.stop


def test_call_inside_kills_the_region():
    body = """
_start:
    lw   t0, 0(a0)
    mul  t1, t1, t0
    call f
    add  s0, s0, t1
    j    done
f:
    ret
done:
"""
    flow = flow_of(body)
    verdict = run(flow, 1, (5,), 100)
    assert "call" in verdict.stop


def test_liveness_through_a_local_routine_and_its_link_register():
    body = """
_start:
    li   t6, 5
    jal  t3, use_t6
    li   t5, 1
    jal  t3, use_t6
    j    done
use_t6:
    add  a0, a0, t6
    jr   t3
done:
"""
    flow = flow_of(body)
    t5, t6 = 1 << 30, 1 << 31
    # the callee reads t6: live before each call; t5 is never read
    assert flow.nodes[1].live_in & t6 and not flow.nodes[3].live_in & t5


def test_no_safe_region_leaves_the_program_unchanged_and_says_why():
    source = """
    .text
    .globl _start
_start:
    la   a0, x
    lw   t0, 0(a0)
    addi t1, t0, 1       # t0 + 1 is not 0 when t0 is: nothing is null
    sw   t1, 4(a0)
""" + EXIT + "    .data\nx: .word 0, 0\n"
    result = zero_skip(source, "xzs", filename="t.S")
    assert result.text == source                 # the input itself, byte for byte
    assert not result.changed
    text = result.explain()
    assert "t.S:6" in text and "unchanged" in text and "no region" in text


def test_a_call_site_needs_only_what_is_live_after_it():
    body = """
_start:
    li   t5, 7
    jal  t3, set_t4          # 1: t5 is read after this call ...
    add  s0, s0, t5
    add  s0, s0, t4
    jal  t3, set_t4          # 4: ... and not after this one
    li   t5, 1
    add  s0, s0, t5
    j    done
set_t4:
    li   t4, 2
    jr   t3
done:
"""
    flow = flow_of(body)
    t4, t5 = 1 << 29, 1 << 30
    assert flow.nodes[1].live_in & t5 and not flow.nodes[4].live_in & t5
    # the routine always writes t4: t4 is dead before either call
    assert not flow.nodes[1].live_in & t4 and not flow.nodes[4].live_in & t4
    # inside the routine, what any caller reads after it stays live
    assert flow.nodes[flow.label_at["set_t4"]].live_in & t5


def test_printed_call_pair_is_a_call_and_its_label_no_jump_target():
    body = """
_start:
    la   t1, table
    lw   t1, 0(t1)
    call f                   # printed as auipc ra / jalr ra: still a call of f
    add  s0, s0, t4
    j    done
f:
    jr   t1
g:
    li   t4, 1
    ret
done:
"""
    module = parse(body + EXIT + "    .data\ntable: .word g\n", "t.S")
    again = parse(print_module(module), "t.S")
    assemble(again)
    flow = Flow(again)
    call = next(k for k, n in enumerate(flow.nodes) if n.callee is not None)
    assert flow.nodes[call].callee == flow.label_at["f"]
    assert flow.address_taken == [flow.label_at["g"]]
    assert not flow.nodes[call].live_in & (1 << 29)       # g writes t4


def test_return_through_another_link_register_keeps_everything_live():
    body = """
_start:
    li   s1, 3
    call g
    add  s0, s0, s1
    j    done
g:
    jal  t3, h               # h returns through ra: out of g's frame
    li   s1, 9
    ret
h:
    ret
done:
"""
    flow = flow_of(body)
    s1 = 1 << 9
    assert flow.nodes[flow.label_at["g"]].live_in & s1
    assert flow.nodes[flow.label_at["h"]].live_in & s1


PRODUCTS = """
    .text
    .globl _start
_start:
    la   a0, x
    la   a1, w
    li   s0, 0
    li   s1, 16
loop:
    lb   t0, 0(a0)
    lb   t1, 0(a1)
    addi a0, a0, 1
    addi a1, a1, 1
    mul  t2, t1, t0
    add  s0, s0, t2
    addi s1, s1, -1
    bnez s1, loop
    mv   a0, s0
    li   a1, 0
    li   a2, 0
    li   a7, 93
    ecall
    .data
x: .byte 0, 1, 2, 0, 3, 0, 0, 4, 5, 0, 6, 7, 0, 0, 8, 9
w: .byte 1, 0, 2, 3, 0, 4, 5, 0, 6, 7, 0, 8, 9, 1, 0, 2
"""


def test_skz2_skips_a_product_when_either_factor_is_zero():
    from zskip.core_model import Machine, load_config
    from zskip.kernels.registry import variant_config
    cfg = variant_config(load_config("embedded"), "xzs")
    rates = {("t.S", 10): 0.4, ("t.S", 11): 0.3}       # either: 0.58
    result = zero_skip(PRODUCTS, "xzs", cfg, filename="t.S", zero_rates=rates)
    kept = [r for r in result.regions if r.accepted]
    assert [r.how for r in kept] == ["skz2"], result.explain()
    assert abs(kept[0].p_zero - 0.58) < 1e-9
    assert "skz2 t1, t0" in result.text and "lb.zd t0" in result.text \
        and "lb.zd t1" in result.text
    cycles = []
    for text, verify in ((PRODUCTS, False), (result.text, True), (result.text, False)):
        machine = Machine(assemble(text, "t.S"), cfg, verify_skips=verify)
        cycles.append(machine.run().cycles)
        assert machine.exit_code == 108             # sum x * w mod 256
    assert cycles[2] < cycles[0]


def test_skz2_is_not_generated_for_a_branch_target_or_a_rare_zero():
    rates = {("t.S", 10): 0.0, ("t.S", 11): 0.0}
    assert not zero_skip(PRODUCTS, "xzs", filename="t.S", zero_rates=rates).changed
    branch = zero_skip(PRODUCTS, "branch", filename="t.S",
                       zero_rates={("t.S", 10): 0.4, ("t.S", 11): 0.3})
    assert all(r.how != "skz2" for r in branch.regions)
