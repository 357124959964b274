"""PyTorch's top-level in-place functions: ``torch.relu_(x)`` is ``x.relu_()``.

Each function here takes the tensor as its first argument (``input``, by position or by
name) and calls the `Tensor` method of the same name with the other arguments, so it
writes into ``input``, returns ``input`` itself, and refuses a leaf that requires grad in
grad mode, exactly as the method does. A first argument that is not a tensor raises
``TypeError``, as in PyTorch.

The names: ``abs_``, ``acos_``, ``acosh_``, ``addmv_``, ``arccos_``, ``arccosh_``,
``arcsin_``, ``arcsinh_``, ``arctan_``, ``arctanh_``, ``asin_``, ``asinh_``, ``atan_``,
``atanh_``, ``ceil_``, ``clamp_``, ``clamp_max_``, ``clamp_min_``, ``clip_``,
``conj_physical_``, ``cos_``, ``cosh_``, ``deg2rad_``, ``detach_``, ``erf_``, ``erfc_``,
``exp2_``, ``exp_``, ``expm1_``, ``fill_``, ``fix_``, ``floor_``, ``frac_``, ``gcd_``,
``i0_``, ``lcm_``, ``ldexp_``, ``log10_``, ``log1p_``, ``log2_``, ``log_``, ``logit_``,
``nan_to_num_``, ``neg_``, ``negative_``, ``rad2deg_``, ``reciprocal_``, ``relu_``,
``resize_as_``, ``round_``, ``rsqrt_``, ``sigmoid_``, ``sin_``, ``sinc_``, ``sinh_``,
``sqrt_``, ``square_``, ``tan_``, ``tanh_``, ``trunc_``, ``xlogy_`` and ``zero_``.

The in-place activations (``celu_``, ``selu_``, ``rrelu_``, ``threshold_``) are those of
`minigrad.nn.functional`; the in-place dropouts and ``embedding_renorm_``, which have no
method, are in `minigrad.aten_spellings`.
"""
from __future__ import annotations

from typing import Any, Callable

from .tensor import Tensor
from .tensor_args import type_name


def _method_spelling(name: str) -> Callable[..., Tensor]:
    """The function ``name(input, *args, **kwargs)``: ``input.name(*args, **kwargs)``."""

    def function(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                            f"{type_name(input)}")
        return getattr(input, name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``input.{name}(...)``: `Tensor.{name}` as a function."
    return function


abs_ = _method_spelling("abs_")
acos_ = _method_spelling("acos_")
acosh_ = _method_spelling("acosh_")
addmv_ = _method_spelling("addmv_")
arccos_ = _method_spelling("arccos_")
arccosh_ = _method_spelling("arccosh_")
arcsin_ = _method_spelling("arcsin_")
arcsinh_ = _method_spelling("arcsinh_")
arctan_ = _method_spelling("arctan_")
arctanh_ = _method_spelling("arctanh_")
asin_ = _method_spelling("asin_")
asinh_ = _method_spelling("asinh_")
atan_ = _method_spelling("atan_")
atanh_ = _method_spelling("atanh_")
ceil_ = _method_spelling("ceil_")
clamp_ = _method_spelling("clamp_")
clamp_max_ = _method_spelling("clamp_max_")
clamp_min_ = _method_spelling("clamp_min_")
clip_ = _method_spelling("clip_")
conj_physical_ = _method_spelling("conj_physical_")
cos_ = _method_spelling("cos_")
cosh_ = _method_spelling("cosh_")
deg2rad_ = _method_spelling("deg2rad_")
detach_ = _method_spelling("detach_")
erf_ = _method_spelling("erf_")
erfc_ = _method_spelling("erfc_")
exp2_ = _method_spelling("exp2_")
exp_ = _method_spelling("exp_")
expm1_ = _method_spelling("expm1_")
fill_ = _method_spelling("fill_")
fix_ = _method_spelling("fix_")
floor_ = _method_spelling("floor_")
frac_ = _method_spelling("frac_")
gcd_ = _method_spelling("gcd_")
i0_ = _method_spelling("i0_")
lcm_ = _method_spelling("lcm_")
ldexp_ = _method_spelling("ldexp_")
log10_ = _method_spelling("log10_")
log1p_ = _method_spelling("log1p_")
log2_ = _method_spelling("log2_")
log_ = _method_spelling("log_")
logit_ = _method_spelling("logit_")
nan_to_num_ = _method_spelling("nan_to_num_")
neg_ = _method_spelling("neg_")
negative_ = _method_spelling("negative_")
rad2deg_ = _method_spelling("rad2deg_")
reciprocal_ = _method_spelling("reciprocal_")
relu_ = _method_spelling("relu_")
resize_as_ = _method_spelling("resize_as_")
round_ = _method_spelling("round_")
rsqrt_ = _method_spelling("rsqrt_")
sigmoid_ = _method_spelling("sigmoid_")
sin_ = _method_spelling("sin_")
sinc_ = _method_spelling("sinc_")
sinh_ = _method_spelling("sinh_")
sqrt_ = _method_spelling("sqrt_")
square_ = _method_spelling("square_")
tan_ = _method_spelling("tan_")
tanh_ = _method_spelling("tanh_")
trunc_ = _method_spelling("trunc_")
xlogy_ = _method_spelling("xlogy_")
zero_ = _method_spelling("zero_")
