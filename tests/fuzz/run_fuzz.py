"""Differential fuzzing: random short tensor programs run in minigrad and in PyTorch.

    cd /work/wt-fuzz && python tests/fuzz/run_fuzz.py --seconds 300 --out /tmp/fuzz.jsonl
    python tests/fuzz/run_fuzz.py --replay 1234     # print and rerun one program

A program makes one to three input tensors (any dtype from bool to float64; 0-d, empty
and size-1 dims; sometimes 0, -0, inf, nan, huge and tiny values; float inputs often
require grad), then takes a few steps drawn from ``vocabulary.py``: new tensors out of
place, or writes in place into a live tensor or a view of it. After every step both
libraries must agree on whether it raised (and the exception type), and every live tensor
must agree on shape, dtype, values (NaN-aware, tolerance by dtype), requires_grad,
``stride()``, ``is_contiguous()``, its version counter, and on which earlier tensors it
shares memory with. At the end the gradients of the float inputs of a weighted sum of the
live results are compared (and, sometimes, second derivatives).

The first mismatch of a program ends it and is recorded in a bucket ``op:what`` (the
op's tag and which check failed); the summary prints the bucket counts.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
# MINIGRAD_FUZZ_ROOT: fuzz another checkout's minigrad (to count mismatches before a fix)
sys.path.insert(0, os.environ.get("MINIGRAD_FUZZ_ROOT", str(Path(__file__).resolve().parents[2])))

import minigrad  # noqa: E402
import vocabulary as V  # noqa: E402

TOLERANCE = {"float16": (1e-2, 1e-3), "float32": (1e-4, 1e-5), "float64": (1e-7, 1e-9)}
SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e30, -1e30, 1e-30, 65504.0, 1e-8]


class Mismatch(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class Timeout(Exception):
    pass


# --- inputs ------------------------------------------------------------------------------------
def make_array(r: random.Random, dtype: str, shape: tuple, special: bool) -> np.ndarray:
    g = np.random.default_rng(r.randrange(2**32))
    if dtype == "bool":
        return g.random(shape) < 0.5
    if dtype in V.INTS:
        info = np.iinfo(dtype)
        low, high = (0, 10) if dtype == "uint8" else (-6, 7)
        a = np.asarray(g.integers(low, high, shape), dtype=dtype)
        if special and a.size:
            a.flat[g.integers(0, a.size)] = g.choice([info.min, info.max])
        return a
    a = np.asarray(g.standard_normal(shape) * r.choice([1.0, 1.0, 3.0, 0.1]), dtype=dtype)
    if special and a.size:
        hit = g.random(shape) < 0.25
        a[hit] = g.choice(SPECIAL, size=int(hit.sum()))
    return np.asarray(a, dtype=dtype)


def random_shape(r: random.Random) -> tuple:
    ndim = r.choice([0, 1, 1, 2, 2, 2, 3, 3, 4])
    return tuple(r.choice([0, 1, 2, 3, 3, 4, 5] if r.random() < 0.15 else [1, 2, 3, 4, 5])
                 for _ in range(ndim))


def broadcastable(r: random.Random, shape: tuple) -> tuple:
    out = [1 if r.random() < 0.3 else s for s in shape]
    return tuple(out[r.randint(0, len(out)):]) if r.random() < 0.3 else tuple(out)


# --- comparing ---------------------------------------------------------------------------------
def version(t: Any) -> int:
    if isinstance(t, torch.Tensor):
        return t._version
    v = t._version
    return 0 if v is None else v.value


def storage(t: Any) -> int:
    if isinstance(t, torch.Tensor):
        return t.untyped_storage().data_ptr()
    array = t.detach().numpy()
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array.__array_interface__["data"][0]


def same_values(mine: np.ndarray, theirs: np.ndarray, dtype: str, what: str) -> None:
    if dtype in TOLERANCE:
        rtol, atol = TOLERANCE[dtype]
        a, b = mine.astype(np.float64), theirs.astype(np.float64)
        # a huge finite value against inf at the edge of the dtype is rounding
        ok = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
        ok |= np.isnan(a) & np.isnan(b)
        if not ok.all():
            i = np.argwhere(~ok)[0]
            raise Mismatch("values", f"{what}: at {tuple(i)} {a[tuple(i)]!r} vs torch "
                           f"{b[tuple(i)]!r}")
    elif not np.array_equal(mine, theirs):
        raise Mismatch("values", f"{what}: {mine.tolist()} vs torch {theirs.tolist()}"[:400])


def same(mine: Any, theirs: Any, what: str, layout: bool = True) -> None:
    if isinstance(theirs, torch.Tensor):
        if not isinstance(mine, minigrad.Tensor):
            raise Mismatch("type", f"{what}: {type(mine).__name__} vs torch Tensor")
        if tuple(mine.shape) != tuple(theirs.shape):
            raise Mismatch("shape", f"{what}: {tuple(mine.shape)} vs torch "
                           f"{tuple(theirs.shape)}")
        dtype = str(theirs.dtype).removeprefix("torch.")
        if str(mine.dtype).removeprefix("minigrad.") != dtype:
            raise Mismatch("dtype", f"{what}: {mine.dtype} vs torch {theirs.dtype}")
        if theirs.layout != torch.strided or theirs.is_sparse:
            return
        same_values(mine.detach().numpy(), theirs.detach().resolve_neg().resolve_conj()
                    .numpy(), dtype, what)
        if layout and mine.requires_grad != theirs.requires_grad:
            raise Mismatch("requires_grad", f"{what}: {mine.requires_grad} vs torch "
                           f"{theirs.requires_grad}")
        if layout and mine.stride() != theirs.stride():
            kind = "stride(empty)" if not theirs.numel() else \
                "stride" if mine.is_contiguous() != theirs.is_contiguous() or any(
                a != b for a, b, s in zip(mine.stride(), theirs.stride(), theirs.shape)
                if s > 1) else "stride(size-1 dims)"
            raise Mismatch(kind, f"{what}: {mine.stride()} vs torch {theirs.stride()} "
                           f"(shape {tuple(theirs.shape)})")
        if layout and mine.is_contiguous() != theirs.is_contiguous():
            raise Mismatch("contiguous", f"{what}: {mine.is_contiguous()} vs torch")
    elif isinstance(theirs, (tuple, list)):
        if not isinstance(mine, (tuple, list)) or len(mine) != len(theirs):
            raise Mismatch("type", f"{what}: {mine!r} vs torch {theirs!r}"[:300])
        for i, (a, b) in enumerate(zip(mine, theirs)):
            same(a, b, f"{what}[{i}]", layout)
    elif isinstance(theirs, torch.Size) or isinstance(theirs, (int, float, bool)):
        if not (mine == theirs or (theirs != theirs and mine != mine)):
            raise Mismatch("values", f"{what}: {mine!r} vs torch {theirs!r}")
    elif theirs is None and mine is not None:
        raise Mismatch("type", f"{what}: {type(mine).__name__} vs torch None")


def outcome(mine: BaseException | None, theirs: BaseException | None) -> None:
    if theirs is None and mine is not None:
        raise Mismatch("raises", f"minigrad raised {type(mine).__name__}: {mine}"[:400])
    if theirs is not None and mine is None:
        raise Mismatch("no-raise", f"torch raised {type(theirs).__name__}: {theirs}"[:400])
    if theirs is not None and not isinstance(mine, type(theirs)):
        raise Mismatch("exception-type", f"torch {type(theirs).__name__}: {theirs} / "
                       f"minigrad {type(mine).__name__}: {mine}"[:400])


# --- programs ----------------------------------------------------------------------------------
class Program:
    """One random program, run step by step in both libraries."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.arrays: list[np.ndarray] = []
        self.lines: list[str] = []
        self.spaces = [{"lib": minigrad, "A": self.arrays, "np": np},
                       {"lib": torch, "A": self.arrays, "np": np}]
        self.live: list[str] = []
        self.leaves: list[str] = []
        self.versions: dict[str, tuple[int, int]] = {}
        self.special = False  # some input holds 0, inf, nan, huge or tiny values
        self.tag = "input"

    def text(self) -> str:
        return "\n".join(self.lines)

    def execute(self, code: str) -> None:
        self.lines.append(code)
        errors = []
        for space in reversed(self.spaces):  # torch first
            try:
                exec(code, space)  # noqa: S102  (generated here)
                errors.append(None)
            except (Timeout, Mismatch):
                raise
            except Exception as err:  # noqa: BLE001  (the type is compared)
                errors.append(err)
        outcome(errors[1], errors[0])
        if errors[0] is not None:
            self.lines[-1] += f"  # raises {type(errors[0]).__name__}"
        return errors[0] is None

    def compare_live(self, new: str | None = None) -> None:
        mine, theirs = self.spaces
        for name in self.live:
            same(mine[name], theirs[name], name)
        # how much each tensor's version counter moved (a new result's own count is
        # PyTorch's internal business)
        for name in self.live:
            if isinstance(theirs[name], torch.Tensor):
                a, b = version(mine[name]), version(theirs[name])
                old = self.versions.get(name, (a, b))
                if a - old[0] != b - old[1]:
                    raise Mismatch("version", f"{name}: moved by {a - old[0]} vs torch "
                                   f"{b - old[1]}")
                self.versions[name] = (a, b)
        if new is None or not isinstance(theirs[new], torch.Tensor) or not theirs[new].numel():
            return
        for name in self.live:
            if name == new or not isinstance(theirs[name], torch.Tensor) or \
                    not theirs[name].numel():
                continue
            a = storage(mine[new]) == storage(mine[name])
            b = storage(theirs[new]) == storage(theirs[name])
            if a != b:
                raise Mismatch("alias", f"{new} shares memory with {name}: {a} vs torch {b}")

    def add_input(self, shape: tuple | None = None) -> str:
        r = self.r
        dtype = r.choice(V.DTYPES + V.FLOATS * 2)
        shape = random_shape(r) if shape is None else shape
        special = r.random() < 0.2
        self.special |= special
        self.arrays.append(make_array(r, dtype, shape, special))
        name = f"x{len(self.arrays) - 1}"
        grad = dtype in V.FLOATS and r.random() < 0.7
        # (a clone: torch.tensor keeps the all-zero strides NumPy gives an empty array)
        self.execute(f"{name} = lib.tensor(A[{len(self.arrays) - 1}])"
                     f".clone(memory_format=lib.contiguous_format)"
                     f"{'.requires_grad_()' if grad else ''}")
        if grad:
            self.leaves.append(name)
        self.live.append(name)
        self.compare_live()
        return name

    def other(self, t: Any) -> str:
        r = self.r
        pick = r.random()
        if pick < 0.3:
            return V._scalar(r)
        if pick < 0.45 and len(self.live) > 1:
            return r.choice(self.live)
        return self.add_input(broadcastable(r, tuple(t.shape)))

    def draw(self, name: str) -> tuple[str, str] | None:
        r, t = self.r, self.spaces[1][name]
        if not isinstance(t, torch.Tensor):
            return None
        kind = r.choices(["unary", "binary", "operator", "reduction", "cumulative", "sorting",
                          "view", "conversion", "clamp", "linalg", "joining", "indexing",
                          "activation", "loss", "inplace"],
                         [8, 8, 5, 8, 3, 3, 10, 3, 3, 3, 3, 6, 6, 4, 8])[0]
        if kind in ("binary", "operator"):
            other = self.other(t)
            return getattr(V, kind)(r, t, other)
        if kind == "sorting":
            ties = t.numel() != torch.unique(t.detach()).numel() if t.numel() else False
            return V.sorting(r, t, ties)
        return getattr(V, kind)(r, t)

    def step(self) -> None:
        name = self.r.choice(self.live[-3:])
        drawn = self.draw(name)
        if drawn is None:
            return
        self.tag, template = drawn
        code = template.replace("X", name)
        if self.tag.endswith("_") or self.tag == "setitem":  # a statement, in place
            self.execute(code)
            self.compare_live()
            return
        new = f"v{len(self.lines)}"
        if self.execute(f"{new} = {code}"):
            self.live.append(new)
            self.compare_live(new)
            self.gradients([new], retain=True)

    def gradients(self, names: list[str] | None = None, retain: bool = False) -> None:
        """Compare the gradients of the float leaves of a weighted sum of ``names`` (all
        live tensors by default), and sometimes their second derivatives."""
        theirs = self.spaces[1]
        outs = [n for n in (names or self.live) if isinstance(theirs[n], torch.Tensor)
                and theirs[n].requires_grad and theirs[n].dtype.is_floating_point]
        if not outs or not self.leaves:
            return
        tag, self.tag = self.tag, "backward" if names is None else self.tag
        seed = self.r.randrange(1000)
        terms = " + ".join(f"(({n}).double() * lib.tensor(np.random.default_rng({seed + i})"
                           f".standard_normal(tuple({n}.shape)))).sum()"
                           for i, n in enumerate(outs))
        leaves = ", ".join(self.leaves) + ","
        second = self.r.random() < 0.3
        options = (", create_graph=True" if second else "") + \
            (", retain_graph=True" if retain else "")
        try:
            if not self.execute(f"G = lib.autograd.grad({terms}, ({leaves}), "
                                f"allow_unused=True{options})"):
                return
            self.compare_grads("G")
            if second and any(g is not None and g.requires_grad for g in theirs["G"]):
                # (whether a gradient made with create_graph requires grad where PyTorch's
                # does is a known difference: a zero term keeps the sum a tensor)
                if self.execute("G2 = lib.autograd.grad(sum(((g.double() ** 2).sum() for g in G "
                                f"if g is not None and g.requires_grad), "
                                f"({self.leaves[0]} * 0).double().sum()), ({leaves}), "
                                f"allow_unused=True{', retain_graph=True' if retain else ''})"):
                    self.compare_grads("G2")
        except Mismatch as found:
            found.kind = ("grad2:" if "G2" in self.lines[-1] else "grad:") + found.kind
            raise
        finally:
            self.tag = tag

    def compare_grads(self, name: str) -> None:
        mine, theirs = self.spaces
        if name not in theirs:
            return
        for i, (a, b) in enumerate(zip(mine[name], theirs[name])):
            if b is None or a is None:
                continue  # unused: None or zeros are both fine
            try:
                b = b + torch.zeros_like(b)
            except RuntimeError:
                continue
            same(a, b, f"{name}[{i}] (grad of {self.leaves[i]})", layout=False)


