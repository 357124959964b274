"""Views and in-place writes through them, against PyTorch (issue 11, section 1).

Every case is a program run in both libraries by ``differential.compare``: values, shapes,
dtypes, requires_grad and gradients must agree, and a program PyTorch rejects must be
rejected by minigrad with the same exception type. The PyTorch behaviour pinned here was
read from torch 2.13, which each comparison runs again.
"""
from __future__ import annotations

import numpy as np
import pytest


from differential import (MINE, both_raise, compare, contiguous, f64, is_contiguous, narrow,
                          needs_torch, select, shares_storage, storage_ptr, torch, unbind)

pytestmark = needs_torch

X = np.random.default_rng(11).standard_normal((2, 3))
W = np.random.default_rng(12).standard_normal((2, 3))


def _write_and_backward(idiom, requires_grad):
    """x (2, 3) -> y = x * 1 -> ``idiom(lib, x, y)`` -> y, and x.grad of sum(y * W)."""
    def program(lib):
        x = f64(lib, X, requires_grad)
        y = x * 1.0
        idiom(lib, x, y)
        out = {"y": y}
        if requires_grad:
            (y * f64(lib, W)).sum().backward()
            out["x.grad"] = x.grad
        return out
    return program


def _setitem(t, index, value):
    t[index] = value


def _iadd_on_index(lib, x, y):
    y[0, ::2] += 1.0


IDIOMS = {
    "y[0].mul_(2.0)": lambda lib, x, y: y[0].mul_(2.0),
    "y[0][1] = 7": lambda lib, x, y: _setitem(y[0], 1, 7.0),
    "y.view(-1)[:2].add_(1)": lambda lib, x, y: y.view(-1)[:2].add_(1),
    "y[:, 0].zero_()": lambda lib, x, y: y[:, 0].zero_(),
    "y.mT[0] = 0": lambda lib, x, y: _setitem(y.mT, 0, 0.0),
    "y.T[1].sub_(x[1, :2])": lambda lib, x, y: y.T[1].sub_(x[1, :2]),
    "y.transpose(0, 1)[2].div_(4)": lambda lib, x, y: y.transpose(0, 1)[2].div_(4),
    "y.unsqueeze(0)[0, 1].fill_(3)": lambda lib, x, y: y.unsqueeze(0)[0, 1].fill_(3.0),
    "y.reshape(3, 2)[1].copy_(x[0, 1:] * x[1, :2])":
        lambda lib, x, y: y.reshape(3, 2)[1].copy_(x[0, 1:] * x[1, :2]),
    "y[1:].clamp_(-0.5, 0.5)": lambda lib, x, y: y[1:].clamp_(-0.5, 0.5),
    "narrow(y, 1, 1, 2).mul_(x[:, :2])": lambda lib, x, y: narrow(y, 1, 1, 2).mul_(x[:, :2]),
    "select(y, 1, 2).add_(x[:, 0])": lambda lib, x, y: select(y, 1, 2).add_(x[:, 0]),
    "y[None, ..., 1:][0, 1].mul_(x[0, :2])":
        lambda lib, x, y: y[None, ..., 1:][0, 1].mul_(x[0, :2]),
    "y.view(3, 2).T.squeeze()[0].mul_(-1)":
        lambda lib, x, y: y.view(3, 2).T.squeeze()[0].mul_(-1.0),
    "y[0, ::2] += 1": _iadd_on_index,
    "y[[0, 1], [2, 0]] = 5": lambda lib, x, y: _setitem(y, ([0, 1], [2, 0]), 5.0),
    "y[y > 0.5] = 0": lambda lib, x, y: _setitem(y, y > 0.5, 0.0),
    "y[0][[0, 2]] = x[1, :2]": lambda lib, x, y: _setitem(y[0], [0, 2], x[1, :2]),
    "y[:, 1:][..., [1, 0]] = x[:, :2] * 2":
        lambda lib, x, y: _setitem(y[:, 1:], (Ellipsis, [1, 0]), x[:, :2] * 2),
    # advanced indexing copies: a write into the copy does not reach y
    "y[[0]].mul_(2) (a copy)": lambda lib, x, y: y[[0]].mul_(2.0),
    "y[[0]][0] = 1 (a copy)": lambda lib, x, y: _setitem(y[[0]], 0, 1.0),
    "y[y > 0].mul_(2) (a copy)": lambda lib, x, y: y[y > 0].mul_(2.0),
    "y.reshape(-1) of y.T then write (a copy)":
        lambda lib, x, y: y.T.reshape(-1).mul_(2.0),
}


