"""minigrad/backends/, minigrad/cuda.py and minigrad/mps.py against a CPU-only PyTorch:
the flags' values and defaults, what answers without a device, and what raises."""
from __future__ import annotations

import pytest

import minigrad

torch = pytest.importorskip("torch")

if torch.cuda.is_available() or torch.backends.mps.is_available():
    pytest.skip("these compare with PyTorch's behaviour without a GPU", allow_module_level=True)

ANSWERS = [
    "backends.mkldnn.is_available()", "backends.mkldnn.enabled", "backends.openmp.is_available()",
    "backends.mkl.is_available()",
    "backends.cuda.is_built()", "backends.cuda.matmul.allow_tf32",
    "backends.cuda.matmul.allow_fp16_reduced_precision_reduction",
    "backends.cuda.matmul.allow_bf16_reduced_precision_reduction",
    "backends.cuda.flash_sdp_enabled()", "backends.cuda.math_sdp_enabled()",
    "backends.cuda.mem_efficient_sdp_enabled()", "backends.cuda.cudnn_sdp_enabled()",
    "backends.cudnn.allow_tf32", "backends.cudnn.enabled", "backends.cudnn.benchmark",
    "backends.cudnn.deterministic", "backends.cudnn.is_available()", "backends.cudnn.version()",
    "backends.mps.is_built()", "backends.mps.is_available()",
    "mps.is_available()", "mps.device_count()", "mps.manual_seed(0)",
    "cuda.is_available()", "cuda.device_count()", "cuda.is_initialized()",
    "cuda.is_bf16_supported()", "cuda.is_tf32_supported()", "cuda.get_arch_list()",
    "cuda.memory_allocated()", "cuda.max_memory_allocated()", "cuda.memory_reserved()",
    "cuda.max_memory_reserved()", "cuda.memory_stats()", "cuda.seed()", "cuda.seed_all()",
    "cuda.empty_cache()", "cuda.manual_seed(0)", "cuda.manual_seed_all(0)",
]

REFUSALS = [
    "cuda.synchronize()", "cuda.get_device_name()", "cuda.get_device_name(0)",
    "cuda.current_device()", "cuda.get_device_properties(0)", "cuda.get_device_capability()",
    "cuda.init()", "cuda.mem_get_info()", "cuda.get_rng_state()", "cuda.current_stream()",
    "cuda.default_stream()", "cuda.ipc_collect()",
    "mps.synchronize()", "mps.empty_cache()", "mps.current_allocated_memory()", "mps.seed()",
]


def evaluate(lib, expression):
    try:
        return eval(f"lib.{expression}"), None  # noqa: S307  (our own expressions)
    except Exception as error:  # noqa: BLE001  (the type is what is compared)
        return None, error


@pytest.mark.parametrize("expression", ANSWERS)
def test_the_same_answer_as_a_cpu_build_of_pytorch(expression):
    (mine, error), (theirs, _) = evaluate(minigrad, expression), evaluate(torch, expression)
    assert error is None, error
    assert mine == theirs and type(mine) is type(theirs) or (mine == {} and theirs == {})


@pytest.mark.parametrize("expression", REFUSALS)
def test_the_same_refusal_as_a_cpu_build_of_pytorch(expression):
    (_, mine), (_, theirs) = evaluate(minigrad, expression), evaluate(torch, expression)
    assert theirs is not None and type(mine) is type(theirs), (mine, theirs)
    if isinstance(theirs, AssertionError):
        assert "Torch not compiled with CUDA enabled" in str(mine)
    else:
        assert "without MPS backend" in str(mine)


def tf32_and_precision(lib):
    seen = []
    matmul = lib.backends.cuda.matmul
    for value in (True, False):
        matmul.allow_tf32 = value
        seen.append((matmul.allow_tf32, lib.get_float32_matmul_precision()))
    lib.set_float32_matmul_precision("medium")
    seen.append(matmul.allow_tf32)
    lib.set_float32_matmul_precision("highest")
    seen.append(matmul.allow_tf32)
    return seen


def test_allow_tf32_is_the_float32_matmul_precision_as_in_pytorch():
    assert tf32_and_precision(minigrad) == tf32_and_precision(torch)


@pytest.mark.parametrize("lib", [minigrad, torch], ids=["minigrad", "torch"])
def test_flags_are_set_and_unknown_matmul_flags_refused(lib):
    cudnn = lib.backends.cudnn
    cudnn.allow_tf32 = False
    assert cudnn.allow_tf32 is False
    cudnn.allow_tf32 = True
    lib.backends.cuda.enable_flash_sdp(False)
    assert lib.backends.cuda.flash_sdp_enabled() is False
    lib.backends.cuda.enable_flash_sdp(True)
    with pytest.raises(AttributeError, match="Unknown attribute"):
        lib.backends.cuda.matmul.not_a_flag = 1
    with pytest.raises(AttributeError, match="Unknown attribute"):
        lib.backends.cuda.matmul.not_a_flag
