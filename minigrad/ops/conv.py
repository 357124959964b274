"""Convolution primitives (unfold/fold/conv2d). Being written; see issue 3."""
