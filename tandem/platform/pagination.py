"""Pages of a long list, chosen on the server: `?page=` (or another parameter) in links that work without script.

A view reads the number asked for with `page_number(request.args, "page")`, counts the rows with an aggregate
query, and makes a `Page` (`paginate(total, asked, size)`): its `offset` and `size` go into the query's OFFSET
and LIMIT. A number beyond the last page shows the last one; anything that is not a positive integer, the
first. The template's macro `pagination(page, endpoint, args, param)` (tandem/templates/_pagination.html) links
the pages, keeping the other arguments (filter, sort, search, other lists' pages).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MAX_PAGE = 1_000_000  # beyond any list: a number larger than this is not a page (and never an OFFSET overflow)


@dataclass(frozen=True)
class Page:
    """One page of `total` rows, `size` per page; `number` counts from 1."""

    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first(self) -> int:
        """The position (from 1) of the page's first row; 0 on an empty list."""
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        """The position of the page's last row."""
        return min(self.offset + self.size, self.total)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def several(self) -> bool:
        """More than one page: the list needs its page links."""
        return self.pages > 1

    def link_args(self, args: Mapping[str, object], param: str, number: int) -> dict[str, object]:
        """`args` with `param` set to page `number` (left out for the first page, as in a plain link)."""
        out = {key: value for key, value in args.items() if key != param}
        if number > 1:
            out[param] = number
        return out

    def numbers(self, around: int = 2) -> list[int | None]:
        """The page numbers to link: the first, the last and `around` either side of this one; None for a gap."""
        wanted = {1, self.pages, *range(self.number - around, self.number + around + 1)}
        shown = sorted(n for n in wanted if 1 <= n <= self.pages)
        out: list[int | None] = []
        for n in shown:
            previous = out[-1] if out else None
            if previous is not None and n - previous > 1:
                out.append(None)
            out.append(n)
        return out


def page_number(args: Mapping[str, str], name: str = "page") -> int:
    """The page asked for in `args[name]`: a positive integer, else 1."""
    value = (args.get(name) or "").strip()
    if not value.isascii() or not value.isdigit():
        return 1
    number = int(value)
    return number if 1 <= number <= MAX_PAGE else 1


def paginate(total: int, asked: int, size: int) -> Page:
    """The page `asked` of `total` rows (the last page when `asked` is beyond it)."""
    pages = max(1, -(-total // size))
    return Page(number=min(max(1, asked), pages), size=size, total=total)
