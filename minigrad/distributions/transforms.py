"""``minigrad.distributions.transforms``: every transform under PyTorch's module name.
`transform.py` has the base class and the ways of combining transforms;
`elementwise_transforms.py` has the concrete maps."""
from .elementwise_transforms import (AbsTransform, AffineTransform, ExpTransform,
                                     PowerTransform, SigmoidTransform, SoftmaxTransform,
                                     SoftplusTransform, StickBreakingTransform, TanhTransform)
from .transform import ComposeTransform, IndependentTransform, Transform, identity_transform

__all__ = ["AbsTransform", "AffineTransform", "ComposeTransform", "ExpTransform",
           "IndependentTransform", "PowerTransform", "SigmoidTransform", "SoftplusTransform",
           "TanhTransform", "SoftmaxTransform", "StickBreakingTransform", "Transform",
           "identity_transform"]
