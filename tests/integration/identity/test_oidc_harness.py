"""The tests' OpenID providers themselves, without the app: node-oidc-provider (two issuers) and the rogue
provider, driven by hand the way a relying party would."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from tests.fixtures.oidc import Issuer, build_authorize_url, complete_login, login_in_browser, make_pkce
from tests.fixtures.rogue_idp import RogueIdP

REDIRECT_URI = "http://127.0.0.1:9/cb"  # nothing listens: complete_login never follows it

ACCOUNTS = {
    "a": {"alice": {"email": "alice@org-a.test", "email_verified": True, "name": "Alice A"}},
    "b": {"bob": {"email": "bob@org-b.test", "email_verified": True, "name": "Bob B"}},
}


def issuer_spec(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "clients": [{"client_id": f"tandem-{name}", "client_secret": f"secret-{name}-" + "x" * 32,
                     "redirect_uris": [REDIRECT_URI]}],
        "accounts": ACCOUNTS[name],
        **extra,
    }


def client_of(issuer: Issuer) -> tuple[str, str]:
    client = issuer.config["clients"][0]
    return client["client_id"], client["client_secret"]


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def exchange(issuer_token_endpoint: str, client: tuple[str, str], code: str, verifier: str | None,
             redirect_uri: str = REDIRECT_URI) -> requests.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier is not None:
        form["code_verifier"] = verifier
    return requests.post(issuer_token_endpoint, data=form, auth=client, timeout=10)


def verify_id_token(token: str, jwks_uri: str, *, issuer: str, audience: str, nonce: str) -> dict[str, Any]:
    keys = KeySet.import_key_set(requests.get(jwks_uri, timeout=10).json())
    decoded = jwt.decode(token, keys, algorithms=["RS256"])
    JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": audience},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True},
        exp={"essential": True},
    ).validate(decoded.claims)
    return decoded.claims


def sign_in(issuer: Issuer, login: str, http: requests.Session | None = None) -> dict[str, Any]:
    """The whole code flow against one issuer; returns what a relying party would hold afterwards."""
    http = http or requests.Session()
    client_id, _ = client_of(issuer)
    verifier, challenge = make_pkce()
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    url = build_authorize_url(issuer.authorization_endpoint, client_id=client_id, redirect_uri=REDIRECT_URI,
                              state=state, nonce=nonce, code_challenge=challenge)
    callback = complete_login(http, url, login)
    return {"callback": callback, "params": query(callback), "state": state, "nonce": nonce, "verifier": verifier}


@pytest.fixture()
def two_issuers(oidc_providers) -> dict[str, Issuer]:
    return oidc_providers([issuer_spec("a"), issuer_spec("b")])


def test_discovery_names_each_issuer_and_the_iss_parameter(two_issuers):
    a, b = two_issuers["a"], two_issuers["b"]
    assert a.url != b.url
    for issuer in (a, b):
        assert issuer.url.startswith("http://127.0.0.1:")
        metadata = requests.get(issuer.discovery_url, timeout=10).json()
        assert metadata["issuer"] == issuer.url
        assert metadata["authorization_response_iss_parameter_supported"] is True
        assert metadata["code_challenge_methods_supported"] == ["S256"]
        assert metadata["authorization_endpoint"] == issuer.authorization_endpoint
        assert metadata["token_endpoint"] == issuer.token_endpoint
        assert metadata["userinfo_endpoint"] == issuer.userinfo_endpoint
        assert metadata["jwks_uri"] == issuer.jwks_uri
        assert {"openid", "email", "profile"} <= set(metadata["scopes_supported"])
    # Each issuer signs with a key of its own (the fixture makes one per issuer name).
    moduli = [{key["n"] for key in requests.get(issuer.jwks_uri, timeout=10).json()["keys"]} for issuer in (a, b)]
    assert moduli[0] and moduli[1] and not moduli[0] & moduli[1]


def test_code_flow_with_pkce_yields_a_verifiable_id_token_and_codes_are_single_use(two_issuers):
    for name, login, email in (("a", "alice", "alice@org-a.test"), ("b", "bob", "bob@org-b.test")):
        issuer = two_issuers[name]
        client = client_of(issuer)
        flow = sign_in(issuer, login)
        assert flow["callback"].startswith(REDIRECT_URI + "?")
        assert flow["params"]["state"] == flow["state"]
        assert flow["params"]["iss"] == issuer.url
        code = flow["params"]["code"]

        answer = exchange(issuer.token_endpoint, client, code, flow["verifier"])
        assert answer.status_code == 200, answer.text
        tokens = answer.json()
        assert tokens["token_type"].lower() == "bearer"
        claims = verify_id_token(tokens["id_token"], issuer.jwks_uri, issuer=issuer.url, audience=client[0],
                                 nonce=flow["nonce"])
        assert claims["sub"] == login
        assert claims["email"] == email
        assert claims["email_verified"] is True

        again = exchange(issuer.token_endpoint, client, code, flow["verifier"])
        assert again.status_code == 400
        assert again.json()["error"] == "invalid_grant"


def test_the_token_endpoint_wants_the_right_verifier_and_the_issuers_own_client(two_issuers):
    a, b = two_issuers["a"], two_issuers["b"]
    flow = sign_in(a, "alice")
    wrong_verifier = exchange(a.token_endpoint, client_of(a), flow["params"]["code"], make_pkce()[0])
    assert wrong_verifier.status_code == 400 and wrong_verifier.json()["error"] == "invalid_grant"

    flow = sign_in(a, "alice")
    other_issuers_client = exchange(a.token_endpoint, client_of(b), flow["params"]["code"], flow["verifier"])
    assert other_issuers_client.status_code == 401 and other_issuers_client.json()["error"] == "invalid_client"


def test_an_authorization_request_without_pkce_is_refused(two_issuers):
    issuer = two_issuers["a"]
    url = build_authorize_url(issuer.authorization_endpoint, client_id=client_of(issuer)[0],
                              redirect_uri=REDIRECT_URI, state="s1", nonce="n1", code_challenge=None)
    answer = requests.get(url, allow_redirects=False, timeout=10)
    assert answer.is_redirect
    params = query(answer.headers["Location"])
    assert params["error"] == "invalid_request"
    assert "PKCE" in params["error_description"]
    assert params["state"] == "s1" and params["iss"] == issuer.url
    assert "code" not in params

    plain = build_authorize_url(issuer.authorization_endpoint, client_id=client_of(issuer)[0],
                                redirect_uri=REDIRECT_URI, state="s2", nonce="n2", code_challenge="x" * 43,
                                code_challenge_method="plain")
    assert query(complete_login(requests.Session(), plain, "alice"))["error"] == "invalid_request"


def test_unknown_accounts_error_pages_and_declined_consent(two_issuers):
    issuer = two_issuers["a"]
    client_id = client_of(issuer)[0]
    _, challenge = make_pkce()
    url = build_authorize_url(issuer.authorization_endpoint, client_id=client_id, redirect_uri=REDIRECT_URI,
                              state="s", nonce="n", code_challenge=challenge)
    with pytest.raises(AssertionError, match="refused the login 'bob'"):
        complete_login(requests.Session(), url, "bob")  # bob is b's account, not a's

    declined = query(complete_login(requests.Session(), url, "alice", consent=False))
    assert declined["error"] == "access_denied" and "code" not in declined

    unregistered = build_authorize_url(issuer.authorization_endpoint, client_id=client_id,
                                       redirect_uri="http://127.0.0.1:9/elsewhere", state="s", nonce="n",
                                       code_challenge=challenge)
    with pytest.raises(AssertionError, match="error page"):
        complete_login(requests.Session(), unregistered, "alice")


def test_a_signed_in_session_skips_the_forms_on_the_next_request(two_issuers):
    issuer = two_issuers["a"]
    http = requests.Session()
    first = sign_in(issuer, "alice", http)
    second = sign_in(issuer, "alice", http)  # same browser session: no login or consent page this time
    assert "code" in first["params"] and "code" in second["params"]
    assert first["params"]["code"] != second["params"]["code"]


def test_claims_only_in_userinfo_when_configured(oidc_providers):
    issuer = oidc_providers([issuer_spec("b", id_token_claims_in_userinfo_only=True)])["b"]
    client = client_of(issuer)
    flow = sign_in(issuer, "bob")
    tokens = exchange(issuer.token_endpoint, client, flow["params"]["code"], flow["verifier"]).json()
    claims = verify_id_token(tokens["id_token"], issuer.jwks_uri, issuer=issuer.url, audience=client[0],
                             nonce=flow["nonce"])
    assert claims["sub"] == "bob"
    assert "email" not in claims and "name" not in claims

    userinfo = requests.get(issuer.userinfo_endpoint, headers={"Authorization": f"Bearer {tokens['access_token']}"},
                            timeout=10)
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json() == {"sub": "bob", "email": "bob@org-b.test", "email_verified": True, "name": "Bob B"}


def test_stop_ends_every_provider_process(oidc_providers):
    first = oidc_providers([issuer_spec("a")])["a"]
    second = oidc_providers([issuer_spec("b")])["b"]  # a second process in the same test
    assert requests.get(first.discovery_url, timeout=10).ok and requests.get(second.discovery_url, timeout=10).ok
    assert len(oidc_providers.processes) == 2

    oidc_providers.stop()  # what the fixture's teardown does
    for process in oidc_providers.processes:
        assert process.popen.returncode is not None
    for issuer in (first, second):
        with pytest.raises(requests.ConnectionError):
            requests.get(issuer.discovery_url, timeout=2)


# --- the rogue provider ---------------------------------------------------------------------------------


def rogue_flow(rogue: RogueIdP, *, auth: str = "basic") -> dict[str, Any]:
    verifier, challenge = make_pkce()
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    url = build_authorize_url(rogue.authorization_endpoint, client_id=rogue.client_id, redirect_uri=REDIRECT_URI,
                              state=state, nonce=nonce, code_challenge=challenge)
    answer = requests.get(url, allow_redirects=False, timeout=10)
    assert answer.is_redirect
    params = query(answer.headers["Location"])
    form = {"grant_type": "authorization_code", "code": params["code"], "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier}
    if auth == "basic":
        token = requests.post(rogue.token_endpoint, data=form, auth=(rogue.client_id, rogue.client_secret),
                              timeout=10)
    else:
        token = requests.post(rogue.token_endpoint, timeout=10,
                              data={**form, "client_id": rogue.client_id, "client_secret": rogue.client_secret})
    return {"params": params, "state": state, "nonce": nonce, "verifier": verifier, "token": token}


def test_rogue_provider_normal_flow(rogue_idp):
    metadata = requests.get(rogue_idp.discovery_url, timeout=10).json()
    assert metadata["issuer"] == rogue_idp.url
    assert metadata["authorization_response_iss_parameter_supported"] is True

    flow = rogue_flow(rogue_idp)
    assert flow["params"]["state"] == flow["state"] and flow["params"]["iss"] == rogue_idp.url
    assert flow["token"].status_code == 200, flow["token"].text
    tokens = flow["token"].json()
    claims = verify_id_token(tokens["id_token"], metadata["jwks_uri"], issuer=rogue_idp.url,
                             audience=rogue_idp.client_id, nonce=flow["nonce"])
    assert claims["email"] == rogue_idp.claims["email"]
    userinfo = requests.get(metadata["userinfo_endpoint"], timeout=10,
                            headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    assert userinfo["sub"] == rogue_idp.claims["sub"]

    assert rogue_idp.authorize_requests[-1]["code_challenge_method"] == "S256"
    assert rogue_idp.token_requests[-1]["auth_method"] == "client_secret_basic"
    assert rogue_idp.token_requests[-1]["form"]["code_verifier"] == flow["verifier"]

    assert rogue_flow(rogue_idp, auth="post")["token"].status_code == 200
    assert rogue_idp.token_requests[-1]["auth_method"] == "client_secret_post"

    replay = requests.post(rogue_idp.token_endpoint, auth=(rogue_idp.client_id, rogue_idp.client_secret), timeout=10,
                           data={"grant_type": "authorization_code", "code": flow["params"]["code"],
                                 "redirect_uri": REDIRECT_URI, "code_verifier": flow["verifier"]})
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"


def test_rogue_provider_refuses_a_wrong_verifier_or_secret(rogue_idp):
    _, challenge = make_pkce()
    url = build_authorize_url(rogue_idp.authorization_endpoint, client_id=rogue_idp.client_id,
                              redirect_uri=REDIRECT_URI, state="s", nonce="n", code_challenge=challenge)
    code = query(requests.get(url, allow_redirects=False, timeout=10).headers["Location"])["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
            "code_verifier": make_pkce()[0]}
    wrong_secret = requests.post(rogue_idp.token_endpoint, data=form, auth=(rogue_idp.client_id, "nope"), timeout=10)
    assert wrong_secret.status_code == 401
    wrong_verifier = requests.post(rogue_idp.token_endpoint, data=form,
                                   auth=(rogue_idp.client_id, rogue_idp.client_secret), timeout=10)
    assert wrong_verifier.status_code == 400 and wrong_verifier.json()["error_description"] == "PKCE mismatch"


def _segments(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # noqa: E731
    return decode(header), decode(payload), signature


def test_rogue_provider_alg_none(rogue_idp):
    rogue_idp.mode = "alg_none"
    rogue_idp.iss_param = None
    flow = rogue_flow(rogue_idp)
    assert "iss" not in flow["params"]
    header, payload, signature = _segments(flow["token"].json()["id_token"])
    assert header["alg"] == "none" and signature == ""
    assert payload["nonce"] == flow["nonce"] and payload["iss"] == rogue_idp.url
    assert payload["email"] == rogue_idp.claims["email"]


def test_rogue_provider_modes_break_what_they_say(rogue_idp):
    keys = KeySet.import_key_set(requests.get(rogue_idp.url + "/jwks", timeout=10).json())

    def claims_in(mode: str) -> tuple[dict[str, Any], str]:
        rogue_idp.mode = mode
        flow = rogue_flow(rogue_idp)
        return jwt.decode(flow["token"].json()["id_token"], keys, algorithms=["RS256"]).claims, flow["nonce"]

    claims, nonce = claims_in("normal")
    assert claims["aud"] == rogue_idp.client_id and claims["nonce"] == nonce and claims["iss"] == rogue_idp.url
    assert claims["exp"] > time.time()
    assert claims_in("wrong_audience")[0]["aud"] != rogue_idp.client_id
    assert claims_in("expired")[0]["exp"] < time.time()
    claims, nonce = claims_in("wrong_nonce")
    assert claims["nonce"] != nonce
    assert claims_in("wrong_issuer_in_token")[0]["iss"] != rogue_idp.url

    rogue_idp.mode = "bad_signature"
    token = rogue_flow(rogue_idp)["token"].json()["id_token"]
    assert _segments(token)[0]["kid"] == rogue_idp.key.kid
    with pytest.raises(BadSignatureError):
        jwt.decode(token, keys, algorithms=["RS256"])

    rogue_idp.mode = "normal"
    rogue_idp.advertised_issuer = "http://127.0.0.1:2/someone-else"
    rogue_idp.iss_param = "http://127.0.0.1:2/someone-else"
    assert requests.get(rogue_idp.discovery_url, timeout=10).json()["issuer"] == "http://127.0.0.1:2/someone-else"
    assert rogue_flow(rogue_idp)["params"]["iss"] == "http://127.0.0.1:2/someone-else"


# --- the browser helper ---------------------------------------------------------------------------------


@pytest.fixture()
def callback_server() -> Iterator[str]:
    """A page for the browser to land on after the provider (the client's redirect_uri)."""
    server = make_server("127.0.0.1", 0, lambda environ, start: Response("signed in", mimetype="text/plain")(
        environ, start), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="oidc-callback",
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/cb"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.mark.browser
def test_login_in_browser(oidc_providers, callback_server, page):
    spec = issuer_spec("a")
    spec["clients"][0]["redirect_uris"] = [callback_server]
    issuer = oidc_providers([spec])["a"]
    _, challenge = make_pkce()
    page.goto(build_authorize_url(issuer.authorization_endpoint, client_id=client_of(issuer)[0],
                                  redirect_uri=callback_server, state="browser-state", nonce="n",
                                  code_challenge=challenge))
    login_in_browser(page, "alice")
    assert page.url.startswith(callback_server + "?")
    params = query(page.url)
    assert params["state"] == "browser-state" and params["iss"] == issuer.url and params["code"]
