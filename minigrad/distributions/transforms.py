"""``minigrad.distributions.transforms``: every transform under PyTorch's module name.
`transform.py` has the base class and the ways of combining transforms;
`elementwise_transforms.py` has the elementwise maps and those onto the simplex,
`structured_transforms.py` the reshape/cat/stack ones, `matrix_transforms.py` those onto
matrices and the cdf transform."""
from .elementwise_transforms import (AbsTransform, AffineTransform, ExpTransform,
                                     PowerTransform, SigmoidTransform, SoftmaxTransform,
                                     SoftplusTransform, StickBreakingTransform, TanhTransform)
from .matrix_transforms import (CorrCholeskyTransform, CumulativeDistributionTransform,
                                LowerCholeskyTransform, PositiveDefiniteTransform)
from .structured_transforms import CatTransform, ReshapeTransform, StackTransform
from .transform import ComposeTransform, IndependentTransform, Transform, identity_transform

__all__ = ["AbsTransform", "AffineTransform", "ComposeTransform", "ExpTransform",
           "IndependentTransform", "PowerTransform", "SigmoidTransform", "SoftplusTransform",
           "TanhTransform", "SoftmaxTransform", "StickBreakingTransform", "Transform",
           "identity_transform", "CatTransform", "StackTransform", "ReshapeTransform",
           "LowerCholeskyTransform", "PositiveDefiniteTransform", "CorrCholeskyTransform",
           "CumulativeDistributionTransform"]
