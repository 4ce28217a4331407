"""Which addresses the platform may send a request to on behalf of an organisation's provider settings.

The checks are pure (`address_refusal`); the URL rules are checked through the guarded session, refused
before any socket is opened (the network fence records any attempt, and the tests assert there was none).
"""

from __future__ import annotations

import pytest

from tandem.platform.identity.outbound import (
    NEUTRAL_MESSAGE,
    OutboundPolicy,
    OutboundRefused,
    address_refusal,
    guarded_session,
)
from tests.fixtures.network import fence_network

FORBIDDEN = [
    "127.0.0.1", "127.8.9.10", "::1",  # loopback
    "10.0.0.1", "172.16.5.4", "192.168.1.1", "fd00::1", "fec0::1",  # private, unique-local, site-local
    "169.254.169.254", "169.254.0.1", "fe80::1", "fe80::1%1",  # link-local, the cloud metadata address
    "224.0.0.1", "239.255.255.250", "ff02::1",  # multicast
    "0.0.0.0", "::", "255.255.255.255", "240.0.0.1",  # unspecified, broadcast, reserved
    "100.64.0.1", "192.0.0.8", "198.18.0.1", "192.0.2.10", "2001:db8::1",  # shared, IETF, benchmark, docs
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1",  # IPv4-mapped IPv6
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1",  # NAT64 of the metadata address and of loopback
    "2002:7f00:1::", "2002:a9fe:a9fe::",  # 6to4 (deprecated), here of loopback and metadata
    "2001::1",  # Teredo
    "not-an-address",
]
PUBLIC = ["93.184.216.34", "2606:4700:4700::1111", "::ffff:93.184.216.34", "64:ff9b::5db8:d822"]


@pytest.mark.parametrize("address", FORBIDDEN)
def test_internal_and_special_addresses_are_refused(address):
    assert address_refusal(address, allow_loopback=False) is not None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address):
    assert address_refusal(address, allow_loopback=False) is None


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "::ffff:127.0.0.1"])
def test_demo_and_test_mode_allow_loopback(address):
    assert address_refusal(address, allow_loopback=True) is None


@pytest.mark.parametrize("address", ["10.0.0.1", "169.254.169.254", "0.0.0.0", "::", "fe80::1", "::ffff:10.0.0.1"])
def test_demo_and_test_mode_allow_nothing_else(address):
    assert address_refusal(address, allow_loopback=True) is not None


class Resolver:
    """A DNS stand-in: answers from a table, and counts the questions."""

    def __init__(self, answers: dict[str, list[str]] | None = None) -> None:
        self.answers = answers or {}
        self.questions: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.questions.append(host)
        return self.answers[host]


@pytest.mark.parametrize(("url", "allow_loopback"), [
    ("file:///etc/passwd", True),
    ("gopher://127.0.0.1:6379/_FLUSHALL", True),
    ("ftp://idp.example/", False),
    ("dict://127.0.0.1:11211/stats", True),
    ("http://93.184.216.34/.well-known/openid-configuration", False),  # plain http to a public host
    ("http://93.184.216.34/.well-known/openid-configuration", True),  # ... not even in test mode
    ("http://127.0.0.1:9/.well-known/openid-configuration", False),  # loopback outside demo and test mode
    ("https://127.0.0.1/", False),
    ("https://[::1]/", False),
    ("https://169.254.169.254/latest/meta-data/", True),
    ("https://[::ffff:169.254.169.254]/latest/meta-data/", True),
    ("https://10.1.2.3/", True),
    ("https://user:secret@93.184.216.34/", False),
])
def test_urls_that_are_not_allowed_are_refused_before_any_connection(monkeypatch, url, allow_loopback):
    fence = fence_network(monkeypatch)
    resolver = Resolver()
    session = guarded_session(OutboundPolicy(allow_loopback=allow_loopback, resolver=resolver))
    with pytest.raises(OutboundRefused) as refused:
        session.get(url)
    assert str(refused.value) == NEUTRAL_MESSAGE
    assert fence.refused_connections == [] and fence.refused_lookups == []


@pytest.mark.parametrize("answer", [
    ["127.0.0.1"], ["10.0.0.7"], ["169.254.169.254"], ["::1"], ["fd12::1"], ["::ffff:127.0.0.1"],
    ["93.184.216.34", "10.0.0.7"],  # a public answer first and a private one second: any refused one refuses
    [],
])
def test_host_names_answering_with_internal_addresses_are_refused(monkeypatch, answer):
    fence = fence_network(monkeypatch)
    resolver = Resolver({"idp.alpha.example": answer})
    session = guarded_session(OutboundPolicy(allow_loopback=False, resolver=resolver))
    with pytest.raises(OutboundRefused) as refused:
        session.get("https://idp.alpha.example/.well-known/openid-configuration")
    assert str(refused.value) == NEUTRAL_MESSAGE
    assert resolver.questions == ["idp.alpha.example"]
    assert fence.refused_connections == [] and fence.refused_lookups == []


def test_a_host_name_that_does_not_resolve_is_the_same_refusal(monkeypatch):
    fence = fence_network(monkeypatch)

    def nothing(host: str, port: int) -> list[str]:
        raise OSError("no such name")

    with pytest.raises(OutboundRefused) as refused:
        guarded_session(OutboundPolicy(resolver=nothing)).get("https://nowhere.example/")
    assert str(refused.value) == NEUTRAL_MESSAGE
    assert fence.refused_connections == []
