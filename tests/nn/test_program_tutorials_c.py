"""Small versions of PyTorch tutorial programs (part c), each written once as a function
of ``lib`` (minigrad or torch) and run from the same initial weights on synthetic data;
what the tutorials print must be the same text, and losses, outputs, gradients and weights
the same numbers.

10. "Learn the Basics": the Quickstart / "Optimizing Model Parameters" loop (a Dataset of
    28x28 images in place of FashionMNIST, DataLoader, Flatten + Linear/ReLU stack,
    CrossEntropyLoss, SGD, ``model.train()``/``eval()``, the accuracy count with
    ``.type(torch.float)``, ``f"{loss:>7f}"`` logging, the state_dict saved and loaded);
11. "Build the Neural Network": printing the model and ``param[:2]`` (a
    ``grad_fn=<SliceBackward0>``), Softmax and argmax of the logits;
12. "Automatic Differentiation with torch.autograd": binary_cross_entropy_with_logits,
    leaf gradients, ``no_grad`` and ``detach``, Jacobian products accumulating over
    ``backward(..., retain_graph=True)``;
13. "The Fundamentals of Autograd" (introyt): ``linspace`` and ``sin`` printed with their
    grad_fn, the walk down ``next_functions``, a TinyModel's gradients accumulating and
    being zeroed, ``requires_grad`` switched off, ``no_grad``/``enable_grad`` as
    decorators, the doubling loop on ``y.data.norm()`` and ``autograd.functional``;
14. "Tensors" (basics) and "Introduction to PyTorch Tensors" (introyt): factories,
    broadcasting, math and reductions, ``out=``, in-place ops, clone/detach and the NumPy
    bridge, all printed.
Random draws of the tutorials are replaced by seeded NumPy arrays; the dtypes they print
are compared by name (minigrad's dtypes print as NumPy's).
"""
import math
import re

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")
from nn_oracle import assert_same_tensor, dtype_name  # noqa: E402
from test_program_tutorials_a import _assert_same, _load, _weights  # noqa: E402

def _text(*values):
    """What ``print(*values)`` writes, with the library's name spelled as torch's and no
    object addresses."""
    text = " ".join(str(v) for v in values).replace("minigrad.", "torch.")
    return re.sub(r" at 0x[0-9a-f]+", "", text)

def _rand(lib, *shape, seed=0, dtype=np.float32):
    return lib.from_numpy(np.random.default_rng(seed).random(shape).astype(dtype))

# ---- 10. quickstart / optimization ----------------------------------------------------
def _quickstart_model(lib, hidden):
    nn = lib.nn
    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                nn.Linear(hidden, 10))
        def forward(self, x):
            x = self.flatten(x)
            logits = self.linear_relu_stack(x)
            return logits
    return NeuralNetwork()

def _fashion_like(lib, n, seed, dtype):
    class FakeFashionMNIST(lib.utils.data.Dataset):  # ToTensor()'d images and int labels
        def __init__(self):
            rng = np.random.default_rng(seed)
            self.images = rng.random((n, 1, 28, 28)).astype(dtype)
            self.labels = rng.integers(0, 10, n)
        def __len__(self):
            return len(self.labels)
        def __getitem__(self, idx):
            return lib.from_numpy(self.images[idx]), int(self.labels[idx])
    return FakeFashionMNIST()

