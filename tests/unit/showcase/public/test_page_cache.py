"""The in-process cache of rendered showcase pages: least recently used out first, bounded by entries and by
bytes, and each entry living a short time."""

from __future__ import annotations

from tandem.platform.showcase.public.caching import Page, PageCache


def page(size: int = 10) -> Page:
    return Page(b"x" * size, "text/html")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_least_recently_used_page_goes_first():
    cache = PageCache(entries=2, max_bytes=1000, ttl=60)
    cache.put("a", page())
    cache.put("b", page())
    assert cache.get("a") is not None  # a is now the most recent
    cache.put("c", page())
    assert cache.get("b") is None
    assert cache.get("a") is not None and cache.get("c") is not None
    assert len(cache) == 2


def test_the_byte_budget_holds():
    cache = PageCache(entries=100, max_bytes=100, ttl=60)
    for key in "abcdef":
        cache.put(key, page(30))
    assert cache.size_in_bytes <= 100 and len(cache) == 3
    assert [cache.get(key) is not None for key in "abcdef"] == [False, False, False, True, True, True]
    cache.put("huge", page(101))  # larger than the whole budget: not kept, nothing thrown out
    assert cache.get("huge") is None and len(cache) == 3


def test_a_page_lives_a_short_time():
    clock = Clock()
    cache = PageCache(entries=10, max_bytes=1000, ttl=60, clock=clock)
    cache.put("a", page())
    clock.now = 59
    assert cache.get("a") is not None
    clock.now = 61
    assert cache.get("a") is None
    assert len(cache) == 0 and cache.size_in_bytes == 0


def test_replacing_and_clearing_keep_the_count_of_bytes():
    cache = PageCache(entries=10, max_bytes=1000, ttl=60)
    cache.put("a", page(10))
    cache.put("a", page(20))
    assert cache.size_in_bytes == 20 and len(cache) == 1
    cache.clear()
    assert cache.size_in_bytes == 0 and cache.get("a") is None
