"""Ready-made parametrizations (PyTorch's ``torch.nn.utils.parametrizations``), each
registered with `minigrad.nn.utils.parametrize.register_parametrization`:

* `weight_norm`: ``weight = g * v / ||v||``; ``g`` and ``v`` are stored as
  ``parametrizations.weight.original0`` and ``original1``.
* `spectral_norm`: ``weight / sigma``, ``sigma`` the largest singular value estimated by
  power iteration on the buffers ``_u`` and ``_v`` of the parametrization module.
* `orthogonal`: a matrix with orthonormal columns (or rows), from an unconstrained one by
  the matrix exponential, the Cayley map, or a product of Householder reflectors.

Names, buffers, state-dict keys and the order of the power-iteration steps follow PyTorch,
so a model with the same state computes the same numbers.
"""
from __future__ import annotations

from enum import Enum
from typing import Any

import numpy as np

from ... import ops
from ...autograd.grad_mode import no_grad
from ...creation import empty, eye, zeros_like
from ...internal import array_of, wrap
from ...linalg import householder_product, matrix_exp, solve
from ...tensor import Tensor
from ..conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ..functional import normalize
from ..module import Module
from . import parametrize
from .weight_norms import norm_except_dim

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


# --- weight norm ---------------------------------------------------------------------------
class _WeightNorm(Module):
    """``(g, v) -> v * g / ||v||``, the norm over every dim but ``dim`` (all of them for
    -1); ``right_inverse`` splits a weight into its norms and itself."""

    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return weight_v * (weight_g / norm_except_dim(weight_v, self.dim))

    def right_inverse(self, weight: Tensor) -> tuple[Tensor, Tensor]:
        return norm_except_dim(weight, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Parametrize ``module.<name>`` as ``g * v / ||v||`` (the norm over every dim but
    ``dim``; over the whole tensor for ``dim=None``).

    ``g`` is ``module.parametrizations.<name>.original0`` and ``v`` is ``original1``. A state
    dict written by the older `minigrad.nn.utils.weight_norm` (``<name>_g``, ``<name>_v``)
    loads too.

    Returns
    -------
    Module
        ``module``.
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def rename_old_keys(state_dict: dict, prefix: str, *args: Any) -> None:
        old = (f"{prefix}{name}_g", f"{prefix}{name}_v")
        if all(key in state_dict for key in old):
            for i, key in enumerate(old):
                state_dict[f"{prefix}parametrizations.{name}.original{i}"] = state_dict.pop(key)

    module._register_load_state_dict_pre_hook(rename_old_keys)
    return module


# --- spectral norm -------------------------------------------------------------------------
class _SpectralNorm(Module):
    """``W -> W / sigma(W)``. ``W`` is seen as a matrix with ``dim`` as its rows; ``_u`` and
    ``_v`` estimate its top singular vectors, refined by ``n_power_iterations`` steps at
    each call in training mode (15 steps at creation). A 1-d ``W`` is just normalised."""

    def __init__(self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0,
                 eps: float = 1e-12) -> None:
        super().__init__()
        ndim = weight.ndim
        if not -ndim <= dim < ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim % ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            rows, cols = self._matrix(weight).shape
            with no_grad():
                u = empty(rows, dtype=weight.dtype).normal_(0, 1)
                v = empty(cols, dtype=weight.dtype).normal_(0, 1)
                self.register_buffer("_u", normalize(u, dim=0, eps=eps))
                self.register_buffer("_v", normalize(v, dim=0, eps=eps))
            self._power_method(self._matrix(weight), 15)

    def _matrix(self, weight: Tensor) -> Tensor:
        """``weight`` with ``dim`` moved first, flattened to a matrix."""
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.ndim) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, matrix: Tensor, steps: int) -> None:
        """``steps`` rounds of ``u = normalize(W v)``, ``v = normalize(W^H u)``, in place."""
        with no_grad():
            for _ in range(steps):
                self._u.copy_(normalize(ops.mv(matrix, self._v), dim=0, eps=self.eps))
                self._v.copy_(normalize(ops.mv(matrix.mH, self._u), dim=0, eps=self.eps))

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            return normalize(weight, dim=0, eps=self.eps)
        matrix = self._matrix(weight)
        if self.training:
            self._power_method(matrix, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()
        sigma = ops.vdot(u, ops.mv(matrix, v))
        return weight / sigma

    def right_inverse(self, value: Tensor) -> Tensor:
        return value


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1,
                  eps: float = 1e-12, dim: int | None = None) -> Module:
    """Parametrize ``module.<name>`` as itself divided by its spectral norm (largest
    singular value), estimated by power iteration.

    Parameters
    ----------
    module : Module
    name : str
    n_power_iterations : int
        Power-iteration steps per forward call in training mode (eval mode reuses the
        current ``_u`` and ``_v``).
    eps : float
        Floor of the norms when normalising.
    dim : int, optional
        The dim that indexes the matrix rows: 1 for transposed convolutions, else 0.

    Returns
    -------
    Module
        ``module``; the buffers are ``parametrizations.<name>.0._u`` and ``._v``.
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        transposed = (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)
        dim = 1 if isinstance(module, transposed) else 0
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


# --- orthogonal ----------------------------------------------------------------------------
class _OrthMaps(Enum):
    matrix_exp = 1
    cayley = 2
    householder = 3


def _is_orthogonal(Q: Tensor) -> bool:
    n, k = Q.shape[-2], Q.shape[-1]
    gram = array_of(Q.mH @ Q)
    return bool(np.allclose(gram, np.eye(k), rtol=1e-5, atol=10.0 * n * np.finfo(Q.dtype).eps))


def _make_orthogonal(A: Tensor) -> Tensor:
    """The Q of the QR factorisation of ``A``, its columns' signs chosen so that R has a
    positive diagonal (no gradient)."""
    Q, R = np.linalg.qr(array_of(A))
    signs = np.sign(np.diagonal(R, axis1=-2, axis2=-1))
    return wrap((Q * signs[..., None, :]).astype(A.dtype))


def _geqrf(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LAPACK's ``geqrf`` on each matrix of ``A``: R above the diagonal, the Householder
    vectors below it, and their scale factors."""
    batch = A.reshape((-1,) + A.shape[-2:])
    outs = [np.linalg.qr(a, mode="raw") for a in batch]
    X = np.stack([h.T for h, _ in outs]).reshape(A.shape)
    tau = np.stack([t for _, t in outs]).reshape(A.shape[:-2] + (min(A.shape[-2:]),))
    return X.astype(A.dtype), tau.astype(A.dtype)


