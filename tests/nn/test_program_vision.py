"""Small versions of two vision programs of pytorch/examples, each written once as a
function of ``lib`` (minigrad or torch), started from the same weights and data: the
losses at every step, the outputs, the final weights, dtypes and shapes must agree.

* super_resolution: a Conv2d stack ending in nn.PixelShuffle, weights drawn with
  ``init.orthogonal_(w, init.calculate_gain('relu'))``, MSELoss, Adam, and the PSNR of
  the evaluation pass computed as ``10 * log10(1 / mse)`` (math.log10 and the tensor
  log10);
* fast_neural_style: a TransformerNet-like net (ReflectionPad2d, InstanceNorm2d with
  affine=True, residual blocks, upsampling with ``interpolate(mode='nearest',
  scale_factor=2)``), a tiny VGG-like feature extractor with frozen weights returning
  a namedtuple, ``normalize_batch`` (``new_tensor(...).view(-1, 1, 1)`` and an in-place
  ``div_``), gram matrices with ``bmm``/``transpose``, content + style loss, Adam.

Everything that is compared tightly runs in float64; float32 runs check dtypes and agree
to float32 precision.
"""
import math
from collections import namedtuple

import numpy as np
import pytest

import minigrad
from nn_oracle import assert_same_state, assert_same_tensor, copy_weights, dtype_name

torch = pytest.importorskip("torch")
LIBS = ("torch", "minigrad")


def _lib(name):
    return torch if name == "torch" else minigrad


def _assert_same_weights(ours, theirs, rtol=1e-8, atol=1e-10):
    assert_same_state(ours, theirs, rtol, atol)


def _assert_close(ours, theirs, rtol=1e-8, atol=1e-10, msg=""):
    assert_same_tensor(ours, theirs, rtol, atol, msg)


# ----------------------------------------------------------------------------------------
# super_resolution
# ----------------------------------------------------------------------------------------

