"""Small versions of the reinforcement-learning and graph programs of pytorch/examples,
each written once as a function of ``lib`` (minigrad or torch) and run from the same
weights and data; losses at every step, outputs, final weights, dtypes and shapes agree.

* reinforcement_learning/actor_critic.py and reinforce.py, on a tiny deterministic fake
  environment (no gym): ``Categorical(probs)``; torch samples the actions (seeded) and
  minigrad replays them, so only deterministic quantities are compared (probabilities,
  log_prob, entropy, values, normalised returns ``(r - mean) / (std + float32 eps)``,
  ``smooth_l1_loss``, ``stack``/``cat`` of saved log-probs, the losses, Adam);
* gcn/main.py with a dense adjacency normalised as D^-1/2 (A + I) D^-1/2 (``sum``,
  ``sqrt``, ``diag``, masking ``inf`` by boolean indexing) and the example's sparse calls
  (``sparse_coo_tensor``, ``to_sparse``, ``spmm``, sparse ``@``), as torch does them;
* gat/main.py: multi-head attention with ``leaky_relu``, the masked softmax
  ``where(adj > 0, e, -9e15)``, ``elu``, functional dropout in eval mode, NLLLoss and
  Adam with weight_decay.
"""
from collections import deque, namedtuple

import numpy as np
import pytest

import minigrad
from nn_oracle import assert_same_state, assert_same_tensor, copy_weights, dtype_name

torch = pytest.importorskip("torch")
LIBS = ("torch", "minigrad")
EPS32 = np.finfo(np.float32).eps.item()


def _lib(name):
    return torch if name == "torch" else minigrad


# ----------------------------------------------------------------------------------------
# reinforcement learning
# ----------------------------------------------------------------------------------------

class FakeEnv:
    """Deterministic 4-d state; the action pushes the state; reward depends on it."""

    def __init__(self, length=6):
        self.length = length
        self.matrix = np.array([[0.9, 0.1, 0.0, -0.2], [0.0, 0.8, 0.3, 0.0],
                                [0.1, 0.0, 0.7, 0.2], [-0.3, 0.0, 0.1, 0.9]])

    def reset(self):
        self.t, self.state = 0, np.array([0.05, -0.1, 0.2, 0.0])
        return self.state.copy(), {}

    def step(self, action):
        self.t += 1
        self.state = np.tanh(self.matrix @ self.state + (action - 0.5) * np.array(
            [0.3, -0.2, 0.1, 0.4]))
        reward = 1.0 - abs(self.state[0])
        return self.state.copy(), reward, abs(self.state[0]) > 0.9, self.t >= self.length, {}