@pytest.mark.parametrize("requires_grad", [True, False], ids=["grad", "no-grad"])
@pytest.mark.parametrize("idiom", list(IDIOMS))
def test_a_write_through_a_view_reaches_the_base_and_its_gradient(idiom, requires_grad):
    compare(_write_and_backward(IDIOMS[idiom], requires_grad), idiom)


def test_the_same_write_under_no_grad_gives_the_same_values():
    def program(lib):
        x = f64(lib, X, requires_grad=True)
        y = x * 1.0
        with lib.no_grad():
            y[0].mul_(2.0)
        z = x * 1.0
        z[0].mul_(2.0)
        return y, z
    compare(program)


def test_sibling_views_see_a_write_and_their_gradients_follow_it():
    def program(lib):
        x = f64(lib, X, requires_grad=True)
        y = x * 1.0
        row, cols, flat, expanded = y[0], y.T, y.view(6), y[:1].expand(3, 3)
        row.mul_(3.0)
        flat[4:].add_(x[0, :2])
        loss = (cols * f64(lib, W.T)).sum() + (flat * flat).sum() + expanded.sum()
        loss.backward()
        return {"y": y, "row": row, "cols": cols, "flat": flat, "expanded": expanded,
                "x.grad": x.grad}
    compare(program)


def test_a_write_through_the_base_shows_in_every_view():
    def program(lib):
        x = f64(lib, X, requires_grad=True)
        y = x * 1.0
        row, col = y[1], y[:, 2]
        y.mul_(x)
        (row.sum() + (col * col).sum()).backward()
        return row, col, x.grad
    compare(program)


def test_a_write_through_a_view_of_a_tensor_without_grad_takes_the_values_gradient():
    def program(lib):
        buffer = lib.zeros(2, 3, dtype=lib.float64)
        v = f64(lib, [1.0, 2.0, 3.0], requires_grad=True)
        buffer[1].copy_(v * 2)
        buffer[0, :2] = v[1:]
        (buffer * f64(lib, W)).sum().backward()
        return buffer, v.grad, buffer.requires_grad
    compare(program)


def test_views_of_views_share_one_base():
    def program(lib):
        y = f64(lib, X, requires_grad=True) * 1.0
        views = [y[0], y[0][1:], y.T[1:].T, y.view(3, 2)[1:].view(4), y.unsqueeze(0)[0],
                 y.expand(2, 2, 3)[1], narrow(y, 0, 1, 1), select(y, 1, 0), y[..., None]]
        return [v._base is y for v in views] + [y._base is None]
    compare(program)


def test_base_of_copies_and_of_a_leaf():
    def program(lib):
        x = f64(lib, X, requires_grad=True)
        y = x * 1.0
        return [x[0]._base is x, x.detach()._base is None, y[[0, 1]]._base is None,
                y[y > 0]._base is None, y.T.reshape(-1)._base is None,
                y.reshape(-1)._base is y, y.T.contiguous()._base is None,
                y.contiguous() is y, y[True]._base is None]
    compare(program)


def test_is_contiguous_and_contiguous():
    def program(lib):
        y = f64(lib, np.arange(24.0).reshape(2, 3, 4))
        cases = [y, y[0], y[:, 0], y[..., ::2], y[0].T, y.mT, y.permute(1, 0, 2), y[:, :1],
                 y[:1], y.unsqueeze(1), y[None], y[0, :, :1], y.expand(2, 2, 3, 4),
                 y[0, 0].expand(3, 4), y.transpose(0, 1)[:1], y[1:, :, 1:2]]
        flags = [v.is_contiguous() for v in cases]
        made = [contiguous(v) for v in cases]
        return flags, [m.is_contiguous() for m in made], made
    compare(program)


def test_contiguous_of_a_contiguous_tensor_is_itself():
    def program(lib):
        y = f64(lib, X)
        return y.contiguous() is y, y.T.contiguous() is y.T
    compare(program)


