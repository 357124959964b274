"""Run one program in minigrad and in PyTorch and compare what comes out.

A *program* is a function of the library module (``program(lib)``) that drives it through
the same Python code, ``import minigrad as torch`` style: ``lib.tensor``, ``lib.float64``,
``lib.no_grad()``, ``lib.autograd.grad`` and tensor methods. It returns what is compared:
tensors, numbers, bools, None, and tuples, lists or dicts of them.

:func:`compare` runs it in both libraries: either both raise (the same exception type),
or both return, and then every returned tensor has the same shape, dtype, requires_grad
and values.

``MINIGRAD_DIFFERENTIAL_SELFCHECK=1`` runs PyTorch in minigrad's place (``MINE``): every
test must then pass, which checks that the tests encode what PyTorch does.

The adapters below (``narrow``, ``select``, ``unbind``, ``contiguous``, ``storage_ptr``)
call the PyTorch method when the tensor has it and otherwise an equivalent that minigrad
already has, so the programs run while those names are being added.
"""
from __future__ import annotations

import os
import warnings
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import strategies as st

import minigrad

try:
    import torch
except ImportError:  # the oracle is optional
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

MINE: Any = torch if os.environ.get("MINIGRAD_DIFFERENTIAL_SELFCHECK") else minigrad


# --- adapters: the same call in both libraries ------------------------------------------------
def narrow(t: Any, dim: int, start: int, length: int) -> Any:
    """``t.narrow(dim, start, length)``."""
    if hasattr(t, "narrow"):
        return t.narrow(dim, start, length)
    dim = dim % t.ndim
    return t[(slice(None),) * dim + (slice(start, start + length),)]


def select(t: Any, dim: int, index: int) -> Any:
    """``t.select(dim, index)``."""
    if hasattr(t, "select"):
        return t.select(dim, index)
    dim = dim % t.ndim
    return t[(slice(None),) * dim + (index,)]


def unbind(t: Any, dim: int = 0) -> tuple:
    """``t.unbind(dim)``."""
    if hasattr(t, "unbind"):
        return t.unbind(dim)
    return tuple(select(t, dim, i) for i in range(t.shape[dim]))


def contiguous(t: Any) -> Any:
    """``t.contiguous()``."""
    return t.contiguous() if hasattr(t, "contiguous") else t.clone()


def is_contiguous(t: Any) -> bool:
    """``t.is_contiguous()`` (minigrad without the method: the array's C-contiguity)."""
    if hasattr(t, "is_contiguous"):
        return t.is_contiguous()
    return bool(t.detach().numpy().flags.c_contiguous)


def storage_ptr(t: Any) -> int:
    """The address of the memory block that ``t`` lives in: equal for a tensor and its
    views, different for a copy (``untyped_storage().data_ptr()`` in PyTorch)."""
    if hasattr(t, "untyped_storage"):
        return t.untyped_storage().data_ptr()
    array = t.detach().numpy()
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array.__array_interface__["data"][0]


