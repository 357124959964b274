"""``minigrad.func``: PyTorch's function transforms (``torch.func``), on minigrad's autograd.

* `grad`, `grad_and_value`: the gradient of a scalar function, as a new function;
* `vjp`, `jvp`: vector-Jacobian and Jacobian-vector products;
* `jacrev`, `jacfwd`, `hessian`: whole Jacobians and Hessians;
* `vmap`: map a function over a batch dimension (a loop here: see `batching`);
* `functional_call`: call a module with parameters given as a dict.

They take and return pytrees (tuples, lists, dicts) of tensors and nest, as PyTorch's
do: ``vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)`` gives per-sample gradients.
Inputs need not require grad and no ``.grad`` is written. The derivatives are computed in
reverse mode with `minigrad.autograd.grad` (``jvp`` and ``jacfwd`` too, with the same
numbers as forward mode).
"""
from .batching import vmap
from .stateless import functional_call
from .transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap",
           "functional_call"]
