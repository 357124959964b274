"""The C++ standard library's unstable ordering (GCC's libstdc++), step for step.

PyTorch's CPU ``mode`` sorts each row with ``std::sort`` and its ``nanmedian`` picks the
median with ``std::nth_element``. Neither is stable: elements that compare equal (and
NaNs, for which every comparison is false) end up in whatever order the algorithm's exact
steps leave them, and with that order comes the index PyTorch returns. These functions
take the same steps on a Python list, so that minigrad returns the same index.

``sort`` is introsort: quicksort with a median-of-three pivot on runs longer than 16,
heapsort once the recursion is ``2 log2 n`` deep, then one insertion sort over the whole
list. ``nth_element`` is introselect: the same partitions, into the part holding the
wanted position only, and an insertion sort once that part has 3 elements or fewer.
``less(a, b)`` is the comparison; the list is reordered in place.
"""
from __future__ import annotations

from typing import Any, Callable

Less = Callable[[Any, Any], bool]
_SMALL = 16  # runs this short are left to the final insertion sort


def sort(items: list, less: Less) -> None:
    """Order ``items`` as ``std::sort(first, last, less)`` does."""
    if len(items) > 1:
        _introsort(items, 0, len(items), 2 * _log2(len(items)), less)
        _final_insertion_sort(items, less)


def nth_element(items: list, nth: int, less: Less) -> None:
    """Reorder ``items`` as ``std::nth_element(first, first + nth, last, less)`` does."""
    first, last = 0, len(items)
    if nth >= last:
        return
    depth = 2 * _log2(last)
    while last - first > 3:
        if depth == 0:
            _heap_select(items, first, nth + 1, last, less)
            _swap(items, first, nth)
            return
        depth -= 1
        cut = _partition_pivot(items, first, last, less)
        first, last = (cut, last) if cut <= nth else (first, cut)
    _insertion_sort(items, first, last, less)


def _log2(n: int) -> int:
    return n.bit_length() - 1


def _swap(a: list, i: int, j: int) -> None:
    a[i], a[j] = a[j], a[i]


def _introsort(a: list, first: int, last: int, depth: int, less: Less) -> None:
    while last - first > _SMALL:
        if depth == 0:  # heapsort the rest
            _heap_select(a, first, last, last, less)
            while last - first > 1:
                last -= 1
                _pop_heap(a, first, last, last, less)
            return
        depth -= 1
        cut = _partition_pivot(a, first, last, less)
        _introsort(a, cut, last, depth, less)
        last = cut


def _partition_pivot(a: list, first: int, last: int, less: Less) -> int:
    """Move the median of a[first + 1], the middle and a[last - 1] to a[first], then split
    the rest around it (elements equal to it may go either way); where the right part
    starts."""
    x, y, z = first + 1, first + (last - first) // 2, last - 1
    if less(a[x], a[y]):
        median = y if less(a[y], a[z]) else z if less(a[x], a[z]) else x
    else:
        median = x if less(a[x], a[z]) else z if less(a[y], a[z]) else y
    _swap(a, first, median)
    pivot, low, high = a[first], first + 1, last
    while True:
        while low < last - 1 and less(a[low], pivot):
            low += 1
        high -= 1
        while high > first and less(pivot, a[high]):
            high -= 1
        if low >= high:
            return low
        _swap(a, low, high)
        low += 1


def _insertion_sort(a: list, first: int, last: int, less: Less) -> None:
    for i in range(first + 1, last):
        if less(a[i], a[first]):  # the new smallest: everything before moves up one
            a[first:i + 1] = [a[i]] + a[first:i]
        else:
            _linear_insert(a, first, i, less)


def _linear_insert(a: list, first: int, i: int, less: Less) -> None:
    """Move a[i] down past the elements before it that it is less than."""
    value = a[i]
    while i > first and less(value, a[i - 1]):
        a[i] = a[i - 1]
        i -= 1
    a[i] = value


def _final_insertion_sort(a: list, less: Less) -> None:
    _insertion_sort(a, 0, min(len(a), _SMALL), less)
    for i in range(_SMALL, len(a)):
        _linear_insert(a, 0, i, less)


def _heap_select(a: list, first: int, middle: int, last: int, less: Less) -> None:
    """Make a[first:middle] a max-heap holding the smallest of a[first:last]."""
    n = middle - first
    for parent in range((n - 2) // 2, -1, -1):
        _adjust_heap(a, first, parent, n, a[first + parent], less)
    for i in range(middle, last):
        if less(a[i], a[first]):
            _pop_heap(a, first, middle, i, less)


def _pop_heap(a: list, first: int, last: int, result: int, less: Less) -> None:
    """Put the heap's top at ``result`` and re-heap a[first:last] with a[result]'s old
    value."""
    value = a[result]
    a[result] = a[first]
    _adjust_heap(a, first, 0, last - first, value, less)


def _adjust_heap(a: list, first: int, hole: int, n: int, value: Any, less: Less) -> None:
    """Sift the hole at ``hole`` down to a leaf along the larger children, then ``value``
    up from there (libstdc++'s __adjust_heap and __push_heap)."""
    top = child = hole
    while child < (n - 1) // 2:
        child = 2 * (child + 1)
        if less(a[first + child], a[first + child - 1]):
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if n % 2 == 0 and child == (n - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and less(a[first + parent], value):
        a[first + hole] = a[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[first + hole] = value
