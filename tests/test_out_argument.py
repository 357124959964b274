"""PyTorch's ``out=`` argument (minigrad/ops/out_argument.py), run against torch 2.13.

Each case calls one function in both libraries with ``out=`` of the right shape and dtype,
of a wrong shape (resized, with a UserWarning unless it is empty), of other dtypes (cast
or refused), requiring grad, and with inputs that require grad, and compares what comes
back: whether the call raises (the exception type), whether ``out`` itself is returned,
the shapes, dtypes and values written, and the resize warnings. A last test walks every
function torch gives ``out=`` and checks that minigrad's takes it too.
"""
from __future__ import annotations

import inspect
import re
import warnings

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")

X = np.array([[0.1, 0.5, 0.9], [0.3, 0.7, 0.2]], np.float32)
Y = np.array([[0.4, 0.2, 0.6], [0.8, 0.1, 0.5]], np.float32)
A = np.array([[4, 1, 0], [1, 3, 1], [0, 1, 2]], np.float32)


def inputs(lib, requires_grad=False):
    """The tensors a case's arguments name, built in ``lib`` (float ones requiring grad if
    asked): x, y (2, 3); a (3, 3) positive definite; p (2, 3, 3); v, w (3,); i, j int64;
    b bool; k, idx indices; s sorted; z (2, 2)."""
    def t(data, **kw):
        return lib.tensor(np.asarray(data), requires_grad=requires_grad, **kw)

    def n(data):
        return lib.tensor(data)
    return dict(lib=lib, x=t(X), y=t(Y), a=t(A), p=t(np.stack([A, A.T * 0.5])),
                v=t(np.array([0.5, 1.0, 2.0], np.float32)), z=t(Y[:, :2].copy()),
                w=t(np.array([1.0, -1.0, 0.5], np.float32)),
                s=t(np.array([0.1, 0.3, 0.5, 0.7], np.float32)),
                i=n([[1, 4, 2], [3, 0, 5]]), j=n([[2, 1, 3], [1, 2, 2]]),
                b=n([[True, False, True], [False, False, True]]), k=n([2, 0]),
                idx=n([[0, 1, 0], [1, 0, 1]]))


UNARY = """abs absolute acos arccos asin arcsin atan arctan asinh arcsinh atanh arctanh cos cosh
    sin sinh tan tanh exp exp2 expm1 log log10 log1p log2 sqrt rsqrt reciprocal sigmoid erf erfc
    erfinv lgamma digamma i0 sinc logit deg2rad rad2deg ceil floor round trunc fix frac sign sgn
    neg negative angle nan_to_num square signbit isneginf isposinf logical_not frexp msort diff
    special.entr special.ndtr special.expit special.gammaln special.psi special.i0 special.i1
    special.erf special.erfc special.erfinv special.exp2 special.expm1 special.log1p
    special.logit special.round special.sinc special.digamma linalg.vector_norm linalg.norm
    nn.functional.normalize nn.functional.gelu nn.functional.softplus
    nn.functional.softshrink nn.functional.hardshrink hardshrink sort bernoulli""".split()
BINARY = """add sub subtract mul multiply div divide true_divide atan2 arctan2 copysign
    float_power fmax fmin fmod hypot logaddexp logaddexp2 maximum minimum nextafter pow
    remainder xlogy floor_divide eq ne lt le gt ge greater greater_equal less less_equal
    not_equal logical_and logical_or logical_xor heaviside isin max min special.xlogy
    special.xlog1py linalg.vecdot linalg.cross kron normal""".split()
ALONG_DIM_1 = """sum mean prod std var amax amin logsumexp nanmean nansum median nanmedian
    max min cummax cummin cumsum cumprod logcumsumexp softmax log_softmax argmax argmin
    special.logsumexp""".split()
ON_MATRIX = """cholesky inverse qr svd slogdet linalg.inv linalg.det linalg.slogdet
    linalg.cholesky linalg.qr linalg.eigh linalg.eigvalsh linalg.svd linalg.svdvals
    linalg.pinv linalg.matrix_rank linalg.cond linalg.matrix_norm tril triu""".split()
