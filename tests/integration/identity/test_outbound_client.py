"""The guarded client for requests to organisations' providers, against servers of the test's own on 127.0.0.1.

Every refusal is the same exception with the same message. Only loopback addresses are ever contacted: a
DNS answer is simulated by the policy's resolver, and the network fence refuses (and records) any attempt
to reach another address.
"""

from __future__ import annotations

import json
import socket
import time
from dataclasses import replace

import pytest

from tandem.platform.identity.outbound import NEUTRAL_MESSAGE, OutboundPolicy, OutboundRefused, guarded_session
from tests.fixtures.network import (
    LocalServer,
    fence_network,
    http_answer,
    json_answer,
    local_server,
    read_request,
    tls_context_for,
)

DOCUMENT = {"issuer": "http://127.0.0.1", "token_endpoint": "http://127.0.0.1/token"}
TEST_MODE = OutboundPolicy(allow_loopback=True, connect_timeout=2.0, total_timeout=3.0, max_bytes=64_000)


class Resolver:
    """A DNS stand-in: a list of answers per name, given in turn (the last one repeats); counts the questions."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.questions: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.questions.append(host)
        turns = self.answers[host]
        return turns[min(self.questions.count(host), len(turns)) - 1]


def refused(session, url: str, **kwargs) -> OutboundRefused:
    with pytest.raises(OutboundRefused) as caught:
        session.get(url, **kwargs)
    assert str(caught.value) == NEUTRAL_MESSAGE
    return caught.value


def test_a_loopback_provider_answers_in_test_mode(monkeypatch):
    fence = fence_network(monkeypatch)
    with local_server(json_answer(DOCUMENT)) as server:
        response = guarded_session(TEST_MODE).get(server.url("/.well-known/openid-configuration"))
    assert response.status_code == 200 and response.json() == DOCUMENT
    assert fence.refused_connections == []


def test_loopback_is_refused_outside_demo_and_test_mode(monkeypatch):
    fence_network(monkeypatch)
    production = replace(TEST_MODE, allow_loopback=False)
    resolver = Resolver({"idp.alpha.example": [["127.0.0.1"]]})
    with local_server(json_answer(DOCUMENT)) as server:
        refused(guarded_session(production), server.url())
        refused(guarded_session(production), server.url(scheme="https"))
        refused(guarded_session(replace(production, resolver=resolver)), server.url(host="idp.alpha.example",
                                                                                       scheme="https"))
    assert server.connections == 0


def test_a_host_name_is_sent_as_the_host_header_to_the_checked_address(monkeypatch):
    fence_network(monkeypatch)
    resolver = Resolver({"idp.alpha.example": [["127.0.0.1"]]})
    with local_server(json_answer(DOCUMENT)) as server:
        response = guarded_session(replace(TEST_MODE, resolver=resolver)).get(server.url("/x", "idp.alpha.example"))
    assert response.json() == DOCUMENT
    assert f"Host: idp.alpha.example:{server.port}".encode() in server.requests[0]


def test_a_dns_answer_that_changes_after_the_check_is_not_used(monkeypatch):
    """Rebinding: the first answer is allowed, later ones are not; the connection goes to the first."""
    fence = fence_network(monkeypatch)
    resolver = Resolver({"idp.alpha.example": [["127.0.0.1"], ["10.0.0.7"], ["169.254.169.254"]]})
    with local_server(json_answer(DOCUMENT)) as server:
        response = guarded_session(replace(TEST_MODE, resolver=resolver)).get(server.url("/", "idp.alpha.example"))
    assert response.json() == DOCUMENT
    assert resolver.questions == ["idp.alpha.example"], "one answer, checked, and the connection pinned to it"
    assert fence.refused_connections == []


def test_a_public_answer_first_and_a_private_one_second_connects_only_to_the_public_one(monkeypatch):
    """Rebinding outside test mode: the check saw a public address; the private second answer never reaches
    the socket (the fence refuses the public address, so nothing leaves the machine)."""
    fence = fence_network(monkeypatch)
    resolver = Resolver({"idp.alpha.example": [["93.184.216.34"], ["127.0.0.1"]]})
    production = replace(TEST_MODE, allow_loopback=False, resolver=resolver)
    with local_server(json_answer(DOCUMENT)) as server:
        refused(guarded_session(production), server.url("/", "idp.alpha.example", scheme="https"))
    assert [address[0] for address in fence.refused_connections] == ["93.184.216.34"]
    assert resolver.questions == ["idp.alpha.example"]
    assert server.connections == 0


@pytest.mark.parametrize("location", [
    "http://127.0.0.2:{port}/internal.json",  # another host
    "http://169.254.169.254/latest/meta-data/",
    "/internal.json",  # even the same host: redirects are not followed at all
])
def test_redirects_are_not_followed(monkeypatch, location):
    fence = fence_network(monkeypatch)
    with local_server(json_answer({"issuer": "internal-secret"})) as internal:
        redirect = http_answer("302 Found", headers={"Location": location.format(port=internal.port)})
        with local_server(redirect) as server:
            refused(guarded_session(TEST_MODE), server.url("/.well-known/openid-configuration"))
            refused(guarded_session(TEST_MODE), server.url("/token"), allow_redirects=True)
    assert internal.connections == 0 and len(server.requests) == 2
    assert fence.refused_connections == []


@pytest.mark.parametrize("content_length", [True, False])
def test_an_oversized_answer_is_refused(monkeypatch, content_length):
    fence_network(monkeypatch)
    body = json.dumps({"issuer": "x", "padding": "a" * 100_000}).encode()
    with local_server(http_answer(body=body, content_length=content_length)) as server:
        refused(guarded_session(TEST_MODE), server.url())


def test_an_answer_just_under_the_limit_is_read(monkeypatch):
    fence_network(monkeypatch)
    body = json.dumps({"padding": "a" * 60_000}).encode()
    with local_server(http_answer(body=body, content_length=False)) as server:
        assert guarded_session(TEST_MODE).get(server.url()).content == body


def _silent(connection: socket.socket, server: LocalServer) -> None:
    read_request(connection, server)
    server.stopping.wait(30)


def _dripping(connection: socket.socket, server: LocalServer) -> None:
    read_request(connection, server)
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
    while not server.stopping.wait(0.2):
        connection.sendall(b" ")


def _slow_headers(connection: socket.socket, server: LocalServer) -> None:
    read_request(connection, server)
    connection.sendall(b"HTTP/1.1 200 OK\r\n")
    while not server.stopping.wait(0.2):
        connection.sendall(b"X-Wait: 1\r\n")


@pytest.mark.parametrize("handler", [_silent, _dripping, _slow_headers])
def test_a_slow_server_is_given_up_on_after_the_total_timeout(monkeypatch, handler):
    fence_network(monkeypatch)
    policy = replace(TEST_MODE, connect_timeout=0.5, total_timeout=1.0)
    with local_server(handler) as server:
        started = time.monotonic()
        refused(guarded_session(policy), server.url(), timeout=60)
        elapsed = time.monotonic() - started
    assert elapsed < 2.5, elapsed


@pytest.mark.parametrize("status", ["404 Not Found", "500 Internal Server Error"])
def test_errors_of_the_provider_are_answers_not_refusals(monkeypatch, status):
    """The token endpoint answers 400 with a JSON error; Authlib reads it. Only transport failures refuse."""
    fence_network(monkeypatch)
    with local_server(http_answer(status, b"{}")) as server:
        assert guarded_session(TEST_MODE).get(server.url()).status_code == int(status.split()[0])


def test_a_closed_port_and_an_open_one_give_the_same_refusal(monkeypatch):
    fence_network(monkeypatch)
    with local_server(http_answer(body=b"SSH-2.0-OpenSSH_9.6\r\n", content_length=False)) as server:
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        closed_port = closed.getsockname()[1]
        closed.close()
        one = refused(guarded_session(TEST_MODE), f"http://127.0.0.1:{closed_port}/")
        two = refused(guarded_session(TEST_MODE), server.url(scheme="https"))  # TLS to a plain server
    assert str(one) == str(two) == NEUTRAL_MESSAGE and one.args == two.args


def test_proxies_and_switching_off_verification_are_ignored(monkeypatch, tmp_path):
    """Settings a discovery document could smuggle into Authlib's session (`proxies`, `verify`) change nothing."""
    fence_network(monkeypatch)
    context, _ = tls_context_for("idp.alpha.example", tmp_path)
    resolver = Resolver({"idp.alpha.example": [["127.0.0.1"]]})
    with local_server(http_answer(body=b"{}")) as proxy, local_server(json_answer(DOCUMENT)) as plain, \
            local_server(json_answer(DOCUMENT), tls=context) as tls:
        session = guarded_session(replace(TEST_MODE, resolver=resolver))
        session.proxies = {"https": proxy.url(), "http": proxy.url()}
        session.verify = False
        assert session.get(plain.url("/"), proxies={"http": proxy.url()}).json() == DOCUMENT
        # The certificate is self-signed, not trusted by the system's CAs: refused, whatever `verify` says.
        refused(session, tls.url("/", "idp.alpha.example", scheme="https"), verify=False)
    assert proxy.connections == 0 and len(plain.requests) == 1


def test_https_to_a_pinned_address_keeps_the_host_name_for_tls(monkeypatch, tmp_path):
    fence_network(monkeypatch)
    context, ca = tls_context_for("idp.alpha.example", tmp_path)
    resolver = Resolver({"idp.alpha.example": [["127.0.0.1"]], "other.alpha.example": [["127.0.0.1"]]})
    policy = replace(TEST_MODE, resolver=resolver, ca_certs=str(ca))
    with local_server(json_answer(DOCUMENT), tls=context) as server:
        response = guarded_session(policy).get(server.url("/x", "idp.alpha.example", scheme="https"))
        assert response.json() == DOCUMENT
        assert server.server_names == ["idp.alpha.example"], "the TLS server name is the host's, not the address"
        refused(guarded_session(policy), server.url("/x", "other.alpha.example", scheme="https"))  # wrong name
        refused(guarded_session(policy), server.url("/x", scheme="https"))  # an address is not the certificate's