def _quickstart_program(lib, weights, dtype, path):
    DataLoader = lib.utils.data.DataLoader
    training_data = _fashion_like(lib, 70, 1, dtype)
    test_data = _fashion_like(lib, 40, 2, dtype)
    train_dataloader = DataLoader(training_data, batch_size=16)
    test_dataloader = DataLoader(test_data, batch_size=16)
    printed = []
    for X, y in test_dataloader:
        printed.append(_text("Shape of X [N, C, H, W]: ", X.shape))
        printed.append(_text("Shape of y: ", y.shape, dtype_name(y.dtype)))
        break
    device = (lib.accelerator.current_accelerator().type
              if lib.accelerator.is_available() else "cpu")
    printed.append(f"Using {device} device")
    model = _quickstart_model(lib, 24).to(device)
    if dtype == np.float64:
        model = model.double()
    _load(lib, model, weights)
    printed.append(_text(model))
    loss_fn = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=1e-1)
    losses, accuracies = [], []
    def train(dataloader, model, loss_fn, optimizer):
        size = len(dataloader.dataset)
        model.train()
        for batch, (X, y) in enumerate(dataloader):
            X, y = X.to(device), y.to(device)
            pred = model(X)
            loss = loss_fn(pred, y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            loss, current = loss.item(), (batch + 1) * len(X)
            losses.append(loss)
            printed.append(f"[{current:>5d}/{size:>5d}]")
    def test(dataloader, model, loss_fn):
        size = len(dataloader.dataset)
        num_batches = len(dataloader)
        model.eval()
        test_loss, correct = 0, 0
        with lib.no_grad():
            for X, y in dataloader:
                X, y = X.to(device), y.to(device)
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(lib.float).sum().item()
        test_loss /= num_batches
        correct /= size
        accuracies.append((correct, test_loss))
    for t in range(3):
        train(train_dataloader, model, loss_fn, optimizer)
        test(test_dataloader, model, loss_fn)
    lib.save(model.state_dict(), path)
    model2 = _quickstart_model(lib, 24)
    if dtype == np.float64:
        model2 = model2.double()
    printed.append(_text(model2.load_state_dict(lib.load(path, weights_only=True))))
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]
    model2.eval()
    x, y = test_data[0][0], test_data[0][1]
    with lib.no_grad():
        x = x.to(device)
        pred = model2(x)
        predicted, actual = classes[pred[0].argmax(0)], classes[y]
        printed.append(f'Predicted: "{predicted}", Actual: "{actual}"')
    return printed, losses, accuracies, pred, model2

@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-9), (np.float32, 2e-4)])
def test_quickstart_and_optimization_loop_match_torch(tmp_path, dtype, rtol):
    torch.manual_seed(10)
    weights = _weights(_quickstart_model(torch, 24).to(getattr(torch, np.dtype(dtype).name)))
    rt = _quickstart_program(torch, weights, dtype, tmp_path / "torch.pth")
    ro = _quickstart_program(minigrad, weights, dtype, tmp_path / "minigrad.pth")
    assert ro[0] == rt[0]
    np.testing.assert_allclose(ro[1], rt[1], rtol=rtol)
    np.testing.assert_allclose(ro[2], rt[2], rtol=rtol)
    assert_same_tensor(ro[3], rt[3], rtol=rtol, atol=rtol)
    assert_same_tensor(ro[4].linear_relu_stack[4].weight, rt[4].linear_relu_stack[4].weight,
                       rtol=rtol, atol=rtol)