def test_data_ptr_of_a_view_and_of_a_copy():
    def program(lib):
        y = f64(lib, np.arange(6.0).reshape(2, 3))
        item = y.dtype.itemsize
        return [y[0].data_ptr() == y.data_ptr(), y[1].data_ptr() - y.data_ptr() == 3 * item,
                y[:, 2].data_ptr() - y.data_ptr() == 2 * item, y.T.data_ptr() == y.data_ptr(),
                y.clone().data_ptr() != y.data_ptr(), y[[0]].data_ptr() != y.data_ptr()]
    compare(program)


@pytest.mark.parametrize("make, is_view", [
    (lambda y: y[1], True), (lambda y: y[:, 1:], True), (lambda y: y.T, True),
    (lambda y: y.view(6), True), (lambda y: y.reshape(3, 2), True),
    (lambda y: y.T.reshape(6), False), (lambda y: y[[1]], False), (lambda y: y[y > 0], False),
    (lambda y: y.expand(4, 2, 3), True), (lambda y: y.detach(), True),
    (lambda y: y.clone(), False), (lambda y: y.split(1)[1], True),
    (lambda y: y.chunk(3, 1)[2], True),
    (lambda y: unbind(y, 1)[0], True), (lambda y: y.flatten(), True),
    (lambda y: y.T.flatten(), False),
], ids=["int", "slice", "T", "view", "reshape", "reshape of T", "list", "mask", "expand",
        "detach", "clone", "split", "chunk", "unbind", "flatten", "flatten of T"])
def test_which_results_share_memory(make, is_view):
    y = torch.tensor(X)
    assert shares_storage(make(y), y) == is_view  # what PyTorch does
    mine = MINE.tensor(X)
    assert shares_storage(make(mine), mine) == is_view


# --- errors ------------------------------------------------------------------------------
def test_exp_output_changed_in_place_refuses_backward():
    def program(lib):
        x = f64(lib, X, requires_grad=True)
        y = x.exp()
        y.mul_(2)
        y.sum().backward()
    both_raise(program, RuntimeError, "modified by an inplace operation")


@pytest.mark.parametrize("change", [
    lambda y: y[0].mul_(2),                 # through a view
    lambda y: y.T.add_(1),
    lambda y: y.detach().zero_(),           # detach shares the version counter
    lambda y: _setitem(y.view(6), [0], 1.0),
])
def test_saved_output_changed_through_a_view_refuses_backward(change):
    def program(lib):
        x = f64(lib, X, requires_grad=True)
        y = x.sigmoid()
        change(y)
        y.sum().backward()
    both_raise(program, RuntimeError, "modified by an inplace operation")


def test_saved_input_changed_through_a_sibling_view_refuses_backward():
    def program(lib):
        x = f64(lib, X, requires_grad=True)
        y = x * 1.0
        z = y[1] * y[1]            # saves the view y[1]
        y[1:, :1].add_(1)          # a sibling view bumps the shared counter
        z.sum().backward()
    both_raise(program, RuntimeError, "modified by an inplace operation")


def test_multiplying_a_view_by_a_sibling_view_refuses_backward():
    # mul_ saves the other operand; the write bumps the counter it shares with it
    def program(lib):
        y = f64(lib, X, requires_grad=True) * 1.0
        y[1].mul_(y[0])
        y.sum().backward()
    both_raise(program, RuntimeError, "modified by an inplace operation")


def test_a_write_backward_does_not_need_is_fine():
    def program(lib):
        x = f64(lib, X, requires_grad=True)
        y = x * 1.0
        z = y * 2.0                # saves no tensor
        s = y.sum()
        y[0].add_(1)
        (z.sum() + s).backward()
        return y, z, x.grad
    compare(program)


@pytest.mark.parametrize("write", [
    lambda v: v.mul_(2), lambda v: v.zero_(), lambda v: _setitem(v, 0, 1.0),
    lambda v: v.add_(1), lambda v: _setitem(v, [0], 1.0),
])
@pytest.mark.parametrize("view", [lambda x: x[0], lambda x: x.T, lambda x: x.view(6),
                                  lambda x: x[:, 1:], lambda x: x.unsqueeze(0)])