JOINS = "cat concat concatenate stack hstack vstack dstack column_stack row_stack".split()
CASES = ([(n, "x") for n in UNARY] + [(n, "x, y") for n in BINARY]
         + [(n, "x, 1") for n in ALONG_DIM_1] + [(n, "[x, y]") for n in JOINS]
         + [(n, "a") for n in ON_MATRIX] + [
    ("matrix_power", "a, 2"), ("linalg.matrix_power", "a, 2"), ("linalg.lstsq", "a, a"),
    ("acosh", "x + 1"), ("arccosh", "x + 1"), ("nn.functional.logsigmoid", "x"),
    ("bitwise_not", "i"), ("bitwise_and", "i, j"), ("bitwise_or", "i, j"),
    ("bitwise_xor", "i, j"), ("gcd", "i, j"), ("lcm", "i, j"), ("ldexp", "x, j"),
    ("addcdiv", "x, y, y"), ("addcmul", "x, y, y"), ("lerp", "x, y, 0.5"),
    ("clamp", "x, 0.2, 0.6"), ("clip", "x, 0.2, 0.6"), ("clamp_min", "x, 0.3"),
    ("clamp_max", "x, 0.3"), ("where", "b, x, y"), ("mvlgamma", "x + 1, 2"),
    ("special.multigammaln", "x + 1, 2"), ("polygamma", "1, x"), ("special.polygamma", "1, x"),
    ("all", "b, 1"), ("any", "b, 1"), ("all", "b"), ("any", "b"), ("max", "x"), ("min", "x"),
    ("norm", "x"), ("mean", "x"), ("mode", "i, 1"), ("kthvalue", "x, 2, 1"), ("topk", "x, 2"),
    ("aminmax", "x, dim=1"), ("aminmax", "x"), ("argsort", "x, stable=True"),
    ("quantile", "x, 0.5, 1"), ("nanquantile", "x, 0.5, 1"), ("std", "x, 1, keepdim=True"),
    ("matmul", "a, a"), ("linalg.matmul", "a, v"), ("mm", "a, a"), ("bmm", "p, p"),
    ("dot", "v, w"), ("vdot", "v, w"), ("mv", "a, v"), ("inner", "x, y"), ("outer", "v, w"),
    ("ger", "v, w"), ("addmm", "a, a, a"), ("addmv", "v, a, v"), ("addbmm", "a, p, p"),
    ("baddbmm", "p, p, p"), ("chain_matmul", "a, a, a"), ("linalg.multi_dot", "[a, a]"),
    ("cross", "x, y, dim=1"), ("tensordot", "x, y, dims=([1], [1])"), ("diag", "v"),
    ("linalg.solve", "a, v"), ("linalg.solve_triangular", "a, a, upper=True"),
    ("gather", "x, 1, idx"), ("take_along_dim", "x, idx, 1"), ("index_select", "x, 1, k"),
    ("masked_select", "x, b"), ("index_add", "x, 1, k, z"), ("index_copy", "x, 1, k, z"),
    ("scatter", "x, 1, idx, y"), ("scatter_add", "x, 1, idx, y"), ("take", "x, k"),
    ("scatter_reduce", "x, 1, idx, y, 'sum'"), ("slice_scatter", "x, z, 1, 0, 2"),
    ("nonzero", "b"), ("searchsorted", "s, x"), ("bucketize", "x, s"), ("histc", "x, 4"),
    ("histogram", "x, 4"), ("renorm", "x, 2, 0, 1.0"), ("narrow_copy", "x, 1, 0, 2"),
    ("threshold", "x, 0.3, 0.0"), ("nn.functional.linear", "x, a"), ("multinomial", "x, 2"),
    ("arange", "5"), ("arange", "0.0, 1.0, 0.25"), ("zeros", "(2, 3)"), ("ones", "2, 3"),
    ("empty", "(2, 3)"), ("full", "(2, 3), 1.5"), ("eye", "3"), ("linspace", "0, 1, 5"),
    ("logspace", "0, 1, 5"), ("rand", "(2, 3)"), ("randn", "2, 3"), ("randperm", "5"),
    ("randint", "0, 5, (2, 3)"), ("zeros", "2, dtype=lib.float64")])
# Random draws and uninitialized memory: shapes and dtypes are compared, not values.
UNSEEDED = {"rand", "randn", "randint", "randperm", "normal", "bernoulli", "multinomial",
            "empty"}
VARIANTS = ("right", "wrong shape", "empty", "int64", "float64", "float32", "bool",
            "out requires grad", "input requires grad")

