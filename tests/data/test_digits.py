"""load_digits: scikit-learn's bundled 8x8 digits as (N, 1, 8, 8) float32 images."""
import sys

import numpy as np
import pytest

import minigrad.data as data


def test_shapes_dtypes_and_scaling():
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    images, labels = data.load_digits()
    reference = sklearn_datasets.load_digits()
    n = len(reference.target)
    assert images.shape == (n, 1, 8, 8) and images.dtype == np.float32
    assert labels.shape == (n,) and labels.dtype == np.int64
    assert images.numpy().min() == 0.0 and images.numpy().max() == 1.0
    np.testing.assert_allclose(images.numpy()[:, 0] * 16, reference.images, rtol=1e-6)
    np.testing.assert_array_equal(labels.numpy(), reference.target)
    assert set(labels.numpy().tolist()) == set(range(10))


def test_missing_sklearn_gives_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)   # makes the import fail
    with pytest.raises(ImportError, match="pip install scikit-learn") as info:
        data.load_digits()
    assert 'pip install -e ".[examples]"' in str(info.value)


def test_trains_through_a_loader():
    pytest.importorskip("sklearn")
    train, test = data.random_split(data.TensorDataset(*data.load_digits()), [0.8, 0.2],
                                    seed=0)
    x, y = next(iter(data.DataLoader(train, batch_size=32, shuffle=True, seed=0)))
    assert x.shape == (32, 1, 8, 8) and y.shape == (32,)
    assert len(train) + len(test) == 1797