def test_a_view_of_a_leaf_that_requires_grad_refuses_in_place(view, write):
    def program(lib):
        write(view(f64(lib, X, requires_grad=True)))
    both_raise(program, RuntimeError, "leaf")


def test_a_view_of_a_leaf_can_be_written_under_no_grad():
    def program(lib):
        x = f64(lib, X, requires_grad=True)
        with lib.no_grad():
            x[0].mul_(2.0)
            x.T[0] = 5.0
        (x * f64(lib, W)).sum().backward()
        return x, x.grad
    compare(program)


def test_leaf_itself_refuses_in_place():
    both_raise(lambda lib: f64(lib, X, requires_grad=True).mul_(2), RuntimeError, "leaf")


@pytest.mark.parametrize("write", [
    lambda e: e.mul_(2), lambda e: e.add_(1), lambda e: e.copy_(e * 0 + 1),
    lambda e: e[:, 0].mul_(2), lambda e: _setitem(e, (slice(None), 0), 5.0),
    lambda e: e.clamp_(-1, 1),
], ids=["mul_", "add_", "copy_", "column mul_", "column setitem", "clamp_"])
@pytest.mark.parametrize("requires_grad", [True, False], ids=["grad", "no-grad"])
def test_in_place_on_an_expanded_tensor_raises(write, requires_grad):
    def program(lib):
        base = f64(lib, [1.0, 2.0, 3.0], requires_grad) * 1.0
        write(base.expand(2, 3))
    both_raise(program, RuntimeError, "memory location")


def test_fill_and_row_writes_on_an_expanded_tensor_are_allowed():
    # PyTorch checks internal overlap for arithmetic and copy_, not for fill_/zero_, and a
    # row of an expanded tensor does not overlap itself
    def program(lib):
        base = f64(lib, [1.0, 2.0, 3.0])
        e = base.expand(2, 3)
        e[1].add_(f64(lib, [10.0, 20.0, 30.0]))
        first = base.clone()
        e.fill_(4.0)
        second = base.clone()
        e.zero_()
        return first, second, base, e
    compare(program)


def test_split_chunk_unbind_outputs_refuse_in_place_in_grad_mode():
    for make in (lambda y: y.split(1), lambda y: y.chunk(2, 1), lambda y: unbind(y)):
        def program(lib, make=make):
            y = f64(lib, X, requires_grad=True) * 1.0
            make(y)[0].mul_(2.0)
        both_raise(program, RuntimeError, "multiple views")

    def program(lib):  # a view of such an output too
        y = f64(lib, X, requires_grad=True) * 1.0
        y.split(1)[0][0].mul_(2.0)
    both_raise(program, RuntimeError, "multiple views")


def test_split_outputs_can_be_written_under_no_grad_or_without_grad():
    def program(lib):
        y = f64(lib, X, requires_grad=True) * 1.0
        with lib.no_grad():
            y.split(1)[0].mul_(2.0)
            unbind(y, 1)[2].zero_()
        z = f64(lib, X)
        z.chunk(3, 1)[1].add_(1.0)
        return y, z
    compare(program)


def test_a_view_made_under_no_grad_refuses_in_place_in_grad_mode():
    def program(lib):
        y = f64(lib, X, requires_grad=True) * 1.0
        with lib.no_grad():
            v = y[0]
        v.mul_(2.0)
    both_raise(program, RuntimeError, "no_grad")


@pytest.mark.parametrize("shape_of, make", [
    ((2, 3), lambda y: y.T.view(6)),
    ((2, 3), lambda y: y.T.view(-1)),
    ((2, 3, 4), lambda y: y.permute(2, 0, 1).view(2, 12)),
    ((2, 3, 4), lambda y: y[:, :2].view(16)),
    ((2, 3, 4), lambda y: y.transpose(0, 1).view(6, 4)),
])
def test_view_of_incompatible_strides_asks_for_reshape(shape_of, make):
    def program(lib):
        make(f64(lib, np.zeros(shape_of)))
    both_raise(program, RuntimeError, r"(?i)use \.reshape\(\.\.\.\) instead")


