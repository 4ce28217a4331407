"""Checking an OpenID provider's discovery document, with answers an organisation admin can act on.

The request goes through the guarded client (`tandem/platform/identity/outbound.py`). Whatever goes wrong
on the way (no answer, a refused address, a redirect, not JSON, not a discovery document) is one outcome,
"failed", told with one message: the page never says whether a port is open or what an answer contained.
Only a document that is a discovery document, from an address the client may reach, is described.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

from tandem.platform.identity.oidc import discovery_url
from tandem.platform.identity.outbound import OutboundPolicy, OutboundRefused, guarded_session

log = logging.getLogger(__name__)

REQUIRED_KEYS = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class ProviderCheck:
    outcome: str  # "ok", "failed", "issuer_mismatch"
    url: str
    detail: str = ""  # for "issuer_mismatch": the issuer the provider names; otherwise for logs only
    endpoints: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def issuer_problem(issuer: str, *, allow_http_loopback: bool) -> str | None:
    """Why `issuer` cannot be an issuer URL, or None. (Messages are translated by the form.)"""
    parts = urlsplit(issuer)
    if parts.scheme not in {"https", "http"} or not parts.netloc:
        return "not_url"
    if parts.query or parts.fragment:
        return "query"
    if parts.scheme == "http" and not (allow_http_loopback and parts.hostname in LOOPBACK_HOSTS):
        return "not_https"
    return None


def check_provider(issuer: str, policy: OutboundPolicy) -> ProviderCheck:
    url = discovery_url(issuer)
    check = _check(url, issuer, policy)
    if check.outcome == "failed":
        log.info("provider test for %s failed: %s", issuer, check.detail)
    return check


def _check(url: str, issuer: str, policy: OutboundPolicy) -> ProviderCheck:
    try:
        response = guarded_session(policy).get(url, headers={"Accept": "application/json"})
    except OutboundRefused as refused:
        return ProviderCheck("failed", url, refused.reason)
    except requests.RequestException as error:  # the guarded client raises only OutboundRefused; in case
        return ProviderCheck("failed", url, type(error).__name__)
    if response.status_code != 200:
        return ProviderCheck("failed", url, f"HTTP {response.status_code}")
    try:
        document = response.json()
    except ValueError:
        return ProviderCheck("failed", url, "not JSON")
    if not isinstance(document, dict):
        return ProviderCheck("failed", url, "not a JSON object")
    missing = [key for key in REQUIRED_KEYS if not isinstance(document.get(key), str) or not document[key]]
    if missing:
        return ProviderCheck("failed", url, "missing " + ", ".join(missing))
    if document["issuer"] != issuer:
        return ProviderCheck("issuer_mismatch", url, document["issuer"][:500])  # as long as an issuer may be
    return ProviderCheck("ok", url, endpoints={key: document[key] for key in REQUIRED_KEYS[1:]})
