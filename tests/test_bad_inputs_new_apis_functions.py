"""Wrong and unusual calls of the top-level functions added lately (the in-place functions,
the ``*_copy`` functions, the aten spellings), against PyTorch: both raise the same
exception type, or both return the same values, dtype, shape and requires_grad."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from differential import all_agree, compare

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")

# --- the inputs: a value that is not a tensor, or an unusual tensor ------------------------
INPUTS = {
    "list": lambda L: [0.5, 1.5],
    "ndarray": lambda L: np.array([0.5, 1.5], np.float32),
    "float": lambda L: 0.5,
    "None": lambda L: None,
    "str": lambda L: "x",
    "int64": lambda L: L.tensor([1, 2, 3]),
    "uint8": lambda L: L.tensor([1, 2, 3], dtype=L.uint8),
    "bool": lambda L: L.tensor([True, False]),
    "float16": lambda L: L.tensor([0.5, 1.5], dtype=L.float16),
    "float64": lambda L: L.tensor([0.25, 0.75], dtype=L.float64),
    "empty": lambda L: L.ones(0, 3),
    "0-d": lambda L: L.tensor(0.5),
    "leaf requiring grad": lambda L: L.tensor([0.5, 0.25], requires_grad=True),
    "non-leaf": lambda L: L.tensor([0.5, 0.25], requires_grad=True) * 1,
    "nan and inf": lambda L: L.tensor([NAN, INF, -INF, 0.5, -0.5]),
}

UNARY_INPLACE = ["abs_", "acos_", "acosh_", "arccos_", "arcsin_", "arcsinh_", "arctan_",
                 "arctanh_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "cos_", "cosh_",
                 "deg2rad_", "erf_", "erfc_", "exp2_", "exp_", "expm1_", "fix_", "floor_",
                 "frac_", "i0_", "log10_", "log1p_", "log2_", "log_", "neg_", "negative_",
                 "rad2deg_", "reciprocal_", "relu_", "round_", "rsqrt_", "sigmoid_", "sin_",
                 "sinc_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "zero_",
                 "conj_physical_", "detach_", "logit_", "nan_to_num_"]


def _in_place(name, make, *args, **kwargs):
    def program(L):
        x = make(L)
        out = getattr(L, name)(x, *args(L), **kwargs)
        assert out is x
        return x
    return program


@pytest.mark.parametrize("name", UNARY_INPLACE)
def test_unary_in_place_functions_on_bad_inputs(name):
    programs = {f"{name}({kind})": _in_place(name, make, lambda L: ())
                for kind, make in INPUTS.items()}
    all_agree(programs, rtol=1e-6, atol=1e-6)


def _t(values, dtype=None):
    return lambda L: L.tensor(values, dtype=None if dtype is None else getattr(L, dtype))


OTHER_INPLACE = {
    "clamp_ no bounds": ("clamp_", _t([0.5, 2.0]), lambda L: ()),
    "clamp_ min > max": ("clamp_", _t([0.5, 2.0]), lambda L: (1.0, 0.0)),
    "clamp_ tensor bounds of another shape": ("clamp_", _t([0.5, 2.0]),
                                              lambda L: (L.zeros(3),)),
    "clamp_ int by float": ("clamp_", _t([1, 5]), lambda L: (0.5, 2.5)),
    "clamp_ nan bound": ("clamp_", _t([1.0, 5.0]), lambda L: (NAN,)),
    "clamp_min_ str": ("clamp_min_", _t([1.0]), lambda L: ("a",)),
    "clamp_max_ tensor broadcast to bigger": ("clamp_max_", _t([1.0]),
                                              lambda L: (L.zeros(3),)),
    "clip_ float64 bound on float32": ("clip_", _t([1.0, 3.0]),
                                       lambda L: (L.tensor(2.0, dtype=L.float64),)),
    "fill_ with 1-d tensor": ("fill_", _t([1.0, 3.0]), lambda L: (L.ones(2),)),
    "fill_ with 0-d tensor": ("fill_", _t([1.0, 3.0]), lambda L: (L.tensor(7),)),
    "fill_ int with float": ("fill_", _t([1, 3]), lambda L: (2.7,)),
    "fill_ bool with 2": ("fill_", _t([True]), lambda L: (2,)),
    "fill_ with None": ("fill_", _t([1.0]), lambda L: (None,)),
    "gcd_ of floats": ("gcd_", _t([4.0]), lambda L: (L.tensor([6.0]),)),
    "gcd_ broadcast to bigger": ("gcd_", _t([4]), lambda L: (L.tensor([6, 8]),)),
    "gcd_ int and float": ("gcd_", _t([4]), lambda L: (L.tensor([6.0]),)),
    "gcd_ int32 and int64": ("gcd_", _t([4], "int32"), lambda L: (L.tensor([6]),)),
    "lcm_ negative": ("lcm_", _t([-4, 0]), lambda L: (L.tensor([6, 3]),)),
    "lcm_ with number": ("lcm_", _t([4]), lambda L: (6,)),
    "ldexp_ int input": ("ldexp_", _t([1, 2]), lambda L: (L.tensor([1, 2]),)),
    "ldexp_ float exponent": ("ldexp_", _t([1.0, 2.0]), lambda L: (L.tensor([0.5, 2.0]),)),
    "ldexp_ wrong shape": ("ldexp_", _t([1.0, 2.0]), lambda L: (L.tensor([1, 2, 3]),)),
    "xlogy_ zero and nan": ("xlogy_", _t([0.0, 0.0, 1.0]),
                            lambda L: (L.tensor([0.0, NAN, -1.0]),)),
    "xlogy_ number": ("xlogy_", _t([2.0]), lambda L: (3,)),
    "xlogy_ int input": ("xlogy_", _t([2]), lambda L: (L.tensor([3]),)),
    "round_ decimals": ("round_", _t([1.2345, -2.5]), lambda L: (), {"decimals": 2}),
    "round_ decimals on int": ("round_", _t([12, 25]), lambda L: (), {"decimals": -1}),
    "logit_ eps": ("logit_", _t([0.0, 0.5, 1.0]), lambda L: (0.1,)),
    "logit_ eps > 0.5": ("logit_", _t([0.0, 0.5, 1.0]), lambda L: (0.7,)),
    "nan_to_num_ values": ("nan_to_num_", _t([NAN, INF, -INF]), lambda L: (1.0, 2.0, -2.0)),
    "nan_to_num_ int": ("nan_to_num_", _t([1, 2]), lambda L: (1.0,)),
    "addmv_": ("addmv_", _t([1.0, 2.0]), lambda L: (L.ones(2, 3), L.ones(3))),
    "addmv_ wrong vec": ("addmv_", _t([1.0, 2.0]), lambda L: (L.ones(2, 3), L.ones(4))),
    "addmv_ broadcast self": ("addmv_", _t([1.0]), lambda L: (L.ones(2, 3), L.ones(3))),
    "addmv_ 3-d mat": ("addmv_", _t([1.0, 2.0]), lambda L: (L.ones(1, 2, 3), L.ones(3))),
    "addmv_ beta alpha": ("addmv_", _t([1.0, 2.0]), lambda L: (L.ones(2, 3), L.ones(3)),
                          {"beta": 0.5, "alpha": 2}),
    "addmv_ int and float": ("addmv_", _t([1, 2]), lambda L: (L.ones(2, 3), L.ones(3))),
    "resize_as_ bigger": ("resize_as_", _t([1.0, 2.0]), lambda L: (L.ones(2, 2),)),
    "resize_as_ list": ("resize_as_", _t([1.0, 2.0]), lambda L: ([1.0],)),
    "resize_as_ smaller": ("resize_as_", _t([1.0, 2.0, 3.0]), lambda L: (L.ones(2),)),
}


def test_in_place_functions_with_arguments():
    programs = {}
    for name, spec in OTHER_INPLACE.items():
        op, make, args = spec[:3]
        kwargs = spec[3] if len(spec) > 3 else {}
        programs[name] = _in_place(op, make, args, **kwargs)
        programs[name + " on a leaf"] = _in_place(
            op, lambda L, make=make: make(L).float().requires_grad_(), args, **kwargs)
        programs[name + " given a list"] = _in_place(op, lambda L: [1.0], args, **kwargs)
    all_agree(programs, rtol=1e-6, atol=1e-6)


# --- the *_copy functions ---------------------------------------------------------------
def _x(L):
    return L.arange(24.0).reshape(2, 3, 4)


COPY_CALLS = {
    "view_copy": [((-1,),), ((5, -1),), ((-1, -1),), ((0,),), ((2, 12),), ((-2, 12),),
                  (None,), ("a",), ((2.0, 12),), (torch.Size([4, 6]),), ((24,),)],
    "permute_copy": [((0, 1),), ((0, 1, 1),), ((0, 1, 3),), ((2, 0, -2),), ((-1, -2, -3),),
                     ((0, 1, 2, 3),), (None,)],
    "transpose_copy": [(0, 3), (-4, 0), (1, 1), (-1, 0), (0.5, 1)],
    "t_copy": [()],
    "expand_copy": [((2, 3, 4),), ((3, 3, 4),), ((-1, 6, 3, 4),), ((2, -1, -1),),
                    ((1, 3, 4),), ((2, 3),), ((-1, 2, 3, 4),), ((0, 2, 3, 4),)],
    "squeeze_copy": [(), (0,), (3,), ((0, 1),), ((0, 5),), (-4,)],
    "unsqueeze_copy": [(3,), (4,), (-4,), (-5,), (None,), (1.0,)],
    "select_copy": [(0, 2), (0, -2), (3, 0), (1, -3), (1, 3), (2, 1.0)],
    "slice_copy": [(0, 0, 5), (1, -10, 10), (2, 3, 1), (0, None, None, 0), (0, None, None, -1),
                   (3,), (1, 0, 3, 2), (-1, 1, None, 3)],
    "diagonal_copy": [(), (5,), (-5,), (0, 0, 0), (0, 0, 3), (1, 1, 2), (0, -1, -2)],
    "detach_copy": [()],
    "alias_copy": [()],
    "unfold_copy": [(0, 1, 1), (2, 5, 1), (2, 4, 0), (2, 2, -1), (3, 1, 1), (2, 0, 1),
                    (2, 2, 3), (-1, 3, 1)],
    "as_strided_copy": [((2, 2), (1, 1)), ((5, 5), (5, 1)), ((2,), (-1,)), ((2, 2), (1,)),
                        ((2,), (1,), 30), ((2,), (1,), -1)],
    "unbind_copy": [(), (2,), (3,), (-4,)],
    "split_copy": [(2,), (0,), (-1,), (5, 2), (1, 3)],
    "split_with_sizes_copy": [((1, 1),), ((1, 2),), ((1, 2), 1), ((0, 3), 1), ((-1, 4), 1),
                              ((4, 0), 2), ((2.0, 2), 2)],
}


def _copy_program(name, args, make=_x):
    return lambda L: getattr(L, name)(make(L), *args)


def test_copy_functions_with_bad_arguments():
    programs = {f"{name}{args}": _copy_program(name, args)
                for name, calls in COPY_CALLS.items() for args in calls}
    all_agree(programs)


@pytest.mark.parametrize("kind", sorted(set(INPUTS) - {"nan and inf"}))
def test_copy_functions_of_unusual_inputs(kind):
    firsts = {"view_copy": ((-1,),), "permute_copy": ((0,),), "t_copy": (),
              "expand_copy": ((2, 2),), "squeeze_copy": (), "unsqueeze_copy": (0,),
              "select_copy": (0, 0), "slice_copy": (0, 0, 1), "diagonal_copy": (),
              "alias_copy": (), "unfold_copy": (0, 1, 1),
              "unbind_copy": (), "split_copy": (1,), "split_with_sizes_copy": ((1,),),
              "transpose_copy": (0, -1), "as_strided_copy": ((1,), (1,))}
    programs = {f"{name}({kind})": _copy_program(name, args, INPUTS[kind])
                for name, args in firsts.items()}
    # minigrad's detach_copy is detached; PyTorch's requires grad without a derivative
    programs["detach_copy"] = lambda L: L.detach_copy(INPUTS[kind](L)).detach()
    all_agree(programs)


def test_as_strided_scatter_bad_arguments():
    src = {"right": lambda L: L.ones(2, 2), "wrong shape": lambda L: L.ones(3),
           "int64": lambda L: L.ones(2, 2, dtype=L.int64), "list": lambda L: [[1.0, 1.0]]}
    programs = {f"as_strided_scatter {s} {size} {stride}": (
        lambda L, s=s, size=size, stride=stride: L.as_strided_scatter(
            L.zeros(3, 3), src[s](L), size, stride))
        for s in src for size, stride in [((2, 2), (3, 1)), ((2, 2), (1,)), ((4, 4), (3, 1))]}
    all_agree(programs)


@given(shape=st.lists(st.integers(0, 3), min_size=0, max_size=3),
       size=st.lists(st.integers(-2, 4), min_size=0, max_size=4))
def test_view_and_expand_copy_of_random_sizes(shape, size):
    for name in ("view_copy", "expand_copy"):
        compare(lambda L: getattr(L, name)(L.ones(*shape), size), f"{name}{shape}->{size}")