def _super_resolution_net(lib, upscale=2):
    init = lib.nn.init

    class SuperRes(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.relu = lib.nn.ReLU()
            self.conv1 = lib.nn.Conv2d(1, 8, (5, 5), (1, 1), (2, 2))
            self.conv2 = lib.nn.Conv2d(8, 8, (3, 3), (1, 1), (1, 1))
            self.conv3 = lib.nn.Conv2d(8, 6, (3, 3), (1, 1), (1, 1))
            self.conv4 = lib.nn.Conv2d(6, upscale ** 2, (3, 3), (1, 1), (1, 1))
            self.pixel_shuffle = lib.nn.PixelShuffle(upscale)
            for conv in (self.conv1, self.conv2, self.conv3):
                init.orthogonal_(conv.weight, init.calculate_gain("relu"))
            init.orthogonal_(self.conv4.weight)

        def forward(self, x):
            x = self.relu(self.conv1(x))
            x = self.relu(self.conv2(x))
            x = self.relu(self.conv3(x))
            return self.pixel_shuffle(self.conv4(x))

    return SuperRes()


def _super_resolution_run(lib, model, batches, test_batches, lr=1e-2):
    criterion = lib.nn.MSELoss()
    optimizer = lib.optim.Adam(model.parameters(), lr=lr)
    losses, psnrs, tensor_psnrs = [], [], []
    for low, high in batches:
        inp, target = lib.tensor(low), lib.tensor(high)
        optimizer.zero_grad()
        loss = criterion(model(inp), target)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    with lib.no_grad():
        for low, high in test_batches:
            prediction = model(lib.tensor(low))
            mse = criterion(prediction, lib.tensor(high))
            psnrs.append(10 * math.log10(1 / mse.item()))
            tensor_psnrs.append(10 * lib.log10(1 / mse))
    return losses, psnrs, tensor_psnrs, prediction


def _super_resolution_data(rng, dtype, n_train=4, n_test=2):
    def batch():
        high = rng.random((3, 1, 12, 12)).astype(dtype)
        low = high.reshape(3, 1, 6, 2, 6, 2).mean(axis=(3, 5))
        return low, high
    return [batch() for _ in range(n_train)], [batch() for _ in range(n_test)]


def test_calculate_gain_matches_torch():
    for name, param in (("relu", None), ("leaky_relu", 0.2), ("tanh", None),
                        ("linear", None), ("conv2d", None), ("selu", None)):
        assert minigrad.nn.init.calculate_gain(name, param) == pytest.approx(
            torch.nn.init.calculate_gain(name, param), rel=1e-15), name


@pytest.mark.parametrize("shape", [(8, 1, 5, 5), (4, 6, 3, 3), (30, 2, 2, 2)])
def test_orthogonal_init_with_relu_gain_is_scaled_orthogonal(shape):
    gain = minigrad.nn.init.calculate_gain("relu")
    minigrad.manual_seed(0)
    weight = minigrad.empty(*shape, dtype=minigrad.float64)
    returned = minigrad.nn.init.orthogonal_(weight, gain)
    assert returned is weight
    flat = weight.detach().numpy().reshape(shape[0], -1)
    rows, cols = flat.shape
    gram = flat @ flat.T if rows <= cols else flat.T @ flat
    np.testing.assert_allclose(gram, gain ** 2 * np.eye(min(rows, cols)), atol=1e-12)


@pytest.mark.parametrize("upscale", [2, 3])
def test_pixel_shuffle_module_and_functional_match_torch(upscale):
    x = np.random.default_rng(4).standard_normal((2, 2 * upscale ** 2, 3, 4))
    expected = torch.nn.PixelShuffle(upscale)(torch.tensor(x))
    _assert_close(minigrad.nn.PixelShuffle(upscale)(minigrad.tensor(x)), expected, 0, 0)
    _assert_close(minigrad.nn.functional.pixel_shuffle(minigrad.tensor(x), upscale),
                  expected, 0, 0)


def test_super_resolution_training_and_psnr_match_torch_float64():
    theirs = _super_resolution_net(torch).double()
    ours = _super_resolution_net(minigrad).double()
    copy_weights(theirs, ours)
    batches, test_batches = _super_resolution_data(np.random.default_rng(7), np.float64)
    loss_t, psnr_t, tpsnr_t, pred_t = _super_resolution_run(torch, theirs, batches,
                                                            test_batches)
    loss_o, psnr_o, tpsnr_o, pred_o = _super_resolution_run(minigrad, ours, batches,
                                                            test_batches)
    for step, (lo, lt) in enumerate(zip(loss_o, loss_t)):
        assert lo == pytest.approx(lt, rel=1e-9), f"step {step}"
    np.testing.assert_allclose(psnr_o, psnr_t, rtol=1e-9)
    for ours_psnr, their_psnr in zip(tpsnr_o, tpsnr_t):
        _assert_close(ours_psnr, their_psnr, rtol=1e-9)
        assert ours_psnr.requires_grad is False
    assert tuple(pred_o.shape) == (3, 1, 12, 12)
    _assert_close(pred_o, pred_t, rtol=1e-8)
    _assert_same_weights(ours, theirs)


def test_super_resolution_float32_dtypes_and_losses_match_torch():
    theirs, ours = _super_resolution_net(torch), _super_resolution_net(minigrad)
    copy_weights(theirs, ours)
    batches, test_batches = _super_resolution_data(np.random.default_rng(8), np.float32, 3, 1)
    loss_t, psnr_t, tpsnr_t, pred_t = _super_resolution_run(torch, theirs, batches,
                                                            test_batches)
    loss_o, psnr_o, tpsnr_o, pred_o = _super_resolution_run(minigrad, ours, batches,
                                                            test_batches)
    np.testing.assert_allclose(loss_o, loss_t, rtol=2e-5)
    np.testing.assert_allclose(psnr_o, psnr_t, rtol=2e-5)
    assert dtype_name(pred_o.dtype) == dtype_name(pred_t.dtype) == "float32"
    assert dtype_name(tpsnr_o[0].dtype) == dtype_name(tpsnr_t[0].dtype)
    _assert_close(pred_o, pred_t, rtol=1e-4, atol=1e-5)
    _assert_same_weights(ours, theirs, rtol=1e-4, atol=1e-5)


# ----------------------------------------------------------------------------------------
# fast_neural_style
# ----------------------------------------------------------------------------------------

def _transformer_net(lib, ch=4):
    nn = lib.nn

    class ConvLayer(nn.Module):
        def __init__(self, cin, cout, kernel_size, stride):
            super().__init__()
            self.reflection_pad = nn.ReflectionPad2d(kernel_size // 2)
            self.conv2d = nn.Conv2d(cin, cout, kernel_size, stride)

        def forward(self, x):
            return self.conv2d(self.reflection_pad(x))

    class Residual(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.conv1, self.in1 = ConvLayer(c, c, 3, 1), nn.InstanceNorm2d(c, affine=True)
            self.conv2, self.in2 = ConvLayer(c, c, 3, 1), nn.InstanceNorm2d(c, affine=True)
            self.relu = nn.ReLU()

        def forward(self, x):
            out = self.relu(self.in1(self.conv1(x)))
            return self.in2(self.conv2(out)) + x

    class UpsampleConv(ConvLayer):
        def __init__(self, cin, cout, kernel_size, stride, upsample=None):
            super().__init__(cin, cout, kernel_size, stride)
            self.upsample = upsample

        def forward(self, x):
            if self.upsample:
                x = nn.functional.interpolate(x, mode="nearest", scale_factor=self.upsample)
            return super().forward(x)

    class TransformerNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.in1 = ConvLayer(3, ch, 5, 1), nn.InstanceNorm2d(ch, affine=True)
            self.conv2, self.in2 = ConvLayer(ch, 2 * ch, 3, 2), nn.InstanceNorm2d(2 * ch,
                                                                                  affine=True)
            self.res1, self.res2 = Residual(2 * ch), Residual(2 * ch)
            self.deconv1 = UpsampleConv(2 * ch, ch, 3, 1, upsample=2)
            self.in3 = nn.InstanceNorm2d(ch, affine=True)
            self.deconv2 = ConvLayer(ch, 3, 5, 1)
            self.relu = nn.ReLU()

        def forward(self, x):
            y = self.relu(self.in1(self.conv1(x)))
            y = self.relu(self.in2(self.conv2(y)))
            y = self.res2(self.res1(y))
            y = self.relu(self.in3(self.deconv1(y)))
            return self.deconv2(y)

    return TransformerNet()


def _tiny_vgg(lib):
    nn = lib.nn
    VggOutputs = namedtuple("VggOutputs", ["relu1_2", "relu2_2"])

    class TinyVgg(nn.Module):
        def __init__(self):
            super().__init__()
            self.slice1 = nn.Sequential()
            self.slice2 = nn.Sequential()
            features = [nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(inplace=True),
                        nn.Conv2d(4, 4, 3, padding=1), nn.ReLU(inplace=True),
                        nn.MaxPool2d(2, 2), nn.Conv2d(4, 6, 3, padding=1),
                        nn.ReLU(inplace=True)]
            for i in range(4):
                self.slice1.add_module(str(i), features[i])
            for i in range(4, 7):
                self.slice2.add_module(str(i), features[i])
            for param in self.parameters():
                param.requires_grad = False

        def forward(self, x):
            h1 = self.slice1(x)
            h2 = self.slice2(h1)
            return VggOutputs(h1, h2)

    return TinyVgg()


def _gram_matrix(y):
    (b, ch, h, w) = y.size()
    features = y.view(b, ch, w * h)
    return features.bmm(features.transpose(1, 2)) / (ch * h * w)


def _normalize_batch(batch):
    mean = batch.new_tensor([0.485, 0.456, 0.406]).view(-1, 1, 1)
    std = batch.new_tensor([0.229, 0.224, 0.225]).view(-1, 1, 1)
    batch = batch.div_(255.0)
    return (batch - mean) / std


def _style_run(lib, transformer, vgg, images, style_image, content_weight=1e2,
               style_weight=1e5, lr=1e-2):
    optimizer = lib.optim.Adam(transformer.parameters(), lr)
    mse_loss = lib.nn.MSELoss()
    batch_size = images[0].shape[0]
    style = lib.tensor(style_image).repeat(batch_size, 1, 1, 1)
    features_style = vgg(_normalize_batch(style))
    gram_style = [_gram_matrix(y) for y in features_style]
    history = []
    transformer.train()
    for image in images:
        x = lib.tensor(image)
        n_batch = len(x)
        optimizer.zero_grad()
        y = transformer(x)
        y = _normalize_batch(y)
        x = _normalize_batch(x)
        features_y, features_x = vgg(y), vgg(x)
        content_loss = content_weight * mse_loss(features_y.relu2_2, features_x.relu2_2)
        style_loss = 0.
        for ft_y, gm_s in zip(features_y, gram_style):
            style_loss += mse_loss(_gram_matrix(ft_y), gm_s[:n_batch, :, :])
        style_loss *= style_weight
        total_loss = content_loss + style_loss
        total_loss.backward()
        optimizer.step()
        history.append((content_loss.item(), style_loss.item(), total_loss.item()))
    transformer.eval()
    with lib.no_grad():
        stylized = transformer(lib.tensor(images[0][:1] * 1.0)).cpu()
    return history, gram_style, stylized


def _style_data(rng, dtype, steps=3):
    images = [(rng.random((2, 3, 8, 8)) * 255).astype(dtype) for _ in range(steps)]
    return images, (rng.random((3, 8, 8)) * 255).astype(dtype)


def _style_models(dtype_text):
    nets = {}
    for name in LIBS:
        lib = _lib(name)
        transformer, vgg = _transformer_net(lib), _tiny_vgg(lib)
        if dtype_text == "float64":
            transformer, vgg = transformer.double(), vgg.double()
        nets[name] = (transformer, vgg)
    for t, o in zip(nets["torch"], nets["minigrad"]):
        copy_weights(t, o)
    for param in nets["minigrad"][1].parameters():
        assert param.requires_grad is False
    return nets


def test_transformer_net_state_dict_keys_match_torch():
    keys_t = list(_transformer_net(torch).state_dict())
    keys_o = list(_transformer_net(minigrad).state_dict())
    assert keys_o == keys_t
    assert "in1.weight" in keys_o and "in1.running_mean" not in keys_o


def test_normalize_batch_and_gram_matrix_match_torch():
    rng = np.random.default_rng(11)
    x = rng.random((2, 3, 5, 4)) * 255
    results = {}
    for name in LIBS:
        lib = _lib(name)
        batch = lib.tensor(x, requires_grad=True)
        y = batch * 1.0
        normalized = _normalize_batch(y)
        np.testing.assert_allclose(y.detach().numpy(), x / 255.0)  # div_ is in place
        gram = _gram_matrix(normalized)
        (gram.sum() + normalized.pow(2).sum()).backward()
        results[name] = (normalized, gram, batch.grad)
    for ours, theirs in zip(results["minigrad"], results["torch"]):
        _assert_close(ours, theirs, rtol=1e-10)
    assert tuple(results["minigrad"][1].shape) == (2, 3, 3)


def test_nearest_interpolate_scale_factor_two_matches_torch():
    x = np.random.default_rng(12).standard_normal((1, 2, 3, 5))
    xt, xo = torch.tensor(x, requires_grad=True), minigrad.tensor(x, requires_grad=True)
    yt = torch.nn.functional.interpolate(xt, mode="nearest", scale_factor=2)
    yo = minigrad.nn.functional.interpolate(xo, mode="nearest", scale_factor=2)
    _assert_close(yo, yt, 0, 0)
    r = np.random.default_rng(13).standard_normal(tuple(yt.shape))
    (yt * torch.tensor(r)).sum().backward()
    (yo * minigrad.tensor(r)).sum().backward()
    _assert_close(xo.grad, xt.grad, rtol=1e-12)


def test_repeat_returns_a_writable_copy_like_torch():
    # the style image is ``style.repeat(batch, 1, 1, 1)`` and then divided in place
    results = {}
    for name in LIBS:
        lib = _lib(name)
        base = lib.tensor(np.arange(6.0).reshape(1, 2, 3))
        repeated = base.repeat(2, 1, 1)
        repeated.div_(2.0)
        repeated[0, 0, 0] = 9.0
        results[name] = (base, repeated)
    for ours, theirs in zip(results["minigrad"], results["torch"]):
        _assert_close(ours, theirs, 0, 0)


def test_fast_neural_style_training_matches_torch_float64():
    nets = _style_models("float64")
    images, style_image = _style_data(np.random.default_rng(21), np.float64)
    runs = {name: _style_run(_lib(name), *nets[name], images, style_image) for name in LIBS}
    (hist_t, grams_t, out_t), (hist_o, grams_o, out_o) = runs["torch"], runs["minigrad"]
    for step, (lo, lt) in enumerate(zip(hist_o, hist_t)):
        np.testing.assert_allclose(lo, lt, rtol=1e-8, err_msg=f"step {step}")
    for go, gt in zip(grams_o, grams_t):
        _assert_close(go, gt, rtol=1e-10)
    _assert_close(out_o, out_t, rtol=1e-7, atol=1e-8, msg="stylized image")
    _assert_same_weights(nets["minigrad"][0], nets["torch"][0], rtol=1e-7)
    _assert_same_weights(nets["minigrad"][1], nets["torch"][1], rtol=0, atol=0)
    for param in nets["minigrad"][1].parameters():
        assert param.grad is None  # the frozen VGG receives no gradient
    # save_image: clamp to [0, 255], HWC uint8
    img_t = out_t[0].clone().clamp(0, 255).numpy().transpose(1, 2, 0).astype("uint8")
    img_o = out_o[0].clone().clamp(0, 255).numpy().transpose(1, 2, 0).astype("uint8")
    assert img_o.shape == img_t.shape == (8, 8, 3)


def test_fast_neural_style_float32_dtypes_match_torch():
    nets = _style_models("float32")
    images, style_image = _style_data(np.random.default_rng(22), np.float32, steps=2)
    runs = {name: _style_run(_lib(name), *nets[name], images, style_image) for name in LIBS}
    (hist_t, grams_t, out_t), (hist_o, grams_o, out_o) = runs["torch"], runs["minigrad"]
    np.testing.assert_allclose(hist_o, hist_t, rtol=1e-4)
    for go, gt in zip(grams_o, grams_t):
        _assert_close(go, gt, rtol=1e-4, atol=1e-5)
    assert dtype_name(out_o.dtype) == dtype_name(out_t.dtype) == "float32"
    # A conv bias followed by InstanceNorm (and the InstanceNorm bias of a residual block,
    # whose shift the next InstanceNorm removes) has an exactly-zero true gradient; in
    # float32 its computed gradient is rounding noise that Adam scales up to steps of up
    # to lr = 1e-2. The conv biases are skipped; atol 1e-3 absorbs the rest.
    reference = nets["torch"][0].state_dict()
    for name, value in nets["minigrad"][0].state_dict().items():
        assert dtype_name(value.dtype) == "float32", name
        if name.endswith("conv2d.bias") and not name.startswith("deconv2"):
            continue
        np.testing.assert_allclose(value.numpy(), reference[name].numpy(), rtol=1e-3,
                                   atol=1e-3, err_msg=name)
