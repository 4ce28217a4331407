"""OpenID Connect with each member organisation's own provider (Authlib, one client per organisation).

What is checked, and where:
* state (Authlib keeps it in the signed session cookie under the client's name, which carries the
  organisation and the settings' version, so A's flow cannot complete at B's callback);
* PKCE S256 (Authlib creates the verifier; the provider checks it);
* nonce, ID-token signature, issuer, audience, expiry (Authlib's CodeIDToken validation, with the
  algorithms restricted here to asymmetric ones: never `none`, never a shared-secret HMAC);
* the discovery document's issuer equals the configured issuer (`provider_metadata`);
* the callback's `iss` parameter, when present or advertised (RFC 9207) (`check_callback_issuer`);
* every request to the provider (discovery, token, userinfo, keys) goes through the guarded client of
  `outbound.py` (`GuardedOAuth2App`), and the discovery document cannot reconfigure Authlib's session.
"""

from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.client import OAuth2Client
from flask import Flask, current_app

from tandem.platform.identity.crypto import decrypt_secret
from tandem.platform.identity.outbound import OutboundPolicy, guard_session
from tandem.tenants.models import Organisation, OrganisationSSO

SAFE_ID_TOKEN_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
                            "EdDSA")
HTTP_TIMEOUT_SECONDS = 10

# Authlib builds its session with `OAuth2Session(**client_kwargs, **discovery_document)`: a document with
# keys named like the session's parameters (`proxies`, `verify`, `code_challenge_method`, `scope`, ...)
# would reconfigure it. Such keys are dropped from the document before it is passed on.
_SESSION_PARAMETERS = frozenset(
    set(inspect.signature(OAuth2Session.__init__).parameters) | set(inspect.signature(OAuth2Client.__init__).parameters)
    | {"proxies", "hooks", "stream", "verify", "cert", "max_redirects", "trust_env", "session", "metadata"}
) - {"self", "kwargs"}


class SignInRefused(Exception):
    """A sign-in attempt fails. `reason` is a stable code for the audit log and the page."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def callback_url(organisation: Organisation) -> str:
    """The one redirect URI of an organisation, registered at its provider."""
    return f"{current_app.config['TANDEM'].base_url}/o/{organisation.slug}/sso/callback"


class GuardedOAuth2App(FlaskOAuth2App):
    """Authlib's Flask client whose every session sends through the guarded client (`outbound.py`).

    Registered with `outbound=` the SSOClients whose policy applies (read at each request)."""

    def __init__(self, framework: Any, name: str | None = None, **kwargs: Any) -> None:
        self._outbound: SSOClients = kwargs.pop("outbound")
        super().__init__(framework, name, **kwargs)

    def _get_session(self) -> requests.Session:
        return guard_session(super()._get_session(), self._outbound.policy)  # type: ignore[misc]

    def _get_oauth_client(self, **metadata: Any) -> requests.Session:
        kept = {key: value for key, value in metadata.items() if key not in _SESSION_PARAMETERS}
        return guard_session(super()._get_oauth_client(**kept), self._outbound.policy)  # type: ignore[misc]


class GuardedOAuth(OAuth):
    """Authlib's registry, creating GuardedOAuth2App clients."""

    oauth2_client_cls = GuardedOAuth2App  # type: ignore[assignment]  # its constructor takes `outbound=` too


@dataclass
class SSOClients:
    """One Authlib client per organisation, rebuilt when its settings change (the version is in the name).

    `policy` is what the clients' requests may do (`outbound.py`); loopback providers in demo and test only.
    """

    oauth: OAuth
    policy: OutboundPolicy

    def client_for(self, settings: OrganisationSSO) -> Any:
        # The name carries the organisation, the settings' version and a fingerprint of what the client is
        # built from: any change gives a new client (and a flow started with the old one cannot finish).
        fingerprint = hashlib.sha256(
            f"{settings.issuer}|{settings.client_id}|".encode() + settings.client_secret_encrypted
        ).hexdigest()[:12]
        name = f"org{settings.organisation_id}v{settings.version}-{fingerprint}"
        client = self.oauth.create_client(name)
        if client is None:
            self.oauth.register(
                name=name,
                outbound=self,
                client_id=settings.client_id,
                client_secret=decrypt_secret(settings.client_secret_encrypted),
                server_metadata_url=discovery_url(settings.issuer),
                client_kwargs={
                    "scope": "openid email profile",
                    "code_challenge_method": "S256",
                    "default_timeout": HTTP_TIMEOUT_SECONDS,
                },
            )
            client = self.oauth.create_client(name)
        return client


def sso_clients() -> SSOClients:
    return current_app.extensions["tandem.sso_clients"]


def provider_metadata(client: Any, settings: OrganisationSSO) -> dict[str, Any]:
    """The provider's discovery document, checked: same issuer as configured, safe algorithms only."""
    try:
        metadata = client.load_server_metadata()
    except Exception as error:  # requests' errors, JSON errors: the provider cannot be used now
        raise SignInRefused("provider_unreachable", f"{type(error).__name__}: {error}") from error
    if metadata.get("issuer") != settings.issuer:
        client.server_metadata.pop("_loaded_at", None)  # fetch again next time
        raise SignInRefused("issuer_mismatch", f"discovery says {metadata.get('issuer')!r}")
    advertised = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    allowed = [alg for alg in advertised if alg in SAFE_ID_TOKEN_ALGORITHMS]
    if not allowed:
        raise SignInRefused("unsafe_algorithms", f"provider offers only {advertised!r}")
    metadata["id_token_signing_alg_values_supported"] = allowed
    return metadata


def check_callback_issuer(callback_iss: str | None, settings: OrganisationSSO, metadata: dict[str, Any]) -> None:
    """RFC 9207: the authorization response names its issuer; it must be this organisation's."""
    if callback_iss is None:
        if metadata.get("authorization_response_iss_parameter_supported"):
            raise SignInRefused("issuer_missing", "the provider promised an iss parameter")
        return
    if callback_iss != settings.issuer:
        raise SignInRefused("issuer_mismatch", f"callback iss {callback_iss!r}")


def init_app(app: Flask) -> None:
    policy = OutboundPolicy.for_environment(production=app.config["TANDEM"].is_production)
    app.extensions["tandem.sso_clients"] = SSOClients(oauth=GuardedOAuth(app), policy=policy)
