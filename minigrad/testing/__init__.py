"""Property-test gradients: gradcheck, gradgradcheck and hypothesis strategies; and
PyTorch's ``assert_close`` and ``make_tensor``.

``gradcheck``, ``gradgradcheck`` and ``assert_close`` need only NumPy. The strategies need hypothesis
(``pip install hypothesis``, or ``pip install -e ".[test]"`` in a clone of minigrad) and
are imported from ``minigrad.testing.strategies``.
"""
from .compare import assert_allclose, assert_close
from .creation import make_tensor
from .gradcheck import GradcheckError, check_invariants_of, gradcheck, gradgradcheck

__all__ = ["GradcheckError", "check_invariants_of", "gradcheck", "gradgradcheck",
           "assert_close", "assert_allclose", "make_tensor"]
