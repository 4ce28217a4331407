"""Checking an OpenID provider's discovery document, with answers an organisation admin can act on."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

from tandem.platform.identity.oidc import discovery_url

REQUIRED_KEYS = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class ProviderCheck:
    outcome: str  # "ok", "unreachable", "not_openid", "issuer_mismatch"
    url: str
    detail: str = ""
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


def check_provider(issuer: str, timeout: float = 5.0) -> ProviderCheck:
    url = discovery_url(issuer)
    try:
        response = requests.get(url, timeout=timeout, headers={"Accept": "application/json"})
    except requests.RequestException as error:
        return ProviderCheck("unreachable", url, type(error).__name__)
    if response.status_code != 200:
        return ProviderCheck("not_openid", url, f"HTTP {response.status_code}")
    try:
        document = response.json()
    except ValueError:
        return ProviderCheck("not_openid", url, "not JSON")
    if not isinstance(document, dict):
        return ProviderCheck("not_openid", url, "not a JSON object")
    missing = [key for key in REQUIRED_KEYS if not document.get(key)]
    if missing:
        return ProviderCheck("not_openid", url, ", ".join(missing))
    if document["issuer"] != issuer:
        return ProviderCheck("issuer_mismatch", url, str(document["issuer"]))
    return ProviderCheck("ok", url, endpoints={key: str(document[key]) for key in REQUIRED_KEYS[1:]})