def run_one(seed: int) -> tuple[Program, Mismatch | None]:
    program = Program(seed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            signal.alarm(10)
            for _ in range(program.r.randint(1, 2)):
                program.add_input()
            for _ in range(program.r.randint(1, 4)):
                program.step()
            program.gradients()
    except Mismatch as found:
        return program, found
    except Timeout:
        return program, Mismatch("timeout", "over 10 s")
    except Exception as err:  # noqa: BLE001  (a bug in the fuzzer itself, or a crash)
        return program, Mismatch("fuzzer", f"{type(err).__name__}: {err}"[:300])
    finally:
        signal.alarm(0)
    return program, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=0, help="stop after this many programs")
    parser.add_argument("--out", default="/tmp/fuzz.jsonl")
    parser.add_argument("--replay", type=int)
    parser.add_argument("--trace", help="a file that holds the seed of the running program")
    args = parser.parse_args()

    def on_alarm(*_: Any) -> None:
        raise Timeout()
    signal.signal(signal.SIGALRM, on_alarm)
    np.seterr(all="ignore")
    if args.replay is not None:
        program, found = run_one(args.replay)
        with np.printoptions(precision=17):
            for i, array in enumerate(program.arrays):
                print(f"# A[{i}] = np.{array!r}")
        print(program.text())
        print("->", "ok" if found is None else f"{program.tag}:{found.kind}: {found}")
        return
    buckets: Counter = Counter()
    start, seed, n = time.time(), args.seed, 0
    with open(args.out, "w") as out:
        while time.time() - start < args.seconds and (not args.count or n < args.count):
            if args.trace:  # which program was running if the process dies
                Path(args.trace).write_text(str(seed))
            program, found = run_one(seed)
            n += 1
            if found is not None:
                bucket = f"{program.tag}:{found.kind}"
                buckets[bucket] += 1
                f16 = "float16" in program.text() or any(a.dtype == np.float16
                                                         for a in program.arrays)
                out.write(json.dumps({"bucket": bucket, "seed": seed, "message": str(found),
                                      "special": program.special, "f16": f16,
                                      "program": program.text()}) + "\n")
            seed += 1
    print(f"{n} programs, {sum(buckets.values())} mismatches")
    for bucket, count in buckets.most_common():
        print(f"{count:6d}  {bucket}")


if __name__ == "__main__":
    main()
