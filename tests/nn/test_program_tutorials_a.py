"""Small versions of PyTorch tutorial programs (part a), each written once as a function
of ``lib`` (minigrad or torch) and run from the same initial weights on synthetic data;
losses at every step, outputs, gradients, final weights, dtypes, shapes, printed strings
and which calls raise must agree.

1. "Reinforcement Learning (DQN)"; 2. "Defining a custom autograd Function" / "Extending
PyTorch" and the LegendrePolynomial3 fit; 3. "Forward-mode AD"; 4. "Adversarial Example
Generation (FGSM)"; 5. "Spatial Transformer Networks". (Nested classes have no blank lines
between methods, to keep the file short; test_program_tutorials_b.py uses these helpers.)
"""
import math
import random
from collections import deque, namedtuple

import numpy as np
import pytest

import minigrad
from nn_oracle import assert_same_state, assert_same_tensor, dtype_name

torch = pytest.importorskip("torch")

def _assert_same(ours, theirs, rtol=1e-8, atol=1e-12):
    assert len(ours) == len(theirs)
    for i, (o, t) in enumerate(zip(ours, theirs)):
        if hasattr(t, "detach"):
            assert_same_tensor(o, t, rtol, atol, msg=f"item {i}")
        else:
            assert o == t, f"item {i}: {o!r} != {t!r}"

def _weights(module):
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}

def _load(lib, module, weights):
    module.load_state_dict({k: lib.tensor(v) for k, v in weights.items()})

def _outcome(fn):
    try:
        return ("ok", fn())
    except Exception as exc:  # noqa: BLE001 - the kind of error is what we compare
        return ("raises", "RuntimeError" if isinstance(exc, RuntimeError) else repr(exc))

# ---- 1. DQN --------------------------------------------------------------------------
Transition = namedtuple("Transition", ("state", "action", "next_state", "reward"))
class ReplayMemory:
    def __init__(self, capacity):
        self.memory = deque([], maxlen=capacity)
    def push(self, *args):
        self.memory.append(Transition(*args))
    def sample(self, batch_size):
        return random.sample(self.memory, batch_size)
    def __len__(self):
        return len(self.memory)

class CartLike:
    """A deterministic 4-d environment; episodes end when the state leaves a box."""
    def reset(self, k):
        self.s, self.t = np.array([0.05 * k, -0.02, 0.03, 0.01 * k]), 0
        return self.s.copy()
    def step(self, action):
        self.t += 1
        push = 0.3 if action == 1 else -0.3
        self.s = self.s + 0.1 * np.array([self.s[1], push + self.s[2], -self.s[0], push])
        done = bool(np.abs(self.s).max() > 0.4) or self.t >= 12
        return self.s.copy(), 1.0 - abs(self.s[0]), done

def _dqn_net(lib):
    class DQN(lib.nn.Module):
        def __init__(self, n_obs, n_actions):
            super().__init__()
            self.layer1, self.layer2 = lib.nn.Linear(n_obs, 16), lib.nn.Linear(16, 16)
            self.layer3 = lib.nn.Linear(16, n_actions)
        def forward(self, x):
            x = lib.nn.functional.relu(self.layer1(x))
            return self.layer3(lib.nn.functional.relu(self.layer2(x)))
    return DQN(4, 2).double()