def _actor_critic_policy(lib, hidden=16):
    F = lib.nn.functional

    class Policy(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.affine1 = lib.nn.Linear(4, hidden)
            self.action_head = lib.nn.Linear(hidden, 2)
            self.value_head = lib.nn.Linear(hidden, 1)
            self.saved_actions, self.rewards = [], []

        def forward(self, x):
            x = F.relu(self.affine1(x))
            return F.softmax(self.action_head(x), dim=-1), self.value_head(x)

    return Policy()


def _reinforce_policy(lib, hidden=16, p=0.0):
    class Policy(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.affine1 = lib.nn.Linear(4, hidden)
            self.dropout = lib.nn.Dropout(p=p)
            self.affine2 = lib.nn.Linear(hidden, 2)
            self.saved_log_probs, self.rewards = [], []

        def forward(self, x):
            x = lib.nn.functional.relu(self.dropout(self.affine1(x)))
            return lib.nn.functional.softmax(self.affine2(x), dim=1)

    return Policy()


def _select_action(lib, model, state, float64, actions, trace, batched):
    state = lib.from_numpy(state)
    state = state.double() if float64 else state.float()
    if batched:
        state = state.unsqueeze(0)
        probs = model(state)
        value = None
    else:
        probs, value = model(state)
    m = lib.distributions.Categorical(probs)
    sampled = m.sample()
    assert dtype_name(sampled.dtype) == "int64"
    assert tuple(sampled.shape) == ((1,) if batched else ())
    assert int(sampled.reshape(-1)[0].item()) in (0, 1)
    if trace["record"]:  # torch samples, minigrad replays torch's actions
        actions.append(int(sampled.reshape(-1)[0].item()))
    action = actions[trace["step"]]
    trace["step"] += 1
    action_t = lib.tensor([action] if batched else action)
    log_prob = m.log_prob(action_t)
    trace["out"].append((probs, log_prob, m.entropy(), value)[:3 if batched else 4])
    return action, log_prob, value


def _run_actor_critic(lib, model, actions, float64, episodes=3, gamma=0.99):
    optimizer = lib.optim.Adam(model.parameters(), lr=3e-2)
    SavedAction = namedtuple("SavedAction", ["log_prob", "value"])
    env = FakeEnv()
    trace = {"record": not actions, "step": 0, "out": [], "returns": [], "losses": []}
    for _ in range(episodes):
        state, _ = env.reset()
        for _t in range(1, 100):
            action, log_prob, value = _select_action(lib, model, state, float64, actions,
                                                     trace, batched=False)
            model.saved_actions.append(SavedAction(log_prob, value))
            state, reward, terminated, truncated, _ = env.step(action)
            model.rewards.append(reward)
            if terminated or truncated:
                break
        R, returns = 0, []
        for r in model.rewards[::-1]:
            R = r + gamma * R
            returns.insert(0, R)
        returns = lib.tensor(returns, dtype=lib.float64) if float64 else lib.tensor(returns)
        returns = (returns - returns.mean()) / (returns.std() + EPS32)
        trace["returns"].append(returns)
        policy_losses, value_losses = [], []
        for (log_prob, value), R in zip(model.saved_actions, returns):
            advantage = R - value.item()
            policy_losses.append(-log_prob * advantage)
            value_losses.append(lib.nn.functional.smooth_l1_loss(value, lib.tensor([R])))
        optimizer.zero_grad()
        loss = lib.stack(policy_losses).sum() + lib.stack(value_losses).sum()
        loss.backward()
        optimizer.step()
        trace["losses"].append(loss)
        del model.rewards[:]
        del model.saved_actions[:]
    return trace


def _run_reinforce(lib, model, actions, float64, episodes=3, gamma=0.99):
    optimizer = lib.optim.Adam(model.parameters(), lr=1e-2)
    env = FakeEnv(length=5)
    trace = {"record": not actions, "step": 0, "out": [], "returns": [], "losses": []}
    for _ in range(episodes):
        state, _ = env.reset()
        for _t in range(1, 100):
            action, log_prob, _v = _select_action(lib, model, state, float64, actions,
                                                  trace, batched=True)
            model.saved_log_probs.append(log_prob)
            state, reward, terminated, truncated, _ = env.step(action)
            model.rewards.append(reward)
            if terminated or truncated:
                break
        R, policy_loss, returns = 0, [], deque()
        for r in model.rewards[::-1]:
            R = r + gamma * R
            returns.appendleft(R)
        returns = lib.tensor(returns, dtype=lib.float64) if float64 else lib.tensor(returns)
        returns = (returns - returns.mean()) / (returns.std() + EPS32)
        trace["returns"].append(returns)
        for log_prob, R in zip(model.saved_log_probs, returns):
            policy_loss.append(-log_prob * R)
        optimizer.zero_grad()
        policy_loss = lib.cat(policy_loss).sum()
        policy_loss.backward()
        optimizer.step()
        trace["losses"].append(policy_loss)
        del model.rewards[:]
        del model.saved_log_probs[:]
    return trace


def _compare_rl(make_policy, run, float64):
    theirs, ours = make_policy(torch), make_policy(minigrad)
    if float64:
        theirs, ours = theirs.double(), ours.double()
    copy_weights(theirs, ours)
    torch.manual_seed(543), minigrad.manual_seed(543)
    actions = []
    trace_t = run(torch, theirs, actions, float64)
    trace_o = run(minigrad, ours, actions, float64)
    rtol, atol = (1e-8, 1e-12) if float64 else (1e-5, 1e-6)
    assert len(trace_o["out"]) == len(trace_t["out"]) == len(actions)
    for step, (o, t) in enumerate(zip(trace_o["out"], trace_t["out"])):
        for name, a, b in zip(("probs", "log_prob", "entropy", "value"), o, t):
            assert_same_tensor(a, b, rtol, atol, msg=f"step {step} {name}")
    for ep, (o, t) in enumerate(zip(trace_o["returns"], trace_t["returns"])):
        assert_same_tensor(o, t, rtol, atol, msg=f"episode {ep} returns")
    for ep, (o, t) in enumerate(zip(trace_o["losses"], trace_t["losses"])):
        assert_same_tensor(o, t, rtol, atol, msg=f"episode {ep} loss")
    assert_same_state(ours, theirs, rtol, atol)


@pytest.mark.parametrize("float64", [True, False], ids=["float64", "float32"])
@pytest.mark.parametrize("program", ["actor_critic", "reinforce"])
def test_policy_gradient_program_matches_torch(program, float64):
    if program == "actor_critic":
        _compare_rl(_actor_critic_policy, _run_actor_critic, float64)
    else:
        _compare_rl(_reinforce_policy, _run_reinforce, float64)


def test_categorical_log_prob_entropy_with_zero_and_unnormalised_probs():
    probs = np.array([[0.2, 0.0, 0.6], [1.0, 1.0, 2.0]])
    value = np.array([2, 0])
    results = {}
    for name in LIBS:
        lib = _lib(name)
        p = lib.tensor(probs, requires_grad=True)
        m = lib.distributions.Categorical(p)
        log_prob, entropy = m.log_prob(lib.tensor(value)), m.entropy()
        (log_prob.sum() + entropy.sum()).backward()
        results[name] = (m.probs, log_prob, entropy, p.grad)
    for o, t in zip(results["minigrad"], results["torch"]):
        assert_same_tensor(o, t, rtol=1e-10)


def test_seeded_categorical_sampling_is_reproducible_and_in_support():
    probs = minigrad.tensor([0.1, 0.7, 0.2], dtype=minigrad.float64)
    draws = []
    for _ in range(2):
        minigrad.manual_seed(543)
        draws.append(minigrad.distributions.Categorical(probs).sample((4000,)))
    np.testing.assert_array_equal(draws[0].numpy(), draws[1].numpy())
    assert dtype_name(draws[0].dtype) == "int64" and tuple(draws[0].shape) == (4000,)
    freq = np.bincount(draws[0].numpy(), minlength=3) / 4000
    np.testing.assert_allclose(freq, [0.1, 0.7, 0.2], atol=5 * np.sqrt(0.25 / 4000))


@pytest.mark.parametrize("make", [
    lambda lib: deque([np.float64(1.0), np.float64(2.5)]), lambda lib: deque([1.0, 2.5]),
    lambda lib: [lib.tensor(1.5, dtype=lib.float64)],
    lambda lib: deque([lib.tensor(1.5, dtype=lib.float64)])], ids=["np", "py", "t", "dq_t"])
def test_tensor_from_returns_container_keeps_torch_dtype(make):
    # reinforce.py: torch.tensor(deque of numpy floats); actor_critic: tensor([0-d R])
    ours, theirs = minigrad.tensor(make(minigrad)), torch.tensor(make(torch))
    assert_same_tensor(ours, theirs, 0, 0)


# ----------------------------------------------------------------------------------------
# graphs
# ----------------------------------------------------------------------------------------

def _graph_data(rng, nodes=9, feats=6, classes=3):
    features = (rng.random((nodes, feats)) < 0.4).astype(np.int32)
    features[3] = 0  # a node without features: 1 / 0 -> inf -> 0
    edges = np.array([(i, j) for i in range(nodes) for j in range(nodes)
                      if i != j and rng.random() < 0.25], dtype=np.int32)
    adj = np.zeros((nodes, nodes), dtype=np.int64)
    adj[edges[:, 0], edges[:, 1]] = 1
    labels = rng.integers(0, classes, nodes)
    perm = rng.permutation(nodes)
    return features, edges, adj, labels, perm[:6], perm[6:]


def _load_graph(lib, features, adj, labels, float64, normalise):
    feats = lib.FloatTensor(features)
    if float64:
        feats = feats.double()
    scale = 1 / lib.sum(feats, dim=1)
    scale[scale == float("inf")] = 0
    feats = lib.diag(scale) @ feats
    adj_mat = lib.eye(len(adj), dtype=feats.dtype) + lib.tensor(adj)
    if normalise:
        degree = lib.sqrt(1 / lib.sum(adj_mat, dim=1))
        degree[degree == float("inf")] = 0
        degree = lib.diag(degree)
        adj_mat = degree @ adj_mat @ degree
    return feats, lib.LongTensor(labels), adj_mat


def _gcn(lib, input_dim, hidden_dim, output_dim, use_bias, dropout_p):
    nn = lib.nn

    class GraphConv(nn.Module):
        def __init__(self, i, o):
            super().__init__()
            self.kernel = nn.Parameter(lib.Tensor(i, o))
            nn.init.xavier_normal_(self.kernel)
            self.bias = None
            if use_bias:
                self.bias = nn.Parameter(lib.Tensor(o))
                nn.init.zeros_(self.bias)

        def forward(self, x, adj):
            output = lib.mm(adj, lib.mm(x, self.kernel))  # the example's spmm, dense
            return output + self.bias if self.bias is not None else output

    class GCN(nn.Module):
        def __init__(self):
            super().__init__()
            self.gc1 = GraphConv(input_dim, hidden_dim)
            self.gc2 = GraphConv(hidden_dim, output_dim)
            self.dropout = nn.Dropout(dropout_p)

        def forward(self, x, adj):
            x = self.dropout(nn.functional.relu(self.gc1(x, adj)))
            return nn.functional.log_softmax(self.gc2(x, adj), dim=1)

    return GCN()


def _gat(lib, in_features, n_hidden, n_heads, num_classes, concat, dropout):
    nn, F = lib.nn, lib.nn.functional

    class GraphAttentionLayer(nn.Module):
        def __init__(self, fin, fout, heads, concat):
            super().__init__()
            self.n_heads, self.concat, self.dropout = heads, concat, dropout
            self.out_features = fout
            self.n_hidden = fout // heads if concat else fout
            self.W = nn.Parameter(lib.empty(size=(fin, self.n_hidden * heads)))
            self.a = nn.Parameter(lib.empty(size=(heads, 2 * self.n_hidden, 1)))
            self.leakyrelu = nn.LeakyReLU(0.2)
            nn.init.xavier_normal_(self.W)
            nn.init.xavier_normal_(self.a)

        def forward(self, h, adj_mat):
            n = h.shape[0]
            ht = F.dropout(lib.mm(h, self.W), self.dropout, training=self.training)
            ht = ht.view(n, self.n_heads, self.n_hidden).permute(1, 0, 2)
            source = lib.matmul(ht, self.a[:, :self.n_hidden, :])
            target = lib.matmul(ht, self.a[:, self.n_hidden:, :])
            e = self.leakyrelu(source + target.mT)
            e = lib.where(adj_mat > 0, e, -9e15 * lib.ones_like(e))
            attention = F.dropout(F.softmax(e, dim=-1), self.dropout, training=self.training)
            h_prime = lib.matmul(attention, ht)
            if self.concat:
                return h_prime.permute(1, 0, 2).contiguous().view(n, self.out_features)
            return h_prime.mean(dim=0)

    class GAT(nn.Module):
        def __init__(self):
            super().__init__()
            self.gat1 = GraphAttentionLayer(in_features, n_hidden, n_heads, concat)
            self.gat2 = GraphAttentionLayer(n_hidden, num_classes, 1, False)

        def forward(self, x, adj):
            return F.log_softmax(self.gat2(F.elu(self.gat1(x, adj)), adj), dim=1)

    return GAT()


def _graph_eval(lib, model, criterion, inputs, target, mask):
    model.eval()
    with lib.no_grad():
        output = model(*inputs)
        output, target = output[mask], target[mask]
        loss = criterion(output, target)
        acc = (output.argmax(dim=1) == target).float().sum() / len(target)
    return loss.item(), acc.item()


def _graph_train(lib, model, inputs, labels, idx_train, idx_val, lr, epochs=4):
    optimizer = lib.optim.Adam(model.parameters(), lr=lr, weight_decay=5e-4)
    criterion = lib.nn.NLLLoss()
    mask_train, mask_val = lib.tensor(idx_train), lib.tensor(idx_val)
    history = []
    for _ in range(epochs):
        model.train()
        optimizer.zero_grad()
        output = model(*inputs)
        loss = criterion(output[mask_train], labels[mask_train])
        loss.backward()
        optimizer.step()
        history.append([loss.item(), *_graph_eval(lib, model, criterion, inputs, labels,
                                                  mask_train),
                        *_graph_eval(lib, model, criterion, inputs, labels, mask_val)])
    model.eval()
    return history, model(*inputs)


def _compare_graph_program(make_model, float64, normalise, lr, rtol, atol):
    features, _edges, adj, labels, idx_train, idx_val = _graph_data(
        np.random.default_rng(5))
    models, runs = {}, {}
    for name in LIBS:
        lib = _lib(name)
        inputs = _load_graph(lib, features, adj, labels, float64, normalise)
        model = make_model(lib, features.shape[1], int(inputs[1].max().item()) + 1)
        models[name] = model.double() if float64 else model
        runs[name] = inputs
    copy_weights(models["torch"], models["minigrad"])
    for o, t in zip(runs["minigrad"], runs["torch"]):
        assert_same_tensor(o, t, rtol=1e-12 if float64 else 1e-6)
    results = {name: _graph_train(_lib(name), models[name], runs[name][::2], runs[name][1],
                                  idx_train, idx_val, lr) for name in LIBS}
    (hist_t, out_t), (hist_o, out_o) = results["torch"], results["minigrad"]
    np.testing.assert_allclose(hist_o, hist_t, rtol=rtol, atol=atol)
    assert_same_tensor(out_o, out_t, rtol, atol, msg="final log-probabilities")
    assert_same_state(models["minigrad"], models["torch"], rtol, atol)


@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("float64", [True, False], ids=["float64", "float32"])
def test_gcn_training_matches_torch(use_bias, float64):
    def make(lib, fin, classes):
        return _gcn(lib, fin, 5, classes, use_bias, dropout_p=0.0)
    rtol, atol = (1e-8, 1e-12) if float64 else (1e-4, 1e-5)
    _compare_graph_program(make, float64, True, 1e-2, rtol, atol)


@pytest.mark.parametrize("concat", [False, True])
@pytest.mark.parametrize("float64", [True, False], ids=["float64", "float32"])
def test_gat_training_matches_torch(concat, float64):
    def make(lib, fin, classes):
        return _gat(lib, fin, 4, 2, classes, concat, dropout=0.0)
    rtol, atol = (1e-8, 1e-12) if float64 else (1e-4, 1e-5)
    _compare_graph_program(make, float64, False, 5e-3, rtol, atol)


def test_gat_with_dropout_is_deterministic_in_eval_mode():
    features, _e, adj, labels, _tr, _va = _graph_data(np.random.default_rng(6))
    outputs = {}
    for name in LIBS:
        lib = _lib(name)
        x, _labels, adj_mat = _load_graph(lib, features, adj, labels, True, False)
        outputs[name] = (_gat(lib, 6, 4, 2, 3, False, dropout=0.6).double(), x, adj_mat)
    copy_weights(outputs["torch"][0], outputs["minigrad"][0])
    got = {}
    for name, (model, x, adj_mat) in outputs.items():
        model.eval()
        got[name] = (model(x, adj_mat), model(x, adj_mat))
    np.testing.assert_array_equal(got["minigrad"][0].detach().numpy(),
                                  got["minigrad"][1].detach().numpy())
    assert_same_tensor(got["minigrad"][0], got["torch"][0], rtol=1e-10)


# The gcn example builds its graph with sparse tensors; these are the exact calls.

def _sparse_graph(lib, edges, n):
    adj = lib.sparse_coo_tensor(edges.T, lib.ones(len(edges)), (n, n), dtype=lib.int64)
    return lib.eye(n) + adj


def test_sparse_coo_tensor_plus_eye_matches_torch():
    _f, edges, adj, _l, _t, _v = _graph_data(np.random.default_rng(5))
    expected = _sparse_graph(torch, edges, len(adj))
    got = _sparse_graph(minigrad, edges, len(adj))
    assert_same_tensor(got, expected, 0, 0)


def test_to_sparse_and_sparse_matmul_match_torch():
    rng = np.random.default_rng(9)
    d, dense = rng.random(5).astype(np.float32), rng.random((5, 5)).astype(np.float32)
    results = {}
    for name in LIBS:
        lib = _lib(name)
        degree = lib.diag(lib.tensor(d)).to_sparse()
        product = degree @ lib.tensor(dense) @ degree
        results[name] = product.to_dense() if product.is_sparse else product
    assert_same_tensor(results["minigrad"], results["torch"], rtol=1e-6)


def test_spmm_and_mm_with_sparse_operand_backpropagate_like_torch():
    rng = np.random.default_rng(10)
    adj, x, w = rng.random((4, 4)), rng.random((4, 3)), rng.random((3, 2))
    results = {}
    for name in LIBS:
        lib = _lib(name)
        kernel = lib.tensor(w, requires_grad=True)
        support = lib.mm(lib.tensor(x).to_sparse(), kernel)
        out = lib.spmm(lib.tensor(adj).to_sparse(), support)
        out.sum().backward()
        results[name] = (out, kernel.grad)
    for o, t in zip(results["minigrad"], results["torch"]):
        assert_same_tensor(o, t, rtol=1e-12)