def test_view_where_strides_allow_and_reshape_always():
    def program(lib):
        y = f64(lib, np.arange(24.0).reshape(2, 3, 4), requires_grad=True) * 1.0
        views = [y.T.view(4, 3, 2), y[:, :2].view(2, 8), y[:, 1].view(2, 2, 2),
                 y.transpose(1, 2).view(2, 4, 3), y[:1].view(3, 4),
                 y.permute(1, 0, 2).view(3, 2, 2, 2)]
        reshaped = [y.T.reshape(24), y[:, :2].reshape(16), y.permute(2, 0, 1).reshape(4, 6)]
        views[1].mul_(2.0)
        reshaped[0].add_(1.0)    # a copy: does not reach y
        loss = sum((v * v).sum() for v in views + reshaped)
        loss.backward()
        return views, reshaped, y, [v._base is y for v in views]
    compare(program)


@pytest.mark.parametrize("index", [slice(None, None, -1), (slice(None), slice(2, 0, -1)),
                                   (0, slice(None, None, -2))])
def test_negative_step_raises(index):
    both_raise(lambda lib: f64(lib, X)[index], ValueError, "step")


def test_zero_step_raises():
    both_raise(lambda lib: f64(lib, X)[::0], ValueError, "step")


# --- double backward through a write into a view ------------------------------------------
def _copy_slices_program(create_graph_via):
    def program(lib):
        x = f64(lib, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        y = x * 1.0
        y[0].mul_(x[1])
        y[:, 1:].T[0] = x[0, :2] ** 2
        loss = (y ** 2 * f64(lib, W)).sum()
        if create_graph_via == "grad":
            (g,) = lib.autograd.grad(loss, x, create_graph=True)
        else:
            loss.backward(create_graph=True)
            g = x.grad
            x.grad = None
        (gg,) = lib.autograd.grad((g * f64(lib, W[::-1].copy())).sum(), x)
        return y, g, gg
    return program


@pytest.mark.parametrize("via", ["grad", "backward"])
def test_double_backward_through_copy_slices(via):
    compare(_copy_slices_program(via))


def test_double_backward_through_a_view_write_of_a_view_of_a_view():
    def program(lib):
        x = f64(lib, X, requires_grad=True)
        y = x.exp()
        z = y * 1.0
        z.view(3, 2)[1:].T[0].mul_(y[0, :2])
        z[1].mul_(y[1])
        (g,) = lib.autograd.grad((z ** 3).sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), x)
        return z, g, gg
    compare(program, rtol=1e-8)


def test_data_ptr_identity_in_storage_helper():
    # the helper used by the differential suites says "view" exactly when PyTorch's
    # untyped storage is shared, and sees through minigrad's views
    y = MINE.tensor(X)
    assert storage_ptr(y[1]) == storage_ptr(y) and storage_ptr(y.clone()) != storage_ptr(y)
    assert is_contiguous(y) and not is_contiguous(y.T)


def test_a_view_made_under_no_grad_of_a_tensor_that_requires_grad_requires_grad():
    # PyTorch: such a view has requires_grad=True, no grad_fn, and is a leaf; gradients
    # reaching it stop there (they go to its own .grad, not to the base)
    def program(lib):
        x = f64(lib, X, requires_grad=True)
        y = x * 1.0
        with lib.no_grad():
            a, b, c, d, e = x[0], y[0], y.T, y * 2, x.reshape(-1)
        flags = [(v.requires_grad, v.grad_fn is None, v.is_leaf) for v in (a, b, c, d, e)]
        ((a * f64(lib, W[0])).sum() + (e * 3.0).sum() + x.sum()).backward()
        return flags, x.grad, a.grad, e.grad
    compare(program)


@pytest.mark.parametrize("write", [
    lambda v: _setitem(v, Ellipsis, 7.0), lambda v: _setitem(v, (), 7.0), lambda v: v.fill_(7.0),
    lambda v: v.mul_(0.5),
], ids=["v[...] = 7", "v[()] = 7", "fill_", "mul_"])
def test_a_write_into_a_0d_view_then_base_and_view_both_used(write):
    def program(lib):
        x = f64(lib, X, requires_grad=True)
        y = x * 1.0
        v = y[0, 1]
        write(v)
        ((y * f64(lib, W)).sum() + v * 5.0).backward()
        return y, v, x.grad
    compare(program)