# Where minigrad still differs from torch (strict: a fix makes the test say so).
KNOWN = {
    # torch's cholesky (deprecated) casts into a wider out; linalg.cholesky, the same
    # function in minigrad, demands the result's dtype.
    ("cholesky", "float64"): "torch.cholesky casts, torch.linalg.cholesky does not",
    # torch's lstsq casts each field; minigrad's named tuples demand each field's dtype.
    ("linalg.lstsq", "float64"): "lstsq casts its fields",
    ("linalg.lstsq", "float32"): "lstsq casts its fields (rank into float)",
    # torch has no kernel for these out dtypes (NotImplementedError); minigrad computes
    # nansum in them, and refuses the others with RuntimeError.
    ("nansum", "int64"): "torch: NotImplementedError", ("nansum", "bool"): "NotImplemented",
    ("nanmean", "int64"): "NotImplementedError", ("nanmean", "bool"): "NotImplementedError",
    ("normal", "int64"): "NotImplementedError", ("normal", "bool"): "NotImplementedError",
    # torch gives these a derivative (or a not-implemented one) and so refuses out= for an
    # input that requires grad; minigrad's results do not require grad.
    ("bernoulli", "input requires grad"): "no derivative in minigrad",
    ("normal", "input requires grad"): "no derivative in minigrad",
    ("argsort", "input requires grad"): "integer result",
    # torch's histogram results require grad (a derivative it has not implemented).
    ("histogram", "input requires grad"): "minigrad's histogram is outside the graph",
}


def resolve(lib, name):
    for part in name.split("."):
        lib = getattr(lib, part)
    return lib


def _fields(result):
    return list(result) if isinstance(result, tuple) else [result]


def _out(lib, spec, variant):
    """An out for ``lib``: one tensor per field of torch's result ``spec``."""
    made = []
    for shape, dtype in spec:
        if variant in ("int64", "float64", "float32", "bool"):
            dtype = variant
        if variant == "wrong shape":
            shape = (7,)
        elif variant == "empty":
            shape = (0,)
        grad = variant == "out requires grad" and dtype.startswith("float")
        made.append(lib.empty(shape, dtype=getattr(lib, dtype), requires_grad=grad))
    return tuple(made) if len(spec) > 1 else made[0]


_ERRORS = (NotImplementedError, TypeError, IndexError, ValueError, RuntimeError)


def run(lib, name, args, spec, variant):
    """What ``name(args, out=...)`` does in ``lib``: ``("raises", type)``, or whether ``out``
    itself came back, each field's shape, dtype, requires_grad and values, and the resize
    warnings."""
    scope = inputs(lib, requires_grad=variant == "input requires grad")
    call = eval(f"lambda f, out: f({args}, out=out)", scope)  # noqa: S307  (our own table)
    out = _out(lib, spec, variant)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call(resolve(lib, name), out)
        except _ERRORS as error:
            return ("raises", next(e for e in _ERRORS if isinstance(error, e)).__name__)
    same = result is out if not isinstance(out, tuple) else (
        isinstance(result, tuple) and all(r is o for r, o in zip(result, out)))
    fields = [(tuple(f.shape), str(f.dtype).removeprefix("torch."), f.requires_grad)
              for f in _fields(result)]
    values = [np.array(f.detach().tolist(), dtype=np.float64) for f in _fields(result)]
    resized = [w.category.__name__ for w in caught if "resized" in str(w.message).lower()]
    return ("returns", same, fields, resized, values)


def _spec(name, args):
    result = eval(f"lambda f: f({args})", inputs(torch))(resolve(torch, name))  # noqa: S307
    return [(tuple(f.shape), str(f.dtype).removeprefix("torch.")) for f in _fields(result)]


def _applies(variant: str, spec: list) -> bool:
    """Whether a variant tests something for a result of this spec: an integer or bool out
    cannot require grad, and an out of the result's own dtype is the "right" variant."""
    if variant == "out requires grad":
        return any(dtype.startswith("float") for _, dtype in spec)
    return {dtype for _, dtype in spec} != {variant}


def _params():
    for name, args in CASES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            spec = _spec(name, args)
        for variant in VARIANTS:
            if not _applies(variant, spec):
                continue
            reason = KNOWN.get((name, variant))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(name, args, variant, marks=marks,
                               id=f"{name}({args})-{variant}")


@pytest.fixture(autouse=True)
def _quiet_deprecations():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*deprecated.*")
        yield


@pytest.mark.parametrize("name, args, variant", list(_params()))
def test_out_matches_torch(name, args, variant):
    spec = _spec(name, args)
    theirs = run(torch, name, args, spec, variant)
    ours = run(minigrad, name, args, spec, variant)
    assert ours[:-1] == theirs[:-1] if ours[0] == "returns" else ours == theirs, \
        f"minigrad {ours[:4]} != torch {theirs[:4]}"
    if ours[0] == "returns" and name not in UNSEEDED:
        for mine, expected in zip(ours[-1], theirs[-1]):
            np.testing.assert_allclose(mine, expected, rtol=1e-4, atol=1e-5, equal_nan=True)