def _dqn_program(lib, weights):
    random.seed(3)
    BATCH, GAMMA, TAU, LR = 8, 0.99, 0.05, 1e-2
    policy_net, target_net = _dqn_net(lib), _dqn_net(lib)
    _load(lib, policy_net, weights)
    target_net.load_state_dict(policy_net.state_dict())
    optimizer = lib.optim.AdamW(policy_net.parameters(), lr=LR, amsgrad=True)
    memory, env, steps_done = ReplayMemory(50), CartLike(), 0
    log = {"losses": [], "actions": [], "printed": [], "q": []}
    def select_action(state):
        nonlocal steps_done
        eps = 0.05 + 0.85 * math.exp(-1.0 * steps_done / 20)
        steps_done += 1
        if random.random() > eps:
            with lib.no_grad():
                return policy_net(state).max(1).indices.view(1, 1)
        return lib.tensor([[random.randrange(2)]], dtype=lib.long)
    def optimize_model():
        if len(memory) < BATCH:
            return
        batch = Transition(*zip(*memory.sample(BATCH)))
        non_final_mask = lib.tensor(tuple(map(lambda s: s is not None, batch.next_state)),
                                    dtype=lib.bool)
        non_final_next_states = lib.cat([s for s in batch.next_state if s is not None])
        state_batch, action_batch, reward_batch = (lib.cat(batch.state), lib.cat(batch.action),
                                                   lib.cat(batch.reward))
        state_action_values = policy_net(state_batch).gather(1, action_batch)
        next_state_values = lib.zeros(BATCH, dtype=lib.float64)
        with lib.no_grad():
            next_state_values[non_final_mask] = target_net(non_final_next_states).max(1).values
        expected = (next_state_values * GAMMA) + reward_batch
        loss = lib.nn.SmoothL1Loss()(state_action_values, expected.unsqueeze(1))
        optimizer.zero_grad()
        loss.backward()
        lib.nn.utils.clip_grad_value_(policy_net.parameters(), 0.05)
        optimizer.step()
        log["losses"].append(loss.item())
        log["q"].append((tuple(state_action_values.shape), dtype_name(expected.dtype),
                         dtype_name(non_final_mask.dtype), int(non_final_mask.sum())))
    for episode in range(4):
        obs = env.reset(episode)
        state = lib.tensor(obs, dtype=lib.float64).unsqueeze(0)
        for t in range(20):
            action = select_action(state)
            log["actions"].append((action.item(), tuple(action.shape),
                                   dtype_name(action.dtype)))
            obs, reward, done = env.step(action.item())
            reward = lib.tensor([reward], dtype=lib.float64)
            next_state = None if done else lib.tensor(obs, dtype=lib.float64).unsqueeze(0)
            memory.push(state, action, next_state, reward)
            state = next_state
            optimize_model()
            target_sd, policy_sd = target_net.state_dict(), policy_net.state_dict()
            for key in policy_sd:
                target_sd[key] = policy_sd[key] * TAU + target_sd[key] * (1 - TAU)
            target_net.load_state_dict(target_sd)
            if done:
                log["printed"].append(f"episode {episode} duration {t + 1}")
                break
    log["printed"].append(str(policy_net(lib.zeros(1, 4, dtype=lib.float64))
                              .max(1).indices.view(1, 1)))
    return policy_net, target_net, log

def test_dqn_tutorial_matches_torch():
    torch.manual_seed(0)
    weights = _weights(_dqn_net(torch))
    pol_t, tgt_t, log_t = _dqn_program(torch, weights)
    pol_o, tgt_o, log_o = _dqn_program(minigrad, weights)
    assert len(log_t["losses"]) > 10
    np.testing.assert_allclose(log_o["losses"], log_t["losses"], rtol=1e-8)
    for key in ("actions", "printed", "q"):
        assert log_o[key] == log_t[key], key
    assert_same_state(pol_o, pol_t)
    assert_same_state(tgt_o, tgt_t)

# ---- 2. custom autograd Functions ----------------------------------------------------
def _legendre_fit(lib):
    class LegendrePolynomial3(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)
        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)
    dtype = lib.float64
    x = lib.linspace(-math.pi, math.pi, 500, dtype=dtype)
    y = lib.sin(x - 0.2)  # (not odd, so that c is not zero up to rounding noise)
    a, b, c, d = (lib.full((), v, dtype=dtype, requires_grad=True) for v in (0, -1, 0, 0.3))
    lr, losses, printed = 2e-5, [], []
    for t in range(300):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        if t % 100 == 99:
            printed.append(f"{t} {loss.item():.6f}")
        loss.backward()
        with lib.no_grad():
            for p in (a, b, c, d):
                p -= lr * p.grad
                p.grad = None
    printed.append(f"Result: y = {a.item():.6f} + {b.item():.6f} * P3({c.item():.6f} + "
                   f"{d.item():.6f} x)")
    return losses, printed, (a, b, c, d), dtype_name(y_pred.dtype), y_pred.grad_fn is not None

def test_legendre_polynomial_fit_matches_torch():
    lt, pt, wt, dt, gt = _legendre_fit(torch)
    lo, po, wo, do, go = _legendre_fit(minigrad)
    np.testing.assert_allclose(lo, lt, rtol=1e-8)
    assert lt[-1] < lt[0]
    assert po == pt and (do, go) == (dt, gt)
    _assert_same(wo, wt)

