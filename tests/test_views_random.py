"""Random programs of views and in-place writes, run in minigrad and in PyTorch.

A program starts from a float64 leaf ``t0`` that requires grad and takes random steps:
make a view of a live tensor (indexing, view/reshape, transpose/permute/T/mT,
unsqueeze/squeeze, narrow/select, split/chunk/unbind, expand, detach, contiguous), compute
a new tensor out of place, or write into a live tensor in place (add_, sub_, mul_, div_,
zero_, fill_, copy_, clamp_, item assignment with a basic or advanced index), some of them
under ``no_grad``. Every step runs in both libraries: both raise (the same exception type)
or both succeed, and then every live tensor has the same values, shape, dtype and
requires_grad. At the end a scalar loss mixes all live tensors, and the gradient of t0, the
second derivative (``autograd.grad(..., create_graph=True)``, where PyTorch's gradient
requires grad) and ``t0.grad`` from ``backward()`` are compared.

The steps are drawn against PyTorch's tensors (their shapes decide what is valid), and the
program's text is printed on failure, ready to run with ``lib`` bound to either library.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from differential import (MINE, any_index, assert_same, basic_index, execute, namespace,
                          needs_torch, same_outcome, shares_storage, torch)

pytestmark = needs_torch

TOL = dict(rtol=1e-7, atol=1e-9)


class Program:
    """The program so far, its namespaces in both libraries and the live tensors."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.mine, self.theirs = namespace(MINE), namespace(torch)
        self.live: list[str] = []
        self.seed = 100

    def text(self) -> str:
        return "\n".join(self.lines)

    def run(self, code: str, new: str | None = None) -> bool:
        """Run ``code`` in both libraries; True if it succeeded (in both)."""
        self.lines.append(code)
        their_error = execute(code, self.theirs)
        my_error = execute(code, self.mine)
        same_outcome(my_error, their_error, "program:\n" + self.text())
        if their_error is None and new is not None:
            self.live.append(new)
        self.check_live()
        return their_error is None

    def check_live(self) -> None:
        for name in self.live:
            # whether a gradient made with create_graph requires grad is issue 11, section 4
            assert_same(self.mine[name], self.theirs[name],
                        f"{name} after\n{self.text()}\n", requires_grad=name != "g", **TOL)

    def torch_tensor(self, name: str) -> Any:
        return self.theirs[name]

    def new_name(self) -> str:
        return f"t{len(self.lines)}"

    def weight(self, shape: tuple) -> str:
        self.seed += 1
        return f"w({self.seed}, {tuple(shape)!r})"