def shares_storage(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are views of one memory block."""
    return storage_ptr(a) == storage_ptr(b)


def f64(lib: Any, values: Any, requires_grad: bool = False) -> Any:
    """A float64 tensor of ``values`` (copied) in ``lib``."""
    return lib.tensor(np.array(values, dtype=np.float64), dtype=lib.float64,
                      requires_grad=requires_grad)


# --- running and comparing -----------------------------------------------------------------
def run(program: Callable[[Any], Any], lib: Any) -> tuple[Any, BaseException | None]:
    """``(result, None)`` or ``(None, the exception)``."""
    try:
        return program(lib), None
    except Exception as err:  # noqa: BLE001  (any exception is an outcome to compare)
        return None, err


def same_outcome(mine: BaseException | None, theirs: BaseException | None, what: str) -> None:
    """Both raised an exception of the same type, or neither did."""
    if theirs is None and mine is not None:
        raise AssertionError(f"{what}: minigrad raised where PyTorch did not") from mine
    if theirs is not None and mine is None:
        raise AssertionError(f"{what}: PyTorch raised {type(theirs).__name__}: {theirs}; "
                             f"minigrad did not")
    if theirs is not None and not isinstance(mine, type(theirs)):
        raise AssertionError(f"{what}: PyTorch raised {type(theirs).__name__}: {theirs}; "
                             f"minigrad raised {type(mine).__name__}: {mine}") from mine


def dtype_name(dtype: Any) -> str:
    return str(dtype).replace("torch.", "")


def assert_same(mine: Any, theirs: Any, what: str = "result", rtol: float = 1e-9,
                atol: float = 1e-12, requires_grad: bool = True) -> None:
    """``mine`` (minigrad) is ``theirs`` (PyTorch): structure, and for tensors shape,
    dtype, values and (unless told not to) requires_grad."""
    if torch is not None and isinstance(theirs, torch.Tensor):
        assert isinstance(mine, MINE.Tensor), f"{what}: {type(mine).__name__}, not a Tensor"
        assert tuple(mine.shape) == tuple(theirs.shape), \
            f"{what}: shape {tuple(mine.shape)} != PyTorch's {tuple(theirs.shape)}"
        assert dtype_name(mine.dtype) == dtype_name(theirs.dtype), \
            f"{what}: dtype {mine.dtype} != PyTorch's {theirs.dtype}"
        assert not requires_grad or mine.requires_grad == theirs.requires_grad, \
            f"{what}: requires_grad {mine.requires_grad} != PyTorch's {theirs.requires_grad}"
        np.testing.assert_allclose(mine.detach().numpy(), theirs.detach().numpy(), rtol=rtol,
                                   atol=atol, err_msg=what)
    elif isinstance(theirs, dict):
        assert isinstance(mine, dict) and mine.keys() == theirs.keys(), what
        for key in theirs:
            assert_same(mine[key], theirs[key], f"{what}[{key!r}]", rtol, atol)
    elif isinstance(theirs, (tuple, list)):
        assert isinstance(mine, (tuple, list)) and len(mine) == len(theirs), \
            f"{what}: {mine!r} != {theirs!r}"
        for i, (a, b) in enumerate(zip(mine, theirs)):
            assert_same(a, b, f"{what}[{i}]", rtol, atol)
    else:
        assert mine == theirs, f"{what}: {mine!r} != PyTorch's {theirs!r}"


def compare(program: Callable[[Any], Any], what: str = "program", **tolerances: float
            ) -> Any:
    """Run ``program`` in both libraries and compare (see the module docstring).

    Returns PyTorch's exception if both raised, else None.
    """
    mine, my_error = run(program, MINE)
    theirs, their_error = run(program, torch)
    same_outcome(my_error, their_error, what)
    if their_error is None:
        assert_same(mine, theirs, what, **tolerances)
    return their_error


def mismatches(programs: dict[str, Callable[[Any], Any]], **tolerances: float) -> list[str]:
    """:func:`compare` each named program (warnings silenced); the failure message of
    each that disagrees with PyTorch, so one test can report every mismatch of a family."""
    failures = []
    for name, program in programs.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                compare(program, name, **tolerances)
            except AssertionError as failure:
                failures.append(" ".join(str(failure).split())[:300])
    return failures


def all_agree(programs: dict[str, Callable[[Any], Any]], **tolerances: float) -> None:
    """Every named program agrees with PyTorch; else fail listing each that does not."""
    failures = mismatches(programs, **tolerances)
    assert not failures, f"{len(failures)} of {len(programs)} disagree:\n" + "\n".join(failures)


def two_derivatives(call: Callable[..., Any], *arrays: Any) -> Callable[[Any], Any]:
    """The program ``call(lib, *inputs)`` on float64 leaves made from ``arrays``, followed by
    the gradients of a weighted sum of its result (with ``create_graph``), and the gradients
    of a weighted sum of those first gradients that depend on the inputs: values, first
    and second derivatives in one comparison. Zero gradients are made ordinary tensors
    (PyTorch's may be ZeroTensors, which cannot become arrays)."""
    def program(lib: Any) -> Any:
        inputs = tuple(f64(lib, a, requires_grad=True) for a in arrays)
        z = call(lib, *inputs)
        if not z.requires_grad:
            return z
        w = f64(lib, np.linspace(0.5, 1.5, z.numel()).reshape(tuple(z.shape)))
        firsts = lib.autograd.grad(z, inputs, w, create_graph=True, allow_unused=True)
        firsts = tuple(None if g is None else g + lib.zeros_like(g) for g in firsts)
        live = [g for g in firsts if g is not None and g.requires_grad]
        if not live:
            return (z,) + firsts
        total = sum((g * (i + 1.5)).sum() for i, g in enumerate(live))
        seconds = lib.autograd.grad(total, inputs, allow_unused=True)
        return (z,) + firsts + tuple(None if g is None else g + lib.zeros_like(g)
                                     for g in seconds)
    return program


def both_raise(program: Callable[[Any], Any], error: type, match: str | None = None) -> None:
    """PyTorch raises ``error`` (checked, so the test pins real PyTorch behaviour), and so
    does minigrad, with a message matching ``match`` if given."""
    with pytest.raises(error):
        program(torch)
    with pytest.raises(error, match=match):
        program(MINE)


# --- programs as text: one line of code run in both libraries ----------------------------------
def seeded(seed: int, shape: Any) -> np.ndarray:
    """A fixed float64 array of standard normal values: ``a(seed, shape)`` in programs, and
    ``w(seed, shape)`` is a tensor of it."""
    return np.random.default_rng(seed).standard_normal(tuple(shape))


def namespace(lib: Any) -> dict:
    """The names a program's text may use."""
    return {"lib": lib, "np": np, "narrow": narrow, "select": select, "unbind": unbind,
            "contiguous": contiguous, "shares_storage": shares_storage, "a": seeded,
            "w": lambda seed, shape: f64(lib, seeded(seed, shape)),
            "f64": lambda values, requires_grad=False: f64(lib, values, requires_grad)}


def execute(code: str, space: dict) -> BaseException | None:
    """Run ``code`` in ``space``; the exception it raised, or None."""
    try:
        exec(code, space)  # noqa: S102  (the programs are generated by the tests)
    except Exception as err:  # noqa: BLE001
        return err
    return None


# --- index expressions, as text ----------------------------------------------------------------
def _ints_text(values: list, form: str) -> str:
    body = repr([int(v) for v in values])
    if form == "tensor":
        return f"lib.tensor({body})"
    if form == "array":
        return f"np.array({body})"
    return body


def _mask_text(mask: np.ndarray, form: str) -> str:
    body = repr(mask.tolist())
    if form == "tensor":
        return f"lib.tensor({body})"
    if form == "list" and mask.ndim == 1:
        return body
    return f"np.array({body})"


def _slice_text(draw: Any, n: int) -> str:
    start = draw(st.sampled_from([None, 0, 1, -1, -n, n + 1, -n - 2]))
    stop = draw(st.sampled_from([None, n, 1, -1, n + 2, 0, 2]))
    step = draw(st.sampled_from([None, None, 1, 2, 3]))
    text = ("" if start is None else str(start)) + ":" + ("" if stop is None else str(stop))
    return text + ("" if step is None else f":{step}")


def _int_text(draw: Any, n: int, out_of_range: bool) -> str:
    if n == 0:
        return "0"  # out of range: every int is
    if out_of_range and draw(st.integers(0, 9)) == 0:
        return str(draw(st.sampled_from([n, -n - 1, n + 3])))
    value = draw(st.integers(-n, n - 1))
    form = draw(st.sampled_from(["int", "int", "int", "np.int64", "0-d tensor"]))
    if form == "np.int64":
        return f"np.int64({value})"
    return f"lib.tensor({value})" if form == "0-d tensor" else str(value)


@st.composite
def basic_index(draw: Any, shape: tuple, out_of_range: bool = False) -> str:
    """The text of a basic index for ``shape``: ints (also NumPy ints and 0-d tensors),
    slices with positive steps, None and at most one Ellipsis. Gives a view in PyTorch."""
    items, dim, ellipsis = [], 0, False
    for _ in range(draw(st.integers(0, len(shape) + 1))):
        kind = draw(st.sampled_from(["int", "slice", "slice", "None", "..."]))
        if kind == "None":
            items.append("None")
        elif kind == "..." and not ellipsis:
            ellipsis = True
            items.append("...")
            dim = len(shape) - (len(shape) - dim) // 2  # leave some dims for later items
        elif dim < len(shape):
            n = shape[dim]
            items.append(_int_text(draw, n, out_of_range) if kind == "int" else
                         _slice_text(draw, n))
            dim += 1
    return ", ".join(items) if items else "..."


@st.composite
def any_index(draw: Any, shape: tuple, unique: bool = False, out_of_range: bool = False,
              mismatched_masks: bool = False) -> str:
    """The text of an index of any kind PyTorch accepts for ``shape``: the basic items of
    :func:`basic_index` mixed with integer lists, arrays and tensors (1-D, or 2-D that
    broadcast), ``range``, bool masks (tensor, array or list) over one or more dims, and
    bool scalars. All integer indices of one index broadcast together; with ``unique`` no
    position is selected twice (for setitem of non-scalar values)."""
    ndim = len(shape)
    items, dim, ellipsis = [], 0, False
    length = draw(st.integers(0 if not unique else 1, 3))  # of every integer index
    n_advanced = 0
    while dim <= ndim and draw(st.integers(0, 3)) > 0:
        kind = draw(st.sampled_from(["int", "slice", "None", "...", "ints", "ints", "mask",
                                     "range", "bool"]))
        if kind == "None":
            items.append("None")
            continue
        if kind == "bool":
            items.append(draw(st.sampled_from(["True", "False", "lib.tensor(True)"])))
            continue
        if kind == "..." and not ellipsis:
            ellipsis, dim = True, max(dim, ndim - draw(st.integers(0, ndim - dim)))
            items.append("...")
            continue
        if dim >= ndim:
            break
        n = shape[dim]
        if kind == "int":
            items.append(_int_text(draw, n, out_of_range))
        elif kind in ("slice", "...") or (n == 0 and kind != "mask"):
            items.append(_slice_text(draw, n))
        elif kind == "range" and not unique:
            start = draw(st.integers(0, n - 1))
            items.append(f"range({start}, {min(n, start + draw(st.integers(0, 2)))})")
            n_advanced += 1
        elif kind == "mask" or kind == "range":
            k = draw(st.integers(1, min(2, ndim - dim)))
            mask_shape = shape[dim:dim + k]
            if mismatched_masks and draw(st.integers(0, 5)) == 0:
                mask_shape = tuple(m + 1 for m in mask_shape)
            mask = np.array(draw(st.lists(st.booleans(), min_size=int(np.prod(mask_shape)),
                                          max_size=int(np.prod(mask_shape)))),
                            dtype=bool).reshape(mask_shape)
            items.append(_mask_text(mask, draw(st.sampled_from(["tensor", "array", "list"]))))
            dim += k
            n_advanced += 1
            continue
        else:
            if unique and length > n:
                items.append(_slice_text(draw, n))
            else:
                high = n + 1 if out_of_range and draw(st.integers(0, 9)) == 0 else n
                values = draw(st.lists(st.integers(-n, high - 1), min_size=length,
                                       max_size=length, unique_by=(lambda v: v % n) if unique
                                       else None))
                form = draw(st.sampled_from(["list", "tensor", "array", "column"]))
                if form == "column" and not unique:  # 2-D: broadcasts to (length, length)
                    items.append(f"lib.tensor({[[v] for v in values]!r})")
                else:
                    items.append(_ints_text(values, form if form != "column" else "list"))
                n_advanced += 1
        dim += 1
    if not items:
        return "..."
    if len(items) == 1 and items[0].startswith("["):
        return f"({items[0]},)"  # a list alone is an index array, not a tuple of items
    return ", ".join(items)
