"""The ops a fuzzed program is made of, as text templates.

Each generator takes the random source ``r`` and the PyTorch tensor ``t`` that a live
variable holds (its shape and dtype decide which arguments make sense), and returns
``(tag, expression)`` with ``X`` standing for the variable's name, or None when the op
does not fit. The tag names the op in the mismatch buckets. Arguments are drawn mostly
valid, sometimes out of range, so both libraries' refusals get compared too.
"""
from __future__ import annotations

import random
from typing import Any, Callable

FLOATS = ["float16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]
DTYPES = ["bool"] + INTS + FLOATS

UNARY = ["abs", "neg", "exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu",
         "floor", "ceil", "round", "trunc", "sign", "reciprocal", "rsqrt", "square", "log1p",
         "expm1", "erf", "erfc", "frac", "bitwise_not", "logical_not", "isnan", "isinf",
         "isfinite", "signbit", "exp2", "log2", "log10", "asin", "acos", "atan", "sinh",
         "cosh", "asinh", "acosh", "atanh", "sgn", "nan_to_num", "positive", "deg2rad",
         "lgamma", "digamma", "erfinv", "logit", "sinc", "i0", "isposinf", "isneginf",
         "isreal", "angle", "fix", "negative", "absolute", "rad2deg", "arctan"]
BINARY = ["add", "sub", "mul", "div", "true_divide", "floor_divide", "remainder", "fmod",
          "pow", "atan2", "maximum", "minimum", "fmax", "fmin", "eq", "ne", "lt", "le", "gt",
          "ge", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or",
          "bitwise_xor", "hypot", "copysign", "xlogy", "bitwise_left_shift",
          "bitwise_right_shift", "nextafter", "ldexp", "float_power", "logaddexp", "isclose",
          "heaviside", "rsub"]  # (no gcd/lcm: PyTorch's lcm(INT_MIN, -1) dies of SIGFPE)
OPERATORS = ["+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "<<", ">>", "==", "<", ">="]
REDUCTIONS = ["sum", "mean", "prod", "amax", "amin", "std", "var", "logsumexp", "all", "any",
              "nansum", "nanmean", "count_nonzero", "norm", "argmax", "argmin", "max", "min",
              "median", "nanmedian", "mode", "std_mean", "var_mean", "aminmax"]
ACTIVATIONS = ["relu", "gelu", "silu", "softplus", "elu", "leaky_relu", "hardtanh", "mish",
               "hardswish", "hardsigmoid", "logsigmoid", "softsign", "relu6", "celu", "selu",
               "tanhshrink", "softshrink", "hardshrink", "sigmoid", "tanh", "rrelu"]
LOSSES = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
          "binary_cross_entropy_with_logits", "kl_div", "soft_margin_loss",
          "poisson_nll_loss", "cosine_similarity", "pairwise_distance", "gaussian_nll_loss"]


def _dim(r: random.Random, t: Any, wrong: bool = True) -> int:
    n = max(t.ndim, 1)
    if wrong and r.random() < 0.05:
        return r.choice([n, -n - 1])
    return r.randrange(-n, n)


def _dtype(r: random.Random) -> str:
    return "lib." + r.choice(DTYPES)


def _scalar(r: random.Random) -> str:
    return r.choice(["2", "-1", "0", "3", "0.5", "-2.5", "True", "1e30", "float('nan')",
                     "float('inf')", "-0.0", "7"])


def unary(r: random.Random, t: Any) -> tuple[str, str]:
    op = r.choice(UNARY)
    if r.random() < 0.5:
        return op, f"lib.{op}(X)"
    return op, f"X.{op}()"


def binary(r: random.Random, t: Any, other: str) -> tuple[str, str]:
    op = r.choice(BINARY)
    if op in ("div",) and r.random() < 0.5:
        mode = r.choice(["'trunc'", "'floor'", "None"])
        return f"div[{mode}]", f"lib.div(X, {other}, rounding_mode={mode})"
    if op == "isclose":
        return op, f"lib.isclose(X, {other}, equal_nan={r.choice([True, False])})"
    return op, f"lib.{op}(X, {other})"


def operator(r: random.Random, t: Any, other: str) -> tuple[str, str]:
    op = r.choice(OPERATORS)
    if r.random() < 0.2:
        return "r" + op, f"({other} {op} X)"
    return op, f"(X {op} {other})"


def reduction(r: random.Random, t: Any) -> tuple[str, str]:
    op = r.choice(REDUCTIONS)
    args = []
    form = r.random()
    if op in ("median", "nanmedian", "mode") and form < 0.3 and op != "mode":
        return op, f"X.{op}()"
    if form < 0.25 and op not in ("mode",):
        pass  # over everything
    elif form < 0.4 and op in ("sum", "mean", "amax", "amin", "std", "var", "logsumexp",
                               "nansum", "nanmean", "count_nonzero", "norm", "std_mean",
                               "var_mean") and t.ndim >= 2:
        dims = r.sample(range(t.ndim), r.randint(1, t.ndim))
        args.append(f"dim={tuple(dims)!r}")
    else:
        args.append(f"dim={_dim(r, t)}" if op != "count_nonzero" else f"{_dim(r, t)}")
    if op not in ("count_nonzero",) and args and r.random() < 0.5:
        args.append(f"keepdim={r.choice([True, False])}")
    if op in ("sum", "mean", "prod", "nansum", "nanmean") and r.random() < 0.3:
        args.append(f"dtype={_dtype(r)}")
    if op in ("std", "var", "std_mean", "var_mean") and r.random() < 0.5:
        args.append(f"correction={r.choice([0, 1, 2])}")
    if op == "norm" and r.random() < 0.5:
        args.insert(0, "p=" + str(r.choice([1, 2, 3, "float('inf')", 0, -1])))
    if op == "logsumexp" and not args:
        args.append("dim=0")
    if op == "aminmax" and args and not args[0].startswith("dim"):
        args = []
    return op, f"lib.{op}(X{''.join(', ' + a for a in args)})"


def cumulative(r: random.Random, t: Any) -> tuple[str, str]:
    op = r.choice(["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "diff"])
    extra = f", dtype={_dtype(r)}" if op in ("cumsum", "cumprod") and r.random() < 0.3 else ""
    if op == "diff":
        return op, f"lib.diff(X, n={r.choice([1, 2])}, dim={_dim(r, t)})"
    return op, f"lib.{op}(X, {_dim(r, t)}{extra})"


def sorting(r: random.Random, t: Any, ties: bool) -> tuple[str, str]:
    op = r.choice(["sort", "argsort", "topk", "kthvalue", "msort", "unique", "searchsorted"])
    d = _dim(r, t)
    size = t.shape[d] if t.ndim and -t.ndim <= d < t.ndim else 1
    # among ties the order of the indices is not pinned down: compare values only
    pick = "[0]" if ties else ""
    if op == "sort":
        return op, f"lib.sort(X, dim={d}, descending={r.choice([True, False])}, " \
                   f"stable={r.choice([True, False])}){pick}"
    if op == "argsort":
        if ties:
            return "sort", f"lib.sort(X, dim={d}, stable=True)"
        return op, f"lib.argsort(X, dim={d}, descending={r.choice([True, False])})"
    if op == "topk":
        k = r.randint(0, size + (1 if r.random() < 0.1 else 0))
        return op, f"lib.topk(X, {k}, dim={d}, largest={r.choice([True, False])}){pick}"
    if op == "kthvalue":
        k = r.randint(1 if r.random() < 0.95 else 0, max(size, 1))
        return op, f"lib.kthvalue(X, {k}, dim={d}, keepdim={r.choice([True, False])}){pick}"
    if op == "unique":
        return op, f"lib.unique(X, sorted=True, return_inverse={r.choice([True, False])}, " \
                   f"return_counts={r.choice([True, False])})"
    if op == "searchsorted":
        return op, "lib.searchsorted(lib.sort(X.flatten())[0], X.flatten()[:3], " \
                   f"right={r.choice([True, False])})"
    return op, "lib.msort(X)"


def view(r: random.Random, t: Any) -> tuple[str, str] | None:
    n, shape = t.ndim, tuple(t.shape)
    op = r.choice(["view", "reshape", "transpose", "permute", "expand", "narrow", "unfold",
                   "as_strided", "diagonal", "T", "mT", "squeeze", "unsqueeze", "flatten",
                   "movedim", "select", "t", "contiguous", "flip", "roll", "repeat", "tile",
                   "tril", "triu", "view_dtype", "unflatten", "swapaxes", "ravel", "clone",
                   "detach", "H", "real", "split_first", "chunk_last", "unbind_first"])
    numel = t.numel()
    if op in ("view", "reshape"):
        target = r.choice([(-1,), (numel,), shape[::-1], (1,) + shape, (-1, 1)])
        if r.random() < 0.1:
            target = (numel + 1,)
        return op, f"X.{op}{target!r}"
    if op in ("transpose", "swapaxes"):
        return op, f"X.{op}({_dim(r, t)}, {_dim(r, t)})"
    if op == "permute":
        p = list(range(n))
        r.shuffle(p)
        return op, f"X.permute({tuple(p)!r})"
    if op == "expand":
        target = tuple(r.choice([s, -1]) if s != 1 else r.choice([1, 3, -1]) for s in shape)
        return op, f"X.expand({(r.choice([2, 1]),) * r.randint(0, 1) + target!r})"
    if op == "narrow" and n:
        d = _dim(r, t)
        size = shape[d] if -n <= d < n else 1
        start = r.randint(-size, size)
        return op, f"X.narrow({d}, {start}, {r.randint(0, max(size - max(start, 0), 0))})"
    if op == "unfold":
        d = _dim(r, t)
        size = shape[d] if n and -n <= d < n else 1
        return op, f"X.unfold({d}, {r.randint(0, size + 1)}, {r.randint(1, 3)})"
    if op == "as_strided":
        size = tuple(r.randint(0, 3) for _ in range(r.randint(0, 3)))
        stride = tuple(r.randint(0, 2) for _ in size)
        span = sum((s - 1) * st for s, st in zip(size, stride))
        if numel == 0 or span >= numel:
            return None
        offset = r.randint(0, numel - 1 - span)
        return op, f"X.contiguous().as_strided({size!r}, {stride!r}, {offset})"
    if op == "diagonal" and n >= 2:
        return op, f"X.diagonal({r.randint(-2, 2)}, {_dim(r, t)}, {_dim(r, t)})"
    if op in ("T", "mT", "H", "real"):
        return op, f"X.{op}"
    if op == "squeeze":
        return op, r.choice(["X.squeeze()", f"X.squeeze({_dim(r, t)})"])
    if op == "unsqueeze":
        return op, f"X.unsqueeze({r.randint(-n - 1, n)})"
    if op == "flatten":
        return op, f"X.flatten({r.randint(-n, max(n - 1, 0)) if n else 0})"
    if op == "movedim":
        return op, f"X.movedim({_dim(r, t)}, {_dim(r, t)})"
    if op == "select" and n:
        d = _dim(r, t)
        size = shape[d] if -n <= d < n else 1
        return op, f"X.select({d}, {r.randint(-size, size)})"
    if op == "flip":
        return op, f"X.flip({_dim(r, t)})"
    if op == "roll":
        return op, f"X.roll({r.randint(-3, 3)}, {_dim(r, t)})"
    if op in ("repeat", "tile"):
        reps = tuple(r.randint(0, 2) for _ in range(max(n, 1) + r.randint(0, 1)))
        return op, f"X.{op}{reps!r}"
    if op in ("tril", "triu"):
        return op, f"X.{op}({r.randint(-1, 1)})"
    if op == "view_dtype":
        return op, f"X.view({_dtype(r)})"
    if op == "unflatten" and n and shape[0] % 2 == 0:
        return op, "X.unflatten(0, (2, -1))"
    if op == "split_first":
        return "split", f"X.split({r.randint(1, 3)}, {_dim(r, t)})[0]"
    if op == "chunk_last":
        return "chunk", f"X.chunk({r.randint(1, 3)}, {_dim(r, t)})[-1]"
    if op == "unbind_first" and n and shape[0]:
        return "unbind", "X.unbind(0)[0]"
    if op in ("t",) and n <= 2:
        return op, "X.t()"
    if op in ("contiguous", "ravel", "clone", "detach"):
        return op, f"X.{op}()"
    return None


def conversion(r: random.Random, t: Any) -> tuple[str, str]:
    op = r.choice(["to", "float", "long", "int", "bool", "half", "double", "short", "byte",
                   "char", "type_as"])
    if op == "to":
        return "to", f"X.to({_dtype(r)})"
    if op == "type_as":
        return op, f"X.type_as(lib.zeros(1, dtype={_dtype(r)}))"
    return op, f"X.{op}()"


def clamp(r: random.Random, t: Any) -> tuple[str, str]:
    op = r.choice(["clamp", "clip", "where", "where_scalar", "masked_fill", "lerp", "addcmul",
                   "nan_to_num"])
    lo, hi = r.choice([("-0.5", "0.5"), ("None", "1"), ("0", "None"), ("1", "-1"),
                       ("-2", "2")])
    if op in ("clamp", "clip"):
        return op, f"X.{op}({lo}, {hi})"
    if op == "where":
        return op, "lib.where(X > 0, X, X * 2)"
    if op == "where_scalar":
        return "where", f"lib.where(X > 0, X, {_scalar(r)})"
    if op == "masked_fill":
        return op, f"X.masked_fill(X > 0, {_scalar(r)})"
    if op == "lerp":
        return op, f"lib.lerp(X, X * 0.5 + 1, {r.choice(['0.3', '2.0'])})"
    if op == "addcmul":
        return op, "lib.addcmul(X, X, X, value=0.5)"
    return op, "lib.nan_to_num(X, nan=0.0, posinf=1.0)"


def linalg(r: random.Random, t: Any) -> tuple[str, str] | None:
    n = t.ndim
    op = r.choice(["matmul", "mm", "bmm", "einsum_t", "einsum_sum", "dot", "mv", "outer",
                   "tensordot", "trace", "matmul_T", "inner", "kron", "cross"])
    if op == "matmul":
        return op, "lib.matmul(X, X.mT)" if n >= 2 else "lib.matmul(X, X)"
    if op == "matmul_T":
        return "matmul", "X.T @ X" if n == 2 else "X @ X"
    if op == "mm":
        return op, "lib.mm(X, X.t())" if n == 2 else "lib.mm(X, X)"
    if op == "bmm":
        return op, "lib.bmm(X, X.transpose(1, 2))" if n == 3 else "lib.bmm(X, X)"
    if op == "einsum_t" and n >= 1:
        letters = "abcd"[:n]
        return "einsum", f"lib.einsum('{letters}->{letters[::-1]}', X)"
    if op == "einsum_sum" and n >= 2:
        return "einsum", "lib.einsum('ij...,ij...->j', X, X)"
    if op in ("dot", "inner", "outer", "kron", "cross"):
        if op == "cross":
            return op, f"lib.linalg.cross(X, X.flip(-1), dim={_dim(r, t)})"
        return op, f"lib.{op}(X, X)"
    if op == "mv":
        return op, "lib.mv(X, X[0])" if n == 2 else "lib.mv(X, X)"
    if op == "tensordot":
        return op, f"lib.tensordot(X, X, dims={r.randint(0, min(n, 2))})"
    if op == "trace":
        return op, "lib.trace(X)"
    return None


def joining(r: random.Random, t: Any) -> tuple[str, str]:
    op = r.choice(["cat", "stack", "hstack", "vstack", "cat_other", "dstack", "cat_empty"])
    d = _dim(r, t) if op in ("cat", "stack") else 0
    if op == "cat":
        return op, f"lib.cat([X, X * 2], dim={d})"
    if op == "cat_other":
        return "cat", f"lib.cat([X, X.to({_dtype(r)})], dim={d})"
    if op == "cat_empty":
        return "cat", f"lib.cat([X, lib.tensor([])], dim={d})"
    if op == "stack":
        return op, f"lib.stack([X, X], dim={r.randint(-t.ndim - 1, t.ndim)})"
    return op, f"lib.{op}([X, X])"


def indexing(r: random.Random, t: Any) -> tuple[str, str]:
    return "getitem", f"X[{index_text(r, t)}]"


def index_text(r: random.Random, t: Any, unique: bool = False) -> str:
    """A random index for ``t``: ints, slices, None, Ellipsis, integer lists/tensors and
    bool masks."""
    shape, items, dim = tuple(t.shape), [], 0
    length = r.randint(1 if unique else 0, 3)
    while dim < len(shape) and r.random() < 0.75:
        kind = r.choice(["int", "slice", "slice", "None", "ints", "mask", "..."])
        size = shape[dim]
        if kind == "None":
            items.append("None")
            continue
        if kind == "..." and "..." not in items:
            items.append("...")
            dim = len(shape) - r.randint(0, len(shape) - dim)
            continue
        if kind == "int" and size:
            items.append(str(r.randint(-size, size - 1 + (r.random() < 0.05))))
        elif kind == "ints" and size and not (unique and length > size):
            values = r.sample(range(size), length) if unique else \
                [r.randint(-size, size - 1) for _ in range(length)]
            form = r.choice(["list", "tensor"])
            items.append(f"lib.tensor({values})" if form == "tensor" else f"{values}")
        elif kind == "mask":
            mask = [r.random() < 0.5 for _ in range(size)]
            items.append(f"lib.tensor({mask})")
        else:
            a, b = r.randint(-size - 1, size + 1), r.randint(-size - 1, size + 1)
            items.append(f"{a}:{b}:{r.choice([1, 1, 2, 3])}")
        dim += 1
    if not items:
        return "..."
    if len(items) == 1 and items[0].startswith("["):
        return f"({items[0]},)"
    return ", ".join(items)


def activation(r: random.Random, t: Any) -> tuple[str, str]:
    op = r.choice(ACTIVATIONS + ["softmax", "log_softmax", "normalize", "layer_norm",
                                 "group_norm", "glu", "dropout0", "batch_norm",
                                 "instance_norm", "pad", "one_hot", "softmin", "local_norm"])
    d = _dim(r, t)
    if op in ("softmax", "log_softmax", "softmin"):
        extra = f", dtype={_dtype(r)}" if r.random() < 0.2 else ""
        return op, f"lib.nn.functional.{op}(X, dim={d}{extra})"
    if op == "normalize":
        return op, f"lib.nn.functional.normalize(X, p={r.choice([1, 2])}, dim={d})"
    if op == "layer_norm":
        return op, f"lib.nn.functional.layer_norm(X, {tuple(t.shape[-1:])!r})"
    if op == "group_norm":
        return op, "lib.nn.functional.group_norm(X, 1)"
    if op == "glu":
        return op, f"lib.nn.functional.glu(X, dim={d})"
    if op == "dropout0":
        return "dropout", f"lib.nn.functional.dropout(X, p={r.choice([0.0, 1.0])})"
    if op == "batch_norm":
        c = t.shape[1] if t.ndim >= 2 else 1
        return op, f"lib.nn.functional.batch_norm(X, lib.zeros({c}), lib.ones({c}), " \
                   f"training={r.choice([True, False])})"
    if op == "instance_norm":
        return op, "lib.nn.functional.instance_norm(X)"
    if op == "pad":
        mode = r.choice(["'constant'", "'reflect'", "'replicate'", "'circular'"])
        return op, f"lib.nn.functional.pad(X, (1, {r.randint(0, 2)}), mode={mode})"
    if op == "one_hot":
        return op, "lib.nn.functional.one_hot(X)"
    if op == "local_norm":
        return "local_response_norm", "lib.nn.functional.local_response_norm(X, 2)"
    if op == "rrelu":
        return op, "lib.nn.functional.rrelu(X, training=False)"
    return op, f"lib.nn.functional.{op}(X)"


def loss(r: random.Random, t: Any) -> tuple[str, str]:
    op = r.choice(LOSSES + ["cross_entropy", "nll_loss"])
    red = r.choice(["'mean'", "'sum'", "'none'"])
    if op == "binary_cross_entropy":
        return op, f"lib.nn.functional.binary_cross_entropy(X.sigmoid(), " \
                   f"(X > 0).to(X.dtype), reduction={red})"
    if op == "cosine_similarity":
        return op, f"lib.nn.functional.cosine_similarity(X, X.flip(0), dim={_dim(r, t)})"
    if op == "pairwise_distance":
        return op, "lib.nn.functional.pairwise_distance(X, X * 0.5)"
    if op == "gaussian_nll_loss":
        return op, f"lib.nn.functional.gaussian_nll_loss(X, X * 0.5, X.abs() + 0.1, " \
                   f"reduction={red})"
    if op == "kl_div":
        return op, f"lib.nn.functional.kl_div(X, X.exp(), reduction={red}, " \
                   f"log_target={r.choice([True, False])})"
    if op in ("cross_entropy", "nll_loss"):
        c = t.shape[1] if t.ndim >= 2 else (t.shape[0] if t.ndim else 1)
        target = "lib.zeros(X.shape[0], dtype=lib.long)" if t.ndim >= 2 else \
            "lib.tensor(0)"
        if r.random() < 0.3:
            target = "(X > 0).to(X.dtype)"
        smooth = f", label_smoothing={r.choice([0.0, 0.2])}" if op == "cross_entropy" else ""
        return op, f"lib.nn.functional.{op}(X, {target}, reduction={red}{smooth}) " \
                   f"if {c} else X"
    return op, f"lib.nn.functional.{op}(X, X.flip(0).detach(), reduction={red})"


def inplace(r: random.Random, t: Any) -> tuple[str, str]:
    """A statement writing into X (or into a view of it)."""
    op = r.choice(["add_", "mul_", "sub_", "div_", "clamp_", "zero_", "fill_", "copy_",
                   "setitem", "setitem_tensor", "view_add_", "exp_", "relu_", "neg_",
                   "masked_fill_", "index_add_", "scatter_", "transpose_", "unsqueeze_",
                   "abs_", "floor_", "pow_", "sigmoid_", "index_put_", "t_"])
    if op in ("add_", "mul_", "sub_", "div_"):
        return op, f"X.{op}({_scalar(r)})"
    if op == "clamp_":
        return op, "X.clamp_(-0.5, 0.5)"
    if op == "fill_":
        return op, f"X.fill_({_scalar(r)})"
    if op == "copy_":
        return op, "X.copy_(X.flip(-1) * 2)" if t.ndim else "X.copy_(lib.tensor(3.5))"
    if op == "setitem":
        return op, f"X[{index_text(r, t, unique=True)}] = {_scalar(r)}"
    if op == "setitem_tensor":
        return "setitem", f"X[{index_text(r, t, unique=True)}] = lib.tensor(1.25)"
    if op == "view_add_":
        return op, f"X[{index_text(r, t, unique=True)}].add_(1)"
    if op == "masked_fill_":
        return op, f"X.masked_fill_(X > 0, {_scalar(r)})"
    if op == "index_add_" and t.ndim:
        return op, "X.index_add_(0, lib.tensor([0, 0]), X[:1].expand(2, *X.shape[1:]) * 1)"
    if op == "scatter_" and t.ndim:
        return op, "X.scatter_(0, lib.zeros_like(X, dtype=lib.long)[:1], X[:1] * 3)"
    if op in ("transpose_",) and t.ndim >= 2:
        return op, "X.transpose_(0, 1)"
    if op == "unsqueeze_":
        return op, "X.unsqueeze_(0)"
    if op == "t_" and t.ndim <= 2:
        return op, "X.t_()"
    if op == "index_put_" and t.ndim:
        return op, "X.index_put_((lib.tensor([0, -1]),), lib.tensor(9).to(X.dtype), " \
                   f"accumulate={r.choice([True, False])})"
    if op == "pow_":
        return op, "X.pow_(2)"
    return op, f"X.{op}()" if op.endswith("_") and op not in ("index_add_", "scatter_",
                                                                "transpose_", "t_",
                                                                "index_put_") else "X.abs_()"


PickOp = Callable[[random.Random, Any], "tuple[str, str] | None"]