# --- steps ---------------------------------------------------------------------------------
def _reshapes(shape: tuple) -> list[tuple]:
    """Shapes with the same number of elements: flat, merged or split dims, an extra 1."""
    n = int(np.prod(shape, dtype=np.int64))
    out = [(-1,), (n,), tuple(shape) + (1,), (1,) + tuple(shape), tuple(shape[::-1])]
    for d in range(len(shape) - 1):
        out.append(shape[:d] + (shape[d] * shape[d + 1],) + shape[d + 2:])
    for d, m in enumerate(shape):
        if m % 2 == 0 and m > 2:
            out.append(shape[:d] + (2, m // 2) + shape[d + 1:])
    return out


def view_expression(draw: Any, name: str, t: Any) -> str:
    shape, n = tuple(t.shape), t.ndim
    dim = (lambda: draw(st.integers(-n, n - 1))) if n else None
    kinds = ["index", "index", "view", "reshape", "unsqueeze", "squeeze", "expand", "detach",
             "contiguous"]
    if n:
        kinds += ["transpose", "permute", "narrow", "select", "split", "chunk", "unbind"]
    if n in (1, 2):
        kinds.append("T")
    if n >= 2:
        kinds.append("mT")
    kind = draw(st.sampled_from(kinds))
    if kind == "index":
        return f"{name}[{draw(basic_index(shape))}]"
    if kind in ("view", "reshape"):
        return f"{name}.{kind}{draw(st.sampled_from(_reshapes(shape)))!r}"
    if kind == "unsqueeze":
        return f"{name}.unsqueeze({draw(st.integers(-n - 1, n))})"
    if kind == "squeeze":
        return f"{name}.squeeze({'' if not n or draw(st.booleans()) else dim()})"
    if kind == "expand":
        sizes = [draw(st.sampled_from([2, 3, -1])) if m == 1 else
                 draw(st.sampled_from([m, -1])) for m in shape]
        lead = [2] if draw(st.booleans()) or 1 not in shape else []
        return f"{name}.expand{tuple(lead + sizes)!r}"
    if kind in ("detach", "contiguous"):
        return f"{name}.detach()" if kind == "detach" else f"contiguous({name})"
    if kind == "T" or kind == "mT":
        return f"{name}.{kind}"
    if kind == "transpose":
        return f"{name}.transpose({dim()}, {dim()})"
    if kind == "permute":
        return f"{name}.permute{tuple(draw(st.permutations(range(n))))!r}"
    d = dim()
    size = shape[d]
    if size == 0:
        return f"{name}[{draw(basic_index(shape))}]"
    if kind == "narrow":
        start = draw(st.integers(0, size - 1))
        return f"narrow({name}, {d}, {start}, {draw(st.integers(0, size - start))})"
    if kind == "select":
        return f"select({name}, {d}, {draw(st.integers(-size, size - 1))})"
    if kind == "split":
        k = draw(st.integers(1, size))
        return f"{name}.split({k}, {d})[{draw(st.integers(0, -(-size // k) - 1))}]"
    if kind == "chunk":
        chunks = draw(st.integers(1, 3))
        parts = len(torch.empty(shape).chunk(chunks, d))
        return f"{name}.chunk({chunks}, {d})[{draw(st.integers(0, parts - 1))}]"
    return f"unbind({name}, {d})[{draw(st.integers(0, size - 1))}]"


def _partners(program: Program, name: str, fits: Any) -> list[str]:
    """Live tensors (not sharing memory with ``name``) whose shape ``fits``."""
    t = program.torch_tensor(name)
    return [u for u in program.live if u != name and fits(tuple(program.torch_tensor(u).shape))
            and not shares_storage(program.torch_tensor(u), t)]


def _broadcasts_to(target: tuple) -> Any:
    def fits(shape: tuple) -> bool:
        try:
            return torch.broadcast_shapes(shape, target) == torch.Size(target)
        except RuntimeError:
            return False
    return fits


def _broadcast_partner(draw: Any, program: Program, name: str, target: tuple) -> str | None:
    partners = _partners(program, name, _broadcasts_to(target))
    return draw(st.sampled_from(partners)) if partners and draw(st.booleans()) else None


def compute_expression(draw: Any, program: Program, name: str) -> str:
    t = program.torch_tensor(name)
    shape = tuple(t.shape)
    kind = draw(st.sampled_from(["unary", "unary", "binary", "reduce", "clone", "advanced"]))
    if kind == "binary":
        partners = [u for u in program.live if _broadcasts_to(shape)(
            tuple(program.torch_tensor(u).shape)) or _broadcasts_to(
            tuple(program.torch_tensor(u).shape))(shape)]
        u = draw(st.sampled_from(partners))
        return f"{name} {draw(st.sampled_from(['+', '-', '*']))} {u}"
    if kind == "reduce" and t.ndim:
        d = draw(st.integers(-t.ndim, t.ndim - 1))
        reduction = draw(st.sampled_from(['sum', 'mean']))
        return f"{name}.{reduction}({d}, keepdim={draw(st.booleans())})"
    if kind == "clone":
        return f"{name}.clone()"
    if kind == "advanced":
        return f"{name}[{draw(any_index(shape))}]"
    return draw(st.sampled_from([f"{name}.sin()", f"{name}.tanh()", f"{name}.sigmoid()",
                                 f"{name} * {name}", f"{name} * 1.5", f"{name} + 1.0",
                                 f"({name} * 0.5).exp()"]))


def inplace_statement(draw: Any, program: Program, name: str) -> str:
    t = program.torch_tensor(name)
    shape = tuple(t.shape)
    kind = draw(st.sampled_from(["add_", "sub_", "mul_", "div_", "zero_", "fill_", "copy_",
                                 "clamp_", "setitem", "setitem", "setitem", "setitem"]))
    if kind in ("add_", "sub_", "mul_"):
        other = _broadcast_partner(draw, program, name, shape)
        if other is None:
            other = draw(st.sampled_from(["2.0", "-0.5", "3", "1.25"]))
        alpha = ", alpha=2" if kind != "mul_" and draw(st.integers(0, 3)) == 0 else ""
        return f"{name}.{kind}({other}{alpha})"
    if kind == "div_":
        return f"{name}.div_({draw(st.sampled_from(['2.0', '-4.0', '0.5']))})"
    if kind == "zero_":
        return f"{name}.zero_()"
    if kind == "fill_":
        return f"{name}.fill_({draw(st.sampled_from(['0.25', '-1.5', '2']))})"
    if kind == "clamp_":
        return f"{name}.clamp_({draw(st.sampled_from(['-0.7, 0.9', 'min=-0.3', 'max=0.45']))})"
    if kind == "copy_":
        other = _broadcast_partner(draw, program, name, shape)
        return f"{name}.copy_({other if other else name + ' * -2.0'})"
    advanced = draw(st.booleans())
    value = draw(st.sampled_from(["scalar", "partner", "weight"]))
    index = draw(any_index(shape, unique=value != "scalar") if advanced else basic_index(shape))
    region = _region_shape(shape, index)
    text = draw(st.sampled_from(["0.0", "-2.5", "7"]))
    if value == "partner" and region is not None:
        text = _broadcast_partner(draw, program, name, region) or text
    elif value == "weight" and region is not None:
        text = program.weight(region)
    return f"{name}[{index}] = {text}"


def _region_shape(shape: tuple, index: str) -> tuple | None:
    space = namespace(torch)
    space["x"] = torch.zeros(shape)
    if execute(f"r = x[{index}]", space) is not None:
        return None
    return tuple(space["r"].shape)


def _of_the_leaf(program: Program, name: str) -> bool:
    t, leaf = program.torch_tensor(name), program.torch_tensor("t0")
    return t is leaf or t._base is leaf


def step(draw: Any, program: Program, first: bool = False) -> None:
    kind = "compute" if first else draw(st.sampled_from(["view", "view", "compute", "inplace",
                                                         "inplace", "inplace"]))
    names = program.live
    if kind == "inplace" and draw(st.integers(0, 9)):  # mostly where PyTorch allows it
        names = [n for n in program.live if not _of_the_leaf(program, n)] or names
    name = draw(st.sampled_from(names))
    # under no_grad; views made there are left to tests/test_views.py: once their base
    # changes in grad mode, PyTorch refuses even reading their requires_grad, minigrad
    # only their use (a known gap)
    quiet = kind != "view" and draw(st.integers(0, 7)) == 0
    if kind == "inplace":
        code = inplace_statement(draw, program, name)
        new = None
    else:
        new = program.new_name()
        expression = (view_expression(draw, name, program.torch_tensor(name)) if kind == "view"
                      else compute_expression(draw, program, name))
        code = f"{new} = {expression}"
    if quiet:
        code = "with lib.no_grad():\n    " + code
    program.run(code, new)


def finish(program: Program) -> None:
    """The loss, t0.grad, and the gradient (and second derivative) by autograd.grad."""
    terms = [f"({name} * {program.weight(program.torch_tensor(name).shape)}).sum()"
             for name in program.live]
    if not program.run("loss = " + " + ".join(terms)):
        return
    program.run("loss.backward(retain_graph=True)\ngrad = t0.grad", "grad")
    if not program.run("g, = lib.autograd.grad(loss, t0, create_graph=True)", "g"):
        return
    if program.theirs["g"].requires_grad:
        program.run(f"gg, = lib.autograd.grad((g * g * {program.weight((1,))}).sum(), t0)",
                    "gg")


@given(data=st.data())
def test_random_programs_of_views_and_in_place_writes(data):
    program = Program()
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    program.run(f"t0 = f64(a(0, {shape!r}), requires_grad=True)", "t0")
    for i in range(data.draw(st.integers(1, 7))):
        step(data.draw, program, first=i == 0)
    finish(program)
