"""The fast array layout behind conv2d's forward and its backward on arrays.

`conv.py` tells the story: im2col copies every window into a column, one matrix product
per group computes every output, and col2im (its adjoint) adds the columns of the
gradient back into an image. This module runs the same maths on NumPy arrays with three
changes that matter for speed, and `tests/ops/test_conv_fast.py` checks it against the
story (values, first and second derivatives).

1. **A slice of the batch at a time.** The columns of a whole batch are KH * KW times
   larger than the input (80 MB for a 64 x 32 x 32 x 32 input and a 3 x 3 kernel). They
   are built, multiplied and dropped a slice of the batch at a time instead (slices of at
   most CHUNK_BYTES of columns, unless the whole batch takes at most twice that), so they
   are more likely to stay in the CPU cache between the copy that makes them and the
   product that reads them, and no buffer as large as the whole set is needed. The
   backward builds each slice's columns again rather than keeping them from the forward:
   memory stays at one slice, for one more copy.
2. **Row-pitch columns for stride 1.** With stride 1, the window (i, j) of a whole image
   is one run of its padded, flattened pixels: output q = oh * WP + ow reads pixel
   i * DH * WP + j * DW + q, where WP is the padded width. Columns with that pitch
   (OH * WP per image instead of OH * OW) are copied and added in runs of ~OH * WP
   elements rather than runs of OW, which matters for small images. The extra columns
   (ow >= OW) read wrapped-around pixels; their outputs are dropped and they get zero
   gradient.
   The input gradient of a stride-1 convolution skips col2im's KH * KW adds (measured:
   2x faster for LeNet-5's second layer, 1.2-1.6x for 3 x 3 kernels). Output (oh, ow)
   gets its gradient from input pixel (oh + i * DH, ow + j * DW) through W[:, :, i, j],
   so pixel (y, x) of kernel row i collects the output gradient at (y - i * DH, x - j *
   DW) over j. In the row-pitch layout a move of j * DW columns is a shift of the flat
   gradient (it never crosses into a kept column of another row, because OW + (KW - 1)
   * DW = WP). So the KW right-shifted copies of the output gradient (F * KW rows) times
   the weight laid out (C * KH, F * KW) give each kernel row's contribution at once, and
   KH adds put row i's contribution i * DH image rows down.
3. **Only the gradients asked for.** The input gradient (its product and additions)
   is skipped when the input needs none, as for a network's first layer.
4. **Small products in blocks.** OpenBLAS splits a product across its threads, and for a
   small weight (LeNet's 6 x 25) over a long run of columns that split does badly:
   independent products over blocks of about BLOCK_COLUMNS columns (whole images) ran
   2-3x faster on a 2-core AMD EPYC. Larger weights take one product per chunk.
5. **Scratch buffers, and columns found again.** The columns and the padded output
   gradient are scratch buffers of `workspace.py`, reused between calls instead of being
   allocated (and page-faulted) afresh. When the whole batch fits in one slice, the
   forward tags its columns, and the backward uses them as they are if no convolution of
   the same shape has used the buffer since (in LeNet-5 none has), instead of building
   them again.

6. **Slices of the batch in parallel threads.** Only BLAS would use a second core, and
   only during the products; the copies and additions around them are as much time
   again. `threads.over_batch` runs the forward and the backward of one slice of the
   batch per thread (BLAS single-threaded meanwhile), and the slices' shares of the
   weight and bias gradients are summed (measured on a 2-core Xeon: 1.2-1.7x faster
   for the wide layers of bench_conv.py). Each thread keeps its own scratch buffers,
   and slice i of a backward runs in the thread that ran slice i of the forward, so it
   finds that slice's columns.

Every buffer takes the input's dtype: float32 stays float32.
"""
from __future__ import annotations

import functools

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import threads
from .windows import Pair, add_windows, output_size, windows
from .workspace import holding, scratch