def _custom_basics(lib):
    class MyMul(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, w, scale):
            ctx.save_for_backward(x, w)
            ctx.scale = scale
            return x * w * scale
        @staticmethod
        def backward(ctx, grad):
            x, w = ctx.saved_tensors
            ctx.seen = tuple(ctx.needs_input_grad)
            gx = grad * w * ctx.scale if ctx.needs_input_grad[0] else None
            gw = grad * x * ctx.scale if ctx.needs_input_grad[1] else None
            return gx, gw, None
    class BadGrad(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2
        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * 3 * x
    rng = np.random.default_rng(4)
    x = lib.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    w = lib.tensor(rng.standard_normal((3, 4)))
    y = MyMul.apply(x, w, 2.5)
    node = y.grad_fn
    y.sum().backward()
    w.requires_grad_(True)
    gc = lib.autograd.gradcheck(lambda a, b: MyMul.apply(a, b, 1.5), (x, w))
    ggc = lib.autograd.gradgradcheck(lambda a, b: MyMul.apply(a, b, 1.5), (x, w))
    bad_quiet = lib.autograd.gradcheck(BadGrad.apply, (x,), raise_exception=False)
    bad_loud = _outcome(lambda: lib.autograd.gradcheck(BadGrad.apply, (x,)))
    return (x.grad, y, node.name(), node.seen, gc, ggc, bad_quiet, bad_loud[0],
            y.requires_grad, w.grad is None)

def test_custom_function_basics_match_torch():
    rt = _custom_basics(torch)
    assert rt[3] == (True, False, False) and rt[4:8] == (True, True, False, "raises")
    _assert_same(_custom_basics(minigrad), rt)

def _non_differentiable(lib):
    class SortWithIndices(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            values, idx = x.sort(dim=1)
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            return values, idx
        @staticmethod
        def backward(ctx, g, g_idx):
            idx, = ctx.saved_tensors
            return lib.zeros_like(g).scatter(1, idx, g)
    x = lib.tensor(np.random.default_rng(5).standard_normal((2, 5)), requires_grad=True)
    values, idx = SortWithIndices.apply(x)
    (values * lib.arange(5, dtype=lib.float64)).sum().backward()
    return x.grad, values, idx, idx.requires_grad, values.requires_grad

def test_mark_non_differentiable_matches_torch():
    rt = _non_differentiable(torch)
    assert rt[3:] == (False, True)
    _assert_same(_non_differentiable(minigrad), rt)

def _materialize(lib, materialize):
    class TwoOut(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(materialize)
            return x.clone(), x.clone()
        @staticmethod
        def backward(ctx, g1, g2):
            ctx.kinds = (g1 is None, g2 is None)
            return g1 if g2 is None else g1 + 2 * g2
    x = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
    a, b = TwoOut.apply(x)
    (a * 3).sum().backward()
    return x.grad, a.grad_fn.kinds

@pytest.mark.parametrize("materialize", [True, False])
def test_set_materialize_grads_matches_torch(materialize):
    rt = _materialize(torch, materialize)
    assert rt[1] == (False, not materialize)
    _assert_same(_materialize(minigrad, materialize), rt)

def _setup_context_style(lib):
    class LinearFn(lib.autograd.Function):
        @staticmethod
        def forward(input, weight, bias=None):
            out = input.mm(weight.t())
            return out if bias is None else out + bias
        @staticmethod
        def setup_context(ctx, inputs, output):
            input, weight, bias = inputs
            ctx.save_for_backward(input, weight, bias)
        @staticmethod
        def backward(ctx, grad_output):
            input, weight, bias = ctx.saved_tensors
            gi = grad_output.mm(weight) if ctx.needs_input_grad[0] else None
            gw = grad_output.t().mm(input) if ctx.needs_input_grad[1] else None
            gb = grad_output.sum(0) if bias is not None and ctx.needs_input_grad[2] else None
            return gi, gw, gb
    rng = np.random.default_rng(6)
    x, w, b = (lib.tensor(rng.standard_normal(shape), requires_grad=True)
               for shape in ((4, 3), (2, 3), (2,)))
    y = LinearFn.apply(x, w, b)
    (y ** 2).sum().backward()
    return (y, x.grad, w.grad, b.grad, lib.autograd.gradcheck(LinearFn.apply, (x, w, b)),
            lib.autograd.gradgradcheck(LinearFn.apply, (x, w, b)))

def test_setup_context_style_matches_torch():
    rt = _setup_context_style(torch)
    assert rt[4:] == (True, True)
    _assert_same(_setup_context_style(minigrad), rt)

def _once_differentiable(lib):
    class Square(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x
        @staticmethod
        @lib.autograd.function.once_differentiable
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            ctx.grad_mode = lib.is_grad_enabled()
            return 2 * x * grad
    x = lib.tensor([1.0, -2.0], dtype=lib.float64, requires_grad=True)
    y = Square.apply(x)
    node = y.grad_fn
    (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
    second = _outcome(lambda: g.sum().backward())[0]  # a second backward raises
    return g, node.grad_mode, second, lib.autograd.gradcheck(Square.apply, (x,))

def test_once_differentiable_matches_torch():
    rt = _once_differentiable(torch)
    assert rt[1:] == (False, "raises", True)
    _assert_same(_once_differentiable(minigrad), rt)

# ---- 3. forward-mode AD --------------------------------------------------------------
def _forward_ad(lib):
    fwAD = lib.autograd.forward_ad
    rng = np.random.default_rng(7)
    primal, tangent = (lib.tensor(rng.standard_normal((3, 4))) for _ in range(2))
    model = lib.nn.Linear(4, 3).double()
    model.load_state_dict({"weight": lib.tensor(rng.standard_normal((3, 4))),
                           "bias": lib.tensor(rng.standard_normal(3))})
    params = {name: p for name, p in model.named_parameters()}
    tangents = {name: lib.tensor(rng.random(tuple(p.shape))) for name, p in params.items()}
    with fwAD.dual_level():
        dual = fwAD.make_dual(primal, tangent)
        assert fwAD.unpack_dual(dual).tangent is tangent
        p1, t1 = fwAD.unpack_dual((dual.sin() * dual.exp()).sum(1) / 3)
        plain = fwAD.unpack_dual(primal).tangent
        for name, p in params.items():
            delattr(model, name)
            setattr(model, name, fwAD.make_dual(p, tangents[name]))
        y = model(primal)
        jvp = fwAD.unpack_dual(y).tangent
        p3, t3 = fwAD.unpack_dual(lib.nn.functional.softmax(model(dual), dim=1))
    return p1, t1, plain is None, y, jvp, p3, t3

def test_forward_mode_ad_matches_torch():
    rt = _forward_ad(torch)
    assert rt[2] is True
    _assert_same(_forward_ad(minigrad), rt)

# ---- 4. FGSM -------------------------------------------------------------------------
def _lenet(lib):
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = lib.nn.Conv2d(1, 4, 3)
            self.dropout = lib.nn.Dropout(0.25)
            self.fc1 = lib.nn.Linear(4 * 3 * 3, 5)
        def forward(self, x):
            x = lib.nn.functional.max_pool2d(lib.nn.functional.relu(self.conv1(x)), 2)
            x = self.dropout(lib.flatten(x, 1))
            return lib.nn.functional.log_softmax(self.fc1(x), dim=1)
    return Net().double()

def fgsm_attack(lib, image, epsilon, data_grad):
    return lib.clamp(image + epsilon * data_grad.sign(), 0, 1)

def _fgsm(lib, weights, images):
    model = _lenet(lib)
    _load(lib, model, weights)
    model.eval()
    with lib.no_grad():
        guess = model(lib.tensor(images[:, None])).argmax(1).tolist()
    targets = [(g + 1) % 5 if i % 3 == 0 else g for i, g in enumerate(guess)]  # some skipped
    printed, examples, grads_none = [], [], []
    for epsilon in (0.0, 0.05, 0.2):
        correct = 0
        for img, tgt in zip(images, targets):
            data, target = lib.tensor(img[None, None]), lib.tensor([tgt])
            data.requires_grad = True
            output = model(data)
            init_pred = output.max(1, keepdim=True)[1]
            if init_pred.item() != target.item():
                continue
            loss = lib.nn.functional.nll_loss(output, target)
            model.zero_grad()
            loss.backward()
            perturbed = fgsm_attack(lib, data, epsilon, data.grad.data)
            final_pred = model(perturbed).max(1, keepdim=True)[1]
            correct += final_pred.item() == target.item()
            adv_ex = perturbed.squeeze().detach().cpu().numpy()
            examples.append((init_pred.item(), final_pred.item(), adv_ex,
                             dtype_name(final_pred.dtype), tuple(final_pred.shape)))
        had_grad = model.conv1.weight.grad is not None
        model.zero_grad()
        grads_none.append((had_grad, model.conv1.weight.grad is None))
        acc, n = correct / float(len(images)), len(images)
        printed.append(f"Epsilon: {epsilon}\tTest Accuracy = {correct} / {n} = {acc}")
    return printed, examples, grads_none

def test_fgsm_tutorial_matches_torch():
    torch.manual_seed(1)
    weights = _weights(_lenet(torch))
    rng = np.random.default_rng(8)
    images = rng.random((12, 8, 8))
    pt, et, gt = _fgsm(torch, weights, images)
    po, eo, go = _fgsm(minigrad, weights, images)
    assert pt == po and gt == go
    assert len(eo) == len(et) > 0
    for o, t in zip(eo, et):
        assert o[:2] + o[3:] == t[:2] + t[3:]
        assert o[2].dtype == t[2].dtype and o[2].shape == t[2].shape == (8, 8)
        np.testing.assert_allclose(o[2], t[2], rtol=1e-12, atol=1e-15)

# ---- 5. Spatial Transformer Networks -------------------------------------------------
def _stn_net(lib):
    nn, F = lib.nn, lib.nn.functional
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.conv2 = nn.Conv2d(1, 4, kernel_size=5), nn.Conv2d(4, 6, 3)
            self.conv2_drop = nn.Dropout2d(p=0.0)
            self.fc1, self.fc2 = nn.Linear(24, 10), nn.Linear(10, 3)
            self.localization = nn.Sequential(
                nn.Conv2d(1, 4, kernel_size=3), nn.MaxPool2d(2, stride=2), nn.ReLU(True),
                nn.Conv2d(4, 6, kernel_size=3), nn.MaxPool2d(2, stride=2), nn.ReLU(True))
            self.fc_loc = nn.Sequential(nn.Linear(24, 8), nn.ReLU(True), nn.Linear(8, 3 * 2))
            self.fc_loc[2].weight.data.zero_()
            self.fc_loc[2].bias.data.copy_(lib.tensor([1, 0, 0, 0, 1, 0], dtype=lib.float))
        def stn(self, x):
            xs = self.localization(x).view(-1, 6 * 2 * 2)
            theta = self.fc_loc(xs).view(-1, 2, 3)
            grid = F.affine_grid(theta, x.size(), align_corners=False)
            return F.grid_sample(x, grid, align_corners=False), theta
        def forward(self, x):
            x, theta = self.stn(x)
            x = F.relu(F.max_pool2d(self.conv1(x), 2))
            x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
            x = F.relu(self.fc1(x.view(-1, 24)))
            x = F.dropout(x, p=0.0, training=self.training)
            return F.log_softmax(self.fc2(x), dim=1), theta
    return Net()

def _stn_program(lib, weights, batches):
    model = _stn_net(lib)
    init_bias = (dtype_name(model.fc_loc[2].bias.dtype), model.fc_loc[2].bias.tolist(),
                 float(model.fc_loc[2].weight.abs().sum()))
    _load(lib, model.double(), weights)
    optimizer = lib.optim.SGD(model.parameters(), lr=0.05, momentum=0.5)
    model.train()
    losses, thetas, grads = [], [], []
    for data, target in batches:
        optimizer.zero_grad()
        output, theta = model(lib.tensor(data))
        loss = lib.nn.functional.nll_loss(output, lib.tensor(target))
        loss.backward()
        grads.append(model.fc_loc[2].weight.grad.clone())
        optimizer.step()
        losses.append(loss.item())
        thetas.append(theta.detach())
    model.eval()
    with lib.no_grad():
        transformed, _ = model.stn(lib.tensor(batches[0][0]))
    return model, losses, thetas, grads, transformed, init_bias

def test_spatial_transformer_matches_torch():
    torch.manual_seed(2)
    weights = _weights(_stn_net(torch).double())
    rng = np.random.default_rng(9)
    batches = [(rng.random((4, 1, 16, 16)), rng.integers(0, 3, 4)) for _ in range(4)]
    mt, lt, tt, gt, xt, it = _stn_program(torch, weights, batches)
    mo, lo, to, go, xo, io = _stn_program(minigrad, weights, batches)
    assert io == it
    np.testing.assert_allclose(lo, lt, rtol=1e-8)
    assert float(gt[0].abs().sum()) > 0  # the affine parameters do learn
    _assert_same(to + go + [xo], tt + gt + [xt], rtol=1e-7, atol=1e-10)
    assert_same_state(mo, mt, rtol=1e-7, atol=1e-10)
