"""A thread-safe least-recently-used cache, bounded by a total size (entries, or bytes)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LRUCache(Generic[V]):
    """Values by key, up to ``max_size`` in total; the least recently used go first.

    :param size_of: an entry's size (default 1: ``max_size`` counts entries).
    """

    def __init__(self, max_size: int, size_of: Callable[[V], int] = lambda value: 1) -> None:
        self.max_size = max_size
        self.size_of = size_of
        self.size = 0
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The cached value, or ``compute()``'s, cached. Computing runs outside the lock:
        two threads may compute the same value; the first one stored is kept."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        value = compute()
        with self._lock:
            if key not in self._entries:
                self._entries[key] = value
                self.size += self.size_of(value)
                while self.size > self.max_size and self._entries:
                    _, old = self._entries.popitem(last=False)
                    self.size -= self.size_of(old)
            return self._entries.get(key, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0