# Bytes of columns built at a time, at most: a batch whose columns take at most twice
# that is one slice (LeNet's layers: its backward then finds the forward's columns
# again). Each slice costs three multithreaded BLAS calls, each ending with the threads
# waiting for each other, so slices are not made small: measured on an idle 2-core Xeon,
# 8 or 16 MB slices ran the wide layers of bench_conv.py 17-20 % faster than 32 MB ones
# (which outgrow the cache), and 1 MB slices were no faster than 16 MB; on a loaded
# 2-core AMD EPYC many small slices had been 2-10x slower.
CHUNK_BYTES = 1 << 24
# Products whose weight has at most SMALL_WEIGHT entries run in blocks of about
# BLOCK_COLUMNS columns; see 4 above.
SMALL_WEIGHT = 4096
BLOCK_COLUMNS = 4096


class Layout:
    """The geometry of one convolution and the column layout used for it.

    ``pitch`` is the number of columns per output row: the padded width WP for stride 1
    (row-pitch layout), else OW. ``per_image = OH * pitch``.
    """

    def __init__(self, x_shape: tuple, w_shape: tuple, stride: Pair, padding: Pair,
                 dilation: Pair, groups: int, itemsize: int) -> None:
        n, c, h, w = x_shape
        f, _, kh, kw = w_shape
        self.n, self.c, self.f, self.groups = n, c, f, groups
        self.kernel, self.stride, self.padding, self.dilation = (kh, kw), stride, padding, dilation
        self.size = h, w
        self.out = output_size((h, w), (kh, kw), stride, padding, dilation, "conv2d")
        self.rows = tuple(stride) == (1, 1)
        self.pitch = w + 2 * padding[1] if self.rows else self.out[1]
        self.per_image = self.out[0] * self.pitch
        # The run of window (i, j) ends exactly at the end of the padded image.
        self.run = self.per_image - dilation[1] * (kw - 1)
        per_image = c * kh * kw * self.per_image * itemsize
        whole_batch = per_image * n <= 2 * CHUNK_BYTES
        self.step = max(n, 1) if whole_batch else max(1, CHUNK_BYTES // per_image)
        self.small = c * kh * kw * f // groups <= SMALL_WEIGHT
        self.whole = self.step >= n  # one slice: the columns of the whole batch

    def blocks(self, nb: int) -> int:
        """How many column blocks the products over ``nb`` images run in: whole images of
        about BLOCK_COLUMNS columns for a small weight, else one."""
        if not self.small:
            return 1
        images = max(1, BLOCK_COLUMNS // self.per_image)
        return nb // max(d for d in range(1, min(images, nb) + 1) if nb % d == 0)

    def scratch_rows(self, owner: str, rows: int, nb: int, dtype: np.dtype) -> np.ndarray:
        """A (G, rows / G, nb * OH * pitch) scratch matrix for a slice of ``nb`` images,
        the head of one buffer sized for the largest slice."""
        length = nb * self.per_image
        flat = scratch(owner, (rows * min(self.step, self.n) * self.per_image,), dtype)
        return flat[:rows * length].reshape(self.groups, -1, length)

    def chunks(self) -> list[slice]:
        return [slice(a, min(self.n, a + self.step)) for a in range(0, self.n, self.step)]

    def columns_shape(self) -> tuple:
        """(C, KH, KW, step, OH * pitch): the buffer `fill_columns` writes."""
        return (self.c,) + self.kernel + (min(self.step, self.n), self.per_image)

    def new_columns(self, dtype: np.dtype, tag: object = None) -> np.ndarray:
        """A scratch buffer for `fill_columns`; its columns will be known by ``tag`` (see
        workspace.py) if they are those of the whole batch."""
        return scratch("conv2d columns", self.columns_shape(), dtype,
                       tag if self.whole else None)

    def kept_columns(self, dtype: np.dtype, tag: object) -> np.ndarray | None:
        """The (G, C/G * KH * KW, N * OH * pitch) columns a forward tagged ``tag`` built, if
        the scratch buffer still holds them."""
        cols = holding("conv2d columns", self.columns_shape(), dtype, tag)
        return None if cols is None else cols.reshape(self.groups, -1, self.n * self.per_image)

    def fill_columns(self, image: np.ndarray, part: slice, cols: np.ndarray) -> np.ndarray:
        """Copy the windows of images ``part`` of the padded ``image`` into ``cols``, and
        return the (G, C/G * KH * KW, nb * OH * pitch) matrix they form."""
        nb = part.stop - part.start
        cols = cols[:, :, :, :nb]
        if self.rows:
            flat = image[part].reshape(nb, self.c, -1)
            sn, sc, item = flat.strides
            wp, (dh, dw) = self.pitch, self.dilation
            runs = as_strided(flat, shape=(self.c,) + self.kernel + (nb, self.run),
                              strides=(sc, dh * wp * item, dw * item, sn, item),
                              writeable=False)
            np.copyto(cols[..., :self.run], runs)
            cols[..., self.run:] = 0  # no pixel: the dropped outputs past the last row
        else:
            view = windows(image[part], self.kernel, self.stride, self.dilation, self.out)
            np.copyto(cols.reshape(cols.shape[:4] + self.out), view.transpose(1, 2, 3, 0, 4, 5))
        return cols.reshape(self.groups, -1, nb * self.per_image)

    def add_columns(self, g_cols: np.ndarray, image: np.ndarray, part: slice) -> None:
        """col2im of a chunk's (G, C/G * KH * KW, nb * OH * OW) column gradient into the
        zero-initialised padded image gradient (images ``part``); stride > 1."""
        nb = part.stop - part.start
        grid = g_cols.reshape(self.c, *self.kernel, nb, *self.out).transpose(3, 0, 1, 2, 4, 5)
        add_windows(grid, image[part], self.stride, self.dilation)

    def add_row_shifts(self, g_rows: np.ndarray, weight: np.ndarray, image: np.ndarray,
                       part: slice) -> None:
        """The input gradient of a stride-1 chunk, added into the zero-initialised padded
        image gradient (images ``part``) from the (F, nb, OH, pitch) output gradient
        ``g_rows``, zero past OW: KW shifted copies, one product, KH adds (see 2 above)."""
        (kh, kw), (dh, dw), dtype = self.kernel, self.dilation, g_rows.dtype
        groups, nb, length = self.groups, g_rows.shape[1], g_rows[0].size
        fg, cg = self.f // groups, self.c // groups
        shifts = self.scratch_rows("conv2d shifted gradient", self.f * kw, nb, dtype)
        shifts = shifts.reshape(self.f, kw, length)
        flat = g_rows.reshape(self.f, length)
        for j in range(kw):  # copy j: the gradient moved j * DW to the right
            s = j * dw
            shifts[:, j, :s] = 0
            np.copyto(shifts[:, j, s:], flat[:, :length - s])
        w_rows = weight.reshape(groups, fg, cg, kh, kw).transpose(0, 2, 3, 1, 4)
        w_rows = w_rows.reshape(groups, cg * kh, fg * kw).astype(dtype, copy=False)
        sums = np.matmul(w_rows, shifts.reshape(groups, fg * kw, length),
                         out=self.scratch_rows("conv2d kernel-row gradient", self.c * kh, nb,
                                               dtype))
        sums = sums.reshape(self.c, kh, nb, self.out[0], self.pitch)
        target = image[part].transpose(1, 0, 2, 3)  # (C, nb, HP, WP)
        for i in range(kh):
            target[:, :, i * dh:i * dh + self.out[0]] += sums[:, i]


def padded_input(x: np.ndarray, padding: Pair) -> np.ndarray:
    """The zero-padded, C-contiguous input the columns are read from."""
    (ph, pw), (n, c, h, w) = padding, x.shape
    if ph == pw == 0:
        return np.ascontiguousarray(x)
    image = np.zeros((n, c, h + 2 * ph, w + 2 * pw), x.dtype)
    image[:, :, ph:ph + h, pw:pw + w] = x
    return image


def forward(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, stride: Pair,
            padding: Pair, dilation: Pair, groups: int, tag: object = None) -> np.ndarray:
    """conv2d on arrays: the (N, F, OH, OW) output, slices of the batch in parallel
    threads (see 6 above). A ``tag`` lets `backward` find the columns again (see
    Layout.kept_columns)."""
    n, f = x.shape[0], weight.shape[0]
    out_size = output_size(x.shape[2:], weight.shape[2:], stride, padding, dilation, "conv2d")
    out = np.empty((n, f) + out_size, np.result_type(x.dtype, weight.dtype))
    if n == 0:
        return out  # an empty batch

    def run(part: slice) -> None:
        _forward_slice(x[part], weight, bias, (stride, padding, dilation, groups), out[part],
                       slice_tag(tag, part))

    threads.over_batch(n, _work(x.shape, weight.shape, out_size), run)
    return out


def _forward_slice(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None,
                   geometry: tuple, out: np.ndarray, tag: object) -> None:
    """The forward of images ``x`` into ``out``: their columns a chunk at a time."""
    stride, padding, dilation, groups = geometry
    dtype = out.dtype
    lay = Layout(x.shape, weight.shape, stride, padding, dilation, groups, dtype.itemsize)
    image = padded_input(x, padding)
    w_mat = weight.reshape(groups, lay.f // groups, -1)
    (oh, ow), f = lay.out, lay.f
    cols = lay.new_columns(dtype, tag)
    for part in lay.chunks():
        nb = part.stop - part.start
        product = column_blocks(w_mat, lay.fill_columns(image, part, cols), lay.blocks(nb),
                                lay.scratch_rows("conv2d product", f, nb, dtype))
        result = product.reshape(f, -1, oh, lay.pitch)[..., :ow].transpose(1, 0, 2, 3)
        if bias is None:
            np.copyto(out[part], result)
        else:
            np.add(result, bias.reshape(1, f, 1, 1), out=out[part])


def backward(x: np.ndarray, weight: np.ndarray, g: np.ndarray, stride: Pair, padding: Pair,
             dilation: Pair, groups: int, needs: tuple[bool, ...], tag: object = None) -> tuple:
    """Gradients of conv2d on arrays, (gx, gw, gb), None for those not in ``needs``.

    Slices of the batch run in parallel threads (see 6 above), the same slices as the
    forward's; each adds its input gradient into its images and returns its share of gw
    and gb, which are summed.
    """
    (ph, pw), (n, c, h, w) = padding, x.shape
    if n == 0:  # an empty batch: zero gradients
        return (np.zeros(x.shape, g.dtype) if needs[0] else None,
                np.zeros(weight.shape, g.dtype) if needs[1] else None,
                np.zeros(weight.shape[0], g.dtype) if needs[2] else None)
    gx_image = np.zeros((n, c, h + 2 * ph, w + 2 * pw), g.dtype) if needs[0] else None

    def run(part: slice) -> tuple:
        return _backward_slice(x[part], weight, g[part], (stride, padding, dilation, groups),
                               needs, None if gx_image is None else gx_image[part],
                               slice_tag(tag, part))

    shares = threads.over_batch(n, _work(x.shape, weight.shape, g.shape[2:]), run)
    gw, gb = (functools.reduce(np.add, parts) if need else None
              for parts, need in zip(zip(*shares), needs[1:]))
    if gw is not None:
        gw = gw.transpose(0, 2, 1).reshape(weight.shape)
    gx = None
    if gx_image is not None:
        gx = gx_image[:, :, ph:ph + h, pw:pw + w]
    return gx, gw, gb


def _backward_slice(x: np.ndarray, weight: np.ndarray, g: np.ndarray, geometry: tuple,
                    needs: tuple[bool, ...], gx_image: np.ndarray | None, tag: object) -> tuple:
    """The backward of images ``x``, a chunk at a time: the input gradient added into their
    zero-initialised padded ``gx_image``; their (G, C/G * KH * KW, F/G) share of gw (cols @
    g^T, with the columns of the forward tagged ``tag`` if the scratch buffer still holds
    them, else built again) and of gb."""
    stride, padding, dilation, groups = geometry
    dtype = g.dtype
    lay = Layout(x.shape, weight.shape, stride, padding, dilation, groups, dtype.itemsize)
    columns = lay.kept_columns(dtype, tag) if needs[1] else None
    image = padded_input(x, padding) if needs[1] and columns is None else None
    (oh, ow), f, fg = lay.out, lay.f, lay.f // groups
    w_t = weight.reshape(groups, fg, -1).transpose(0, 2, 1)
    # (F, step, OH, pitch), zero under the dropped columns ow >= OW.
    g_buf = scratch("conv2d output gradient", (f, min(lay.step, lay.n), oh, lay.pitch), dtype)
    g_buf[..., ow:] = 0
    cols = lay.new_columns(dtype) if image is not None else None
    gw = np.zeros((groups, weight[0].size, fg), dtype) if needs[1] else None
    gb = np.zeros(f, dtype) if needs[2] else None
    for part in lay.chunks():
        nb = part.stop - part.start
        np.copyto(g_buf[:, :nb, :, :ow], g[part].transpose(1, 0, 2, 3))
        g_mat = g_buf[:, :nb].reshape(groups, fg, nb * lay.per_image)
        if gb is not None:
            gb += g_mat.sum(axis=2).reshape(f)
        blocks = lay.blocks(nb)
        if gw is not None:
            # cols @ g^T, not g @ cols^T: BLAS is far faster with the long N*OH*pitch
            # axis inside the rows of the left operand.
            chunk_cols = columns if columns is not None else lay.fill_columns(image, part, cols)
            gw += inner_blocks(chunk_cols, g_mat.transpose(0, 2, 1), blocks)
        if gx_image is not None and lay.rows:
            lay.add_row_shifts(g_buf[:, :nb], weight, gx_image, part)
        elif gx_image is not None:
            lay.add_columns(column_blocks(w_t, g_mat, blocks), gx_image, part)
    return gw, gb


def _work(x_shape: tuple, w_shape: tuple, out_size: tuple) -> int:
    """The number of column elements of the whole batch: how `threads` weighs a split."""
    return x_shape[0] * x_shape[1] * w_shape[2] * w_shape[3] * out_size[0] * out_size[1]


def slice_tag(tag: object, part: slice) -> object:
    """The tag of one slice's columns: the same slice of the same forward."""
    return None if tag is None else (tag, part.start, part.stop)


def column_blocks(a: np.ndarray, b: np.ndarray, blocks: int,
                  result: np.ndarray | None = None) -> np.ndarray:
    """(G, M, K) @ (G, K, L) as ``blocks`` independent products over equal blocks of b's
    columns, written into one (G, M, L) result (into ``result`` if given)."""
    if blocks == 1:
        return np.matmul(a, b, out=result)
    (g, m, _), length = a.shape, b.shape[2]
    if result is None:
        result = np.empty((g, m, length), np.result_type(a, b))
    split = (g, -1, blocks, length // blocks)
    np.matmul(a[:, None], b.reshape(split).transpose(0, 2, 1, 3),
              out=result.reshape(g, m, blocks, -1).transpose(0, 2, 1, 3))
    return result


def inner_blocks(a: np.ndarray, b: np.ndarray, blocks: int) -> np.ndarray:
    """(G, M, K) @ (G, K, L) as the sum of ``blocks`` products over equal blocks of the
    long inner axis K."""
    if blocks == 1:
        return np.matmul(a, b)
    (g, m, inner), n = a.shape, b.shape[2]
    a_blocks = a.reshape(g, m, blocks, inner // blocks).transpose(0, 2, 1, 3)
    return np.matmul(a_blocks, b.reshape(g, blocks, inner // blocks, n)).sum(axis=1)