# ---- 11. build the neural network -----------------------------------------------------
def _buildmodel_program(lib, weights):
    nn = lib.nn
    printed = []
    model = _quickstart_model(lib, 6)
    _load(lib, model, weights)
    printed.append(_text(model))
    X = _rand(lib, 1, 28, 28, seed=3).double()
    logits = model.double()(X)
    pred_probab = nn.Softmax(dim=1)(logits)
    y_pred = pred_probab.argmax(1)
    printed.append(f"Predicted class: {y_pred}")
    input_image = _rand(lib, 3, 28, 28, seed=4)
    printed.append(_text(input_image.size()))
    flatten = nn.Flatten()
    flat_image = flatten(input_image)
    printed.append(_text(flat_image.size()))
    layer1 = nn.Linear(in_features=28 * 28, out_features=20)
    printed.append(_text(layer1, nn.ReLU(), nn.Softmax(dim=1), flatten))
    model.float()
    printed.append(_text("Model structure: ", model, "\n\n"))
    for name, param in model.named_parameters():
        printed.append(_text(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n"))
    return printed, logits, pred_probab

def test_buildmodel_prints_and_predicts_as_torch():
    torch.manual_seed(11)
    weights = _weights(_quickstart_model(torch, 6))
    rt = _buildmodel_program(torch, weights)
    ro = _buildmodel_program(minigrad, weights)
    assert ro[0] == rt[0]
    _assert_same(ro[1:], rt[1:])

# ---- 12. autograd (basics) --------------------------------------------------------------
def _autogradqs_program(lib):
    printed = []
    x = lib.ones(5)
    y = lib.zeros(3)
    w = lib.tensor(np.random.default_rng(5).standard_normal((5, 3)), requires_grad=True)
    b = lib.tensor(np.random.default_rng(6).standard_normal(3), requires_grad=True)
    z = lib.matmul(x.double(), w) + b
    loss = lib.nn.functional.binary_cross_entropy_with_logits(z, y.double())
    printed.append(_text(f"Gradient function for z = {z.grad_fn}"))
    printed.append(_text(f"Gradient function for loss = {loss.grad_fn}"))
    loss.backward()
    z = lib.matmul(x.double(), w) + b
    printed.append(_text(z.requires_grad))
    with lib.no_grad():
        z = lib.matmul(x.double(), w) + b
    printed.append(_text(z.requires_grad))
    z_det = (lib.matmul(x.double(), w) + b).detach()
    printed.append(_text(z_det.requires_grad))
    inp = lib.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(lib.ones_like(out), retain_graph=True)
    printed.append(_text(f"First call\n{inp.grad}"))
    out.backward(lib.ones_like(out), retain_graph=True)
    printed.append(_text(f"\nSecond call\n{inp.grad}"))
    inp.grad.zero_()
    out.backward(lib.ones_like(out), retain_graph=True)
    printed.append(_text(f"\nCall after zeroing gradients\n{inp.grad}"))
    return printed, loss, w.grad, b.grad

def test_autograd_basics_tutorial_matches_torch():
    rt, ro = _autogradqs_program(torch), _autogradqs_program(minigrad)
    assert ro[0] == rt[0]
    _assert_same(ro[1:], rt[1:])

# ---- 13. the fundamentals of autograd (introyt) -----------------------------------------
def _tiny_model(lib):
    class TinyModel(lib.nn.Module):
        def __init__(self):
            super(TinyModel, self).__init__()
            self.layer1 = lib.nn.Linear(40, 12)
            self.relu = lib.nn.ReLU()
            self.layer2 = lib.nn.Linear(12, 10)
        def forward(self, x):
            x = self.layer1(x)
            x = self.relu(x)
            x = self.layer2(x)
            return x
    return TinyModel().double()

def _autogradyt_program(lib, weights):
    printed = []
    show = lambda *v: printed.append(_text(*v))  # noqa: E731
    a = lib.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
    show(a)
    b = lib.sin(a)
    c = 2 * b
    d = c + 1
    out = d.sum()
    show(c.detach().numpy().dtype, out)
    show('d:')
    show(d.grad_fn)
    show(d.grad_fn.next_functions)
    show(d.grad_fn.next_functions[0][0].next_functions)
    show(d.grad_fn.next_functions[0][0].next_functions[0][0].next_functions)
    show(d.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0]
         .next_functions)
    show(c.grad_fn, b.grad_fn, a.grad_fn)
    out.backward()
    grads = [a.grad, b.detach()]
    rng = np.random.default_rng(7)
    some_input = lib.tensor(rng.standard_normal((16, 40)), requires_grad=False)
    ideal_output = lib.tensor(rng.standard_normal((16, 10)), requires_grad=False)
    model = _tiny_model(lib)
    _load(lib, model, weights)
    show(model.layer2.weight[0][0:10], model.layer2.weight.grad)
    optimizer = lib.optim.SGD(model.parameters(), lr=0.001)
    prediction = model(some_input)
    loss = (ideal_output - prediction).pow(2).sum()
    loss.backward()
    grads.append(model.layer2.weight.grad[0][0:10].clone())
    optimizer.step()
    grads.append(model.layer2.weight[0][0:10])
    for i in range(0, 5):
        prediction = model(some_input)
        loss = (ideal_output - prediction).pow(2).sum()
        loss.backward()
    grads.append(model.layer2.weight.grad[0][0:10].clone())
    optimizer.zero_grad()
    show(model.layer2.weight.grad)
    a = lib.ones(2, 3, requires_grad=True)
    b1 = 2 * a
    a.requires_grad = False
    b2 = 2 * a
    show(a, b1, b2)
    a = lib.ones(2, 3, requires_grad=True) * 2
    b = lib.ones(2, 3, requires_grad=True) * 3
    with lib.no_grad():
        c2 = a + b
    show(a + b, c2, a * b)
    @lib.no_grad()
    def add_tensors2(x, y):
        return x + y
    @lib.enable_grad()
    def mul_tensors(x, y):
        return x * y
    with lib.no_grad():
        show(add_tensors2(a, b), mul_tensors(a, b))
    leaf = lib.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
    try:
        lib.sin_(leaf)
        show("no error")
    except RuntimeError:
        show("RuntimeError")
    x = lib.tensor(rng.standard_normal(3), requires_grad=True)
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    v = lib.tensor([0.1, 1.0, 0.0001], dtype=lib.double)
    y.backward(v)
    grads += [y, x.grad]
    def exp_adder(x, y):
        return 2 * x.exp() + 3 * y
    F = lib.autograd.functional
    inputs = (lib.tensor(rng.random(3)), lib.tensor(rng.random(3)))
    jac = F.jacobian(exp_adder, inputs)
    hess = F.hessian(lambda x: (x.exp() * x).sum(), inputs[0])
    def do_some_doubling(x):
        y = x * 2
        while y.data.norm() < 1000:
            y = y * 2
        return y
    my_gradients = lib.tensor([0.1, 1.0, 0.0001], dtype=lib.double)
    products = [F.vjp(do_some_doubling, inputs[0], v=my_gradients),
                F.jvp(do_some_doubling, inputs[0], v=my_gradients),
                F.hvp(lambda x: (x ** 3).sum(), inputs[0], v=my_gradients),
                F.vhp(lambda x: (x ** 3).sum(), inputs[0], v=my_gradients)]
    flat = [t for pair in products for t in pair] + list(jac) + [hess]
    return printed, grads, flat

def test_autograd_fundamentals_tutorial_matches_torch():
    torch.manual_seed(13)
    weights = _weights(_tiny_model(torch))
    rt, ro = _autogradyt_program(torch, weights), _autogradyt_program(minigrad, weights)
    assert ro[0] == rt[0]
    _assert_same(ro[1], rt[1], rtol=1e-6, atol=1e-6)  # (a.grad is float32, as in torch)
    _assert_same(ro[2], rt[2])

# ---- 14. tensors (basics and introyt) ---------------------------------------------------
def _tensors_program(lib):
    printed = []
    show = lambda *v: printed.append(_text(*v))  # noqa: E731
    data = [[1, 2], [3, 4]]
    x_data = lib.tensor(data)
    x_np = lib.from_numpy(np.array(data))
    show(f"Ones Tensor: \n {lib.ones_like(x_data)} \n", x_np)
    x_rand = lib.rand_like(x_data, dtype=lib.float)
    show(x_rand.shape, dtype_name(x_rand.dtype), lib.ones((2, 3,)), lib.zeros((2, 3,)))
    tensor = lib.rand(3, 4)
    show(f"Shape of tensor: {tensor.shape}", f"Device tensor is stored on: {tensor.device}")
    show(lib.cuda.is_available() & (lib.device('cuda').index is not None))
    tensor = lib.ones(4, 4)
    show('First row: ', tensor[0], 'First column: ', tensor[:, 0], tensor[..., -1])
    tensor[:, 1] = 0
    show(tensor, lib.cat([tensor, tensor, tensor], dim=1))
    y3, z3 = lib.rand_like(tensor), lib.rand_like(tensor)
    r = lib.matmul(tensor, tensor.T, out=y3)
    s = lib.mul(tensor, tensor, out=z3)
    show(tensor @ tensor.T, tensor.matmul(tensor.T), y3, r is y3, tensor.mul(tensor), z3,
         s is z3)
    agg_item = tensor.sum().item()
    show(agg_item, type(agg_item), tensor.add_(5))
    t = lib.ones(5)
    n = t.numpy()
    t.add_(1)
    show(f"t: {t}", f"n: {n}")
    n = np.ones(5)
    t = lib.from_numpy(n)
    np.add(n, 1, out=n)
    show(f"t: {t}", f"n: {n}")
    lib.manual_seed(1729)
    random1, random2 = lib.rand(2, 3), lib.rand(2, 3)
    lib.manual_seed(1729)
    show(bool((random1 == lib.rand(2, 3)).all()), bool((random2 == lib.rand(2, 3)).all()))
    x = lib.empty(2, 2, 3)
    for like in (lib.empty_like, lib.zeros_like, lib.ones_like, lib.rand_like):
        show(like(x).shape)
    show(lib.tensor([[3.1415926, 2.71828], [1.61803, 0.0072897]]),
         lib.tensor((2, 3, 5, 7, 11, 13, 17, 19)), lib.tensor(((2, 4, 6), [3, 6, 9])))
    b = _rand(lib, 2, 3, seed=1, dtype=np.float64) * 20.
    show(lib.ones((2, 3), dtype=lib.int16), b, b.to(lib.int32))
    ones = lib.zeros(2, 2) + 1
    twos = lib.ones(2, 2) * 2
    threes = (lib.ones(2, 2) * 7 - 1) / 2
    fours = twos ** 2
    show(ones, twos, threes, fours, twos ** 0.5, twos ** lib.tensor([[1, 2], [3, 4]]),
         ones + fours, threes * fours)
    a = lib.ones(4, 3, 2)
    show(a * _rand(lib, 3, 2), a * _rand(lib, 3, 1), a * _rand(lib, 1, 2))
    for shape in [(4, 3), (2, 3), (0,)]:
        try:
            a * lib.ones(shape)
            show("ok")
        except RuntimeError:
            show("RuntimeError")
    a = _rand(lib, 2, 4, seed=2) * 2 - 1
    show(lib.abs(a), lib.ceil(a), lib.floor(a), lib.clamp(a, -0.5, 0.5))
    angles = lib.tensor([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4])
    show(angles, lib.sin(angles), lib.asin(lib.sin(angles)))
    show(lib.bitwise_xor(lib.tensor([1, 5, 11]), lib.tensor([2, 7, 10])))
    d = lib.tensor([[1., 2.], [3., 4.]])
    show(lib.eq(d, lib.ones(1, 2)), lib.max(d), lib.max(d).item(), lib.mean(d), lib.std(d),
         lib.prod(d), lib.unique(lib.tensor([1, 2, 1, 2, 1, 2])))
    v1, v2 = lib.tensor([1., 0., 0.]), lib.tensor([0., 1., 0.])
    m3 = lib.matmul(_rand(lib, 2, 2, seed=3), lib.tensor([[3., 0.], [0., 3.]]))
    show(lib.linalg.cross(v2, v1), lib.cross(v2, v1, dim=0), m3)
    svd = lib.svd(m3.double())
    b = lib.tensor([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4])
    show(lib.sin_(b), b)
    a, b = lib.ones(2, 2), _rand(lib, 2, 2, seed=4)
    show(a.add_(b), a, b.mul_(b), b)
    c = lib.zeros(2, 2)
    d = lib.matmul(_rand(lib, 2, 2, seed=5), _rand(lib, 2, 2, seed=6), out=c)
    show(c, c is d)
    show(lib.rand(2, 2, out=c) is c)
    a = lib.ones(2, 2)
    b = a
    a[0][1] = 561
    c = a.clone()
    a[1][0] = 7
    show(b, c, lib.eq(a, c))
    a = _rand(lib, 2, 2, seed=7).requires_grad_()
    show(a, a.clone(), a.detach().clone(), a)
    my_device = lib.device('cuda') if lib.cuda.is_available() else lib.device('cpu')
    show('Device: {}'.format(my_device), lib.rand(2, 2, device=my_device).device)
    b = lib.rand(3, 226, 226).unsqueeze(0)
    show(b.shape, _rand(lib, 1, 1, 1, 1, 1), _rand(lib, 1, 20).squeeze(0),
         lib.rand(2, 2).squeeze(0).shape, (lib.ones(4, 3, 2) * _rand(lib, 3).unsqueeze(1)))
    batch_me = lib.rand(3, 226, 226)
    batch_me.unsqueeze_(0)
    output3d = lib.rand(6, 20, 20)
    show(batch_me.shape, output3d.reshape(6 * 20 * 20).shape,
         lib.reshape(output3d, (6 * 20 * 20,)).shape)
    numpy_array = np.ones((2, 3))
    pytorch_tensor = lib.from_numpy(numpy_array)
    pytorch_rand = _rand(lib, 2, 3, seed=8)
    numpy_rand = pytorch_rand.numpy()
    numpy_array[1, 1] = 23
    pytorch_rand[1, 1] = 17
    show(pytorch_tensor, numpy_rand)
    return printed, svd

def test_tensor_tutorials_print_as_torch():
    rt, ro = _tensors_program(torch), _tensors_program(minigrad)
    for mine, theirs in zip(ro[0], rt[0]):
        assert mine == theirs
    assert len(ro[0]) == len(rt[0])
    _assert_same(ro[1], rt[1], rtol=1e-10, atol=1e-10)
