"""unique_sorted gives exactly np.unique's answer (the engine uses it for candidate pairs)."""

import numpy as np

from dtks_desktop.services.matching.engine.common import unique_sorted


def test_same_as_np_unique():
    rng = np.random.default_rng(7)
    for n, hi in ((0, 10), (1, 10), (1000, 5), (100_000, 1 << 50), (50_000, 1000)):
        a = rng.integers(0, hi, n, dtype=np.int64)
        got = unique_sorted(a)
        assert got.dtype == a.dtype
        assert np.array_equal(got, np.unique(a))


def test_negative_values_and_input_untouched():
    a = np.array([3, -1, 3, -5, 0, -1], dtype=np.int64)
    before = a.copy()
    assert unique_sorted(a).tolist() == [-5, -1, 0, 3]
    assert np.array_equal(a, before)
