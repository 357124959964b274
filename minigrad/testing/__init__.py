"""Property-test gradients: gradcheck, gradgradcheck and hypothesis strategies.

``gradcheck`` and ``gradgradcheck`` need only NumPy. The strategies need hypothesis
(``pip install hypothesis``, or ``pip install -e ".[test]"`` in a clone of minigrad) and
are imported from ``minigrad.testing.strategies``.
"""
from .gradcheck import GradcheckError, check_invariants_of, gradcheck, gradgradcheck

__all__ = ["GradcheckError", "check_invariants_of", "gradcheck", "gradgradcheck"]