class _Orthogonal(Module):
    """A tall matrix with orthonormal columns (a wide one: rows) from an unconstrained
    one. With ``use_trivialization`` the result is multiplied by the buffer ``base``, which
    assignment sets, so the stored matrix starts at the map's origin."""

    def __init__(self, weight: Tensor, orthogonal_map: _OrthMaps, *,
                 use_trivialization: bool = True) -> None:
        super().__init__()
        if weight.dtype.kind == "c" and orthogonal_map == _OrthMaps.householder:
            raise ValueError("The householder parametrization does not support complex "
                             "tensors.")
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X: Tensor) -> Tensor:
        n, k = X.shape[-2], X.shape[-1]
        transposed = n < k
        if transposed:
            X, n, k = X.mT, k, n
        if self.orthogonal_map == _OrthMaps.householder:
            A = X.tril(-1)
            tau = 2.0 / (1.0 + (A * A).sum(-2))
            Q = householder_product(A, tau)
            Q = Q * X.diagonal(0, -2, -1).int().unsqueeze(-2)
        else:
            X = X.tril()
            if n != k:
                X = ops.cat([X, X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)], -1)
            A = X - X.mH
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = matrix_exp(A)
            else:
                identity = eye(n, dtype=A.dtype)
                Q = solve(identity - 0.5 * A, identity + 0.5 * A)
            if n != k:
                Q = Q[..., :k]
        if hasattr(self, "base"):
            Q = self.base @ Q
        return Q.mT if transposed else Q

    def right_inverse(self, Q: Tensor) -> Tensor:
        with no_grad():
            return self._right_inverse(Q)

    def _right_inverse(self, Q: Tensor) -> Tensor:
        if tuple(Q.shape) != tuple(self.shape):
            raise ValueError(f"Expected a matrix or batch of matrices of shape "
                             f"{self.shape}. Got a tensor of shape {Q.shape}.")
        start = Q
        n, k = Q.shape[-2], Q.shape[-1]
        transposed = n < k
        if transposed:
            Q, n, k = Q.mT, k, n
        if not hasattr(self, "base"):
            if self.orthogonal_map != _OrthMaps.householder:
                raise NotImplementedError("It is not possible to assign to the matrix "
                                          "exponential or the Cayley parametrizations when "
                                          "use_trivialization=False.")
            A, tau = _geqrf(array_of(Q))
            diagonal = np.sign(np.diagonal(A, axis1=-2, axis2=-1))
            diagonal = np.where(tau == 0.0, -diagonal, diagonal)
            A = A.copy()
            idx = np.arange(diagonal.shape[-1])
            A[..., idx, idx] = diagonal
            A = wrap(A)
            return A.mT if transposed else A
        if n == k:
            Q = Q.clone() if _is_orthogonal(Q) else _make_orthogonal(Q)
        else:
            extra = empty(*(tuple(Q.shape[:-2]) + (n, n - k)), dtype=Q.dtype).normal_()
            Q = _make_orthogonal(ops.cat([Q, extra], -1))
        self.base = Q
        minus_identity = zeros_like(start)
        minus_identity.diagonal(0, -2, -1).fill_(-1.0)
        return minus_identity


def orthogonal(module: Module, name: str = "weight", orthogonal_map: str | None = None, *,
               use_trivialization: bool = True) -> Module:
    """Parametrize the matrix (or batch of matrices) ``module.<name>`` to have orthonormal
    columns, or rows when it is wide.

    Parameters
    ----------
    module : Module
    name : str
    orthogonal_map : {"matrix_exp", "cayley", "householder"}, optional
        Default: ``"matrix_exp"`` for square (or complex) matrices, else ``"householder"``.
    use_trivialization : bool
        Keep the current value in the buffer ``base`` and start the stored matrix at the
        map's origin (assignment then sets ``base``).

    Returns
    -------
    Module
        ``module``.
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of "
                         f"{weight.ndim} dimensions.")
    if orthogonal_map is None:
        square = weight.shape[-2] == weight.shape[-1] or weight.dtype.kind == "c"
        orthogonal_map = "matrix_exp" if square else "householder"
    kind = _OrthMaps.__members__.get(orthogonal_map) if isinstance(orthogonal_map, str) else None
    if kind is None:
        raise ValueError(f'orthogonal_map has to be one of "matrix_exp", "cayley", '
                         f'"householder". Got: {orthogonal_map}')
    parametrize.register_parametrization(
        module, name, _Orthogonal(weight, kind, use_trivialization=use_trivialization),
        unsafe=True)
    return module