def test_an_out_view_writes_through_to_its_base_and_out_may_be_an_input():
    base = minigrad.zeros(2, 3)
    x = minigrad.tensor([[1.0, 2.0, 3.0]])
    row = base[1]
    assert minigrad.exp(x[0], out=row) is row
    np.testing.assert_allclose(base.numpy()[1], np.exp([1.0, 2.0, 3.0]), rtol=1e-6)
    assert minigrad.add(x, x, out=x) is x and x.tolist() == [[2.0, 4.0, 6.0]]


def test_out_requiring_grad_is_written_without_grad_mode():
    out = minigrad.zeros(2, requires_grad=True)
    with minigrad.no_grad():
        minigrad.mul(minigrad.ones(2), 3, out=out)
    assert out.tolist() == [3.0, 3.0] and out.requires_grad


def test_a_composite_function_records_the_write_so_gradients_flow_through_out():
    grads = []
    for lib in (torch, minigrad):
        x = lib.tensor(X, requires_grad=True)
        out = lib.empty(0)
        (lib.inner(x, x * 2, out=out) * out).sum().backward()
        grads.append(np.array(x.grad.tolist()))
    np.testing.assert_allclose(*grads, rtol=1e-5)


def test_named_tuples_come_back_as_the_named_tuple_of_the_outs():
    values, indices = minigrad.empty(0), minigrad.empty(0, dtype=minigrad.long)
    result = minigrad.max(minigrad.tensor(X), 1, out=(values, indices))
    assert type(result).__name__ == "max" and result.values is values
    assert result.indices is indices and indices.tolist() == [2, 1]
    with pytest.raises(TypeError):
        minigrad.max(minigrad.tensor(X), 1, out=values)
    with pytest.raises(TypeError):
        minigrad.exp(minigrad.tensor(X), out=(values, indices))


# --- every function torch gives out= ------------------------------------------------------
NAMESPACES = {"": (torch, minigrad), "linalg.": (torch.linalg, minigrad.linalg),
              "special.": (torch.special, minigrad.special),
              "nn.functional.": (torch.nn.functional, minigrad.nn.functional)}

# Documented with out= in torch's docstrings, but its binding refuses the keyword.
TORCH_DOCUMENTS_BUT_REFUSES = {"std_mean", "var_mean"}

# torch functions with out= that minigrad does not have (yet). Each entry must be absent
# from minigrad and must take out= in torch: whoever adds one removes it here, and the walk
# then checks its out=.
NOT_IN_MINIGRAD = set("""
    dsmm hspmm sspaddmm
    complex polar hash_tensor hsmm saddmm
    ccol_indices_copy col_indices_copy crow_indices_copy indices_copy row_indices_copy
    values_copy view_as_complex_copy view_as_real_copy
    """.split()) | {"linalg." + n for n in """
    eig eigvals
    """.split()}


def torch_takes_out(function) -> bool:
    """Whether torch's ``function`` has an ``out`` keyword: in its Python signature, in the
    signature its docstring opens with, or by its argument parser, which lists its overloads
    when called with an unknown keyword and names ``out`` when given ``out=1``."""
    try:
        return "out" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        pass
    head = (function.__doc__ or "").strip().split("\n\n")[0]
    if re.search(r"\bout\b\s*[:=]", head):
        return True
    for count in range(1, 4):
        for keyword in ("__no_such_keyword__", "out"):
            try:
                function(*[torch.ones(2)] * count, **{keyword: 1})
            except TypeError as error:
                if re.search(r"Tensors? out\b|argument 'out' .*must be", str(error)):
                    return True
            except Exception:  # noqa: BLE001  (any other refusal says nothing about out)
                pass
    return False


def _torch_functions_with_out():
    for prefix, (theirs, _ours) in NAMESPACES.items():
        for name in dir(theirs):
            function = getattr(theirs, name)
            if (name.startswith("_") or isinstance(function, type) or not callable(function)
                    or prefix + name in TORCH_DOCUMENTS_BUT_REFUSES):
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if torch_takes_out(function):
                    yield prefix + name


def test_every_function_torch_gives_out_takes_it_in_minigrad():
    lacking, present, names = [], [], set(_torch_functions_with_out())
    assert sorted(NOT_IN_MINIGRAD - names) == []  # no stale entry
    for name in sorted(names):
        prefix, _, short = name.rpartition(".")
        ours = getattr(NAMESPACES[prefix + "." if prefix else ""][1], short, None)
        if ours is None:
            lacking.append(name)
        elif name in NOT_IN_MINIGRAD:
            present.append(name)
        elif "out" not in inspect.signature(ours).parameters:
            lacking.append(f"{name} (without out=)")
    missing = sorted(n for n in lacking if n not in NOT_IN_MINIGRAD)
    assert missing == [] and present == [], (missing, present)
