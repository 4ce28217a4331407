"""Where a request may send the browser next (`next` after signing in, after choosing a language): only a path
of this site. Browsers read a backslash as a slash and drop tabs and line breaks, so those are refused too."""

from __future__ import annotations

import pytest

from tandem.platform.urls import safe_next


@pytest.mark.parametrize("target", [
    "/me/", "/me/?tab=invitations", "/board/cohorts/3/matching#pairs", "/o/stadtwerke/", "/",
    "/me/events/4?answer=yes&x=%2F%2Fsomewhere",
])
def test_paths_of_this_site_are_kept(target):
    assert safe_next(target, "/fallback") == target


@pytest.mark.parametrize("target", [
    None, "", "me/", "https://evil.example/", "http:/evil.example", "//evil.example/", "///evil.example",
    "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "\\/evil.example", "javascript:alert(1)",
    " //evil.example", "/\t/evil.example", "/me/\r\nSet-Cookie: x=1", "/me/\nx", "/me/\x00", "/me/\x7f",
    "/me/\u2028x",
])
def test_anything_else_gives_the_fallback(target):
    assert safe_next(target, "/fallback") == "/fallback"
