"""The public pages' addresses in every site language, for `<link rel="alternate" hreflang="...">`.

A page's language can be asked for in its address: `?lang=it` (the locale selector, `i18n.select_language`,
takes it before the visitor's choice and browser, without remembering it). Each alternate is the page's
absolute address (from BASE_URL) with `?lang=<code>`; `x-default` is the address without it, whose language
the visitor's choice or browser decides. The showcase's pages make their own (`showcase.public.views._links`).
"""

from __future__ import annotations

from flask import has_request_context, request

from tandem.platform.config import LANGUAGES
from tandem.platform.urls import absolute_url

# The pages anyone may read whose text is the site's own (no person's data): they are offered to search
# engines in every language. The accessibility statement is listed once its blueprint is there.
PUBLIC_PAGES = ("public.landing", "privacy.notice", "privacy.imprint", "accessibility.statement")


def page_alternates(endpoint: str, values: dict[str, object] | None = None) -> list[tuple[str, str]]:
    """(hreflang, absolute address) for every site language, then x-default."""
    values = dict(values or {})
    return [(code, absolute_url(endpoint, **values, lang=code)) for code in LANGUAGES] + [
        ("x-default", absolute_url(endpoint, **values))]


def language_alternates() -> dict[str, object]:
    """Templates' `language_alternates`: the current page's alternates when it is a public page read with GET,
    else none (and none outside a request: mail)."""
    endpoint = (request.endpoint or "") if has_request_context() else ""  # mails render outside requests
    if endpoint not in PUBLIC_PAGES or request.method != "GET":
        return {"language_alternates": []}
    return {"language_alternates": page_alternates(endpoint, request.view_args)}
