"""The one HTTP client for requests to an organisation's OpenID provider (discovery, token, userinfo, keys).

An organisation admin chooses the issuer URL, and the provider's discovery document chooses the other
endpoints: every request is therefore guarded against reaching what the server can reach and the admin
cannot (server-side request forgery).

* Schemes: https only; plain http only to loopback addresses when the app runs in demo or test mode.
* Addresses: the host is resolved when the connection is opened, every address of the answer is checked
  (`address_refusal`: loopback, private, link-local including the cloud metadata address 169.254.169.254,
  multicast, reserved, unspecified, and IPv4 addresses inside IPv6 ones), and the socket connects to the
  address that was checked. A DNS answer that changes after the check (rebinding) is never used; the Host
  header and the TLS server name (and certificate check) stay the host's name.
* Redirects are not followed at all, to the same host or another: a provider publishes the exact URLs of
  its endpoints, and following a redirect would re-send the token request (with the client secret) to a
  place the provider did not publish.
* Proxies are never used (from the environment or a caller), and TLS certificates are always verified,
  whatever the caller or a discovery document (which Authlib passes to its session) asks for.
* Limits: a connect timeout, a total time for the whole exchange (a timer closes the socket), and a size
  limit on the answer, read streamed.
* Every failure is the same `OutboundRefused`, whose message says nothing of the cause: whether a port is
  open, or what an internal document contains, is not told to the page. The cause (`reason`) is for logs.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.utils import DEFAULT_CA_BUNDLE_PATH
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

log = logging.getLogger(__name__)

NEUTRAL_MESSAGE = "The provider could not be reached or did not answer as an OpenID provider."

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]

# Special-purpose ranges named explicitly, so that the rule does not depend on the Python version's
# `is_private`/`is_global` tables (they changed in 3.11.10, 3.12.4 and 3.13).
_REFUSED_NETWORKS = tuple(ipaddress.ip_network(net) for net in (
    "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4",
    "100::/64", "64:ff9b:1::/48", "2001::/23", "2001:db8::/32", "2002::/16", "fc00::/7", "fec0::/10",
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def address_refusal(address: str, *, allow_loopback: bool) -> str | None:
    """Why a connection to `address` is refused (for logs), or None when it may be contacted."""
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an address"
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address carried in IPv6 reaches that IPv4 address: judge it as such.
        if ip.ipv4_mapped is not None:
            return address_refusal(str(ip.ipv4_mapped), allow_loopback=allow_loopback)
        if ip in _NAT64:
            return address_refusal(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)), allow_loopback=allow_loopback)
    if ip.is_loopback:
        return None if allow_loopback else "loopback"
    for refused, reason in (
        (ip.is_unspecified, "unspecified"), (ip.is_link_local, "link-local"), (ip.is_multicast, "multicast"),
        (ip.is_private, "private"), (ip.is_reserved, "reserved"),
        (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local, "site-local"),
        (any(ip in network for network in _REFUSED_NETWORKS), "special-purpose"),
        (not ip.is_global, "not global"),
    ):
        if refused:
            return reason
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses of `host`, from the system's resolver, in its order of preference."""
    addresses: list[str] = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        if str(sockaddr[0]) not in addresses:
            addresses.append(str(sockaddr[0]))
    return addresses


@dataclass(frozen=True)
class OutboundPolicy:
    """What the client may do. `allow_loopback` is for demo and test mode only (local providers)."""

    allow_loopback: bool = False
    connect_timeout: float = 5.0
    total_timeout: float = 10.0
    max_bytes: int = 1_000_000
    resolver: Resolver = field(default=system_resolver, compare=False)
    ca_certs: str | None = None  # a CA bundle file; None: the bundle requests uses (certifi)

    @classmethod
    def for_environment(cls, *, production: bool) -> OutboundPolicy:
        return cls(allow_loopback=not production)


class OutboundRefused(requests.RequestException):
    """Any failure of a request to a provider. The message is always NEUTRAL_MESSAGE; `reason` is for logs."""

    def __init__(self, reason: str, *, request: requests.PreparedRequest | None = None) -> None:
        super().__init__(NEUTRAL_MESSAGE, request=request)
        self.reason = reason


class _Deadline:
    """The total time of one exchange: when it passes, the sockets opened for it are shut down."""

    def __init__(self, seconds: float) -> None:
        self._ends = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return self._ends - time.monotonic()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self.expired:
                sock.close()
                raise TimeoutError("the total time is over")
            self._sockets.append(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


class _Refused(Exception):
    """An address rule refused the connection (raised through urllib3, turned into OutboundRefused)."""


def _is_loopback(address: str) -> bool:
    return address_refusal(address, allow_loopback=False) == "loopback"


def _checked_socket(conn: HTTPConnection, policy: OutboundPolicy, deadline: _Deadline, *,
                    plain_http: bool) -> socket.socket:
    """Resolve the connection's host, check every address, and connect to a checked one."""
    host = conn.host.strip("[]")
    try:
        addresses = [str(ipaddress.ip_address(host.split("%", 1)[0]))]
    except ValueError:
        try:
            addresses = list(policy.resolver(host, conn.port))
        except (OSError, UnicodeError) as error:
            raise _Refused(f"no address: {type(error).__name__}") from error
    if not addresses:
        raise _Refused("no address")
    for address in addresses:
        problem = address_refusal(address, allow_loopback=policy.allow_loopback)
        if problem is None and plain_http and not _is_loopback(address):
            problem = "plain http to an address that is not loopback"
        if problem is not None:
            raise _Refused(f"address {address}: {problem}")
    last_error: OSError | None = None
    for address in addresses:
        remaining = deadline.remaining()
        if remaining <= 0:
            break
        try:
            # The address checked above, never the name again: a second DNS answer cannot slip in.
            sock = urllib3.util.connection.create_connection(
                (address, conn.port), min(policy.connect_timeout, remaining), socket_options=conn.socket_options)
        except OSError as error:
            last_error = error
            continue
        deadline.watch(sock)
        return sock
    if last_error is None or isinstance(last_error, TimeoutError):
        raise ConnectTimeoutError(conn, "connect timed out")
    raise NewConnectionError(conn, f"could not connect: {type(last_error).__name__}")


class _CheckedHTTPConnection(HTTPConnection):
    def __init__(self, *args: Any, policy: OutboundPolicy, deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._policy, self._deadline = policy, deadline

    def _new_conn(self) -> socket.socket:
        return _checked_socket(self, self._policy, self._deadline, plain_http=True)


class _CheckedHTTPSConnection(HTTPSConnection):
    def __init__(self, *args: Any, policy: OutboundPolicy, deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._policy, self._deadline = policy, deadline

    def _new_conn(self) -> socket.socket:
        return _checked_socket(self, self._policy, self._deadline, plain_http=False)


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests transport adapter that applies an OutboundPolicy to every request it sends."""

    def __init__(self, policy: OutboundPolicy) -> None:
        super().__init__(max_retries=0)
        self.policy = policy

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Mapping[str, str] | None = None) -> requests.Response:
        # The caller's timeout, verify, cert and proxies are ignored: the policy decides.
        try:
            return self._send(request)
        except OutboundRefused as refused:
            log.info("request to an OpenID provider refused: %s", refused.reason)
            raise

    def _send(self, request: requests.PreparedRequest) -> requests.Response:
        policy = self.policy
        parts = urlsplit(request.url or "")
        if parts.scheme not in {"https", "http"} or not parts.hostname:
            raise OutboundRefused(f"scheme {parts.scheme!r}", request=request)
        if parts.username is not None or parts.password is not None:
            raise OutboundRefused("credentials in the URL", request=request)
        if parts.scheme == "http" and not policy.allow_loopback:
            raise OutboundRefused("plain http", request=request)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:
            raise OutboundRefused("bad port", request=request) from error
        deadline = _Deadline(policy.total_timeout)
        pool: HTTPConnectionPool
        common: dict[str, Any] = {"maxsize": 1, "retries": False, "policy": policy, "deadline": deadline}
        if parts.scheme == "https":
            pool = _CheckedHTTPSPool(parts.hostname, port, cert_reqs="CERT_REQUIRED",
                                     ca_certs=policy.ca_certs or DEFAULT_CA_BUNDLE_PATH, **common)
        else:
            pool = _CheckedHTTPPool(parts.hostname, port, **common)
        request.headers["Accept-Encoding"] = "identity"
        raw: urllib3.BaseHTTPResponse | None = None
        try:
            raw = pool.urlopen(
                method=request.method or "GET", url=request.path_url, body=request.body,  # type: ignore[arg-type]
                headers=request.headers,  # type: ignore[arg-type]
                redirect=False, assert_same_host=False, preload_content=False, decode_content=False,
                retries=False, timeout=urllib3.Timeout(connect=policy.connect_timeout, read=policy.total_timeout),
                chunked=not (request.body is None or "Content-Length" in request.headers),
            )
            if 300 <= raw.status < 400:
                raise OutboundRefused(f"redirect (HTTP {raw.status})", request=request)
            declared = raw.headers.get("Content-Length")
            if declared is not None and declared.strip().isdigit() and int(declared) > policy.max_bytes:
                raise OutboundRefused("answer too large", request=request)
            body = bytearray()
            for chunk in raw.stream(16384, decode_content=True):
                body += chunk
                if len(body) > policy.max_bytes:
                    raise OutboundRefused("answer too large", request=request)
            response = self.build_response(request, raw)
            response._content = bytes(body)  # noqa: SLF001 - read here, within the limit
            response._content_consumed = True  # noqa: SLF001
        except OutboundRefused:
            raise
        except _Refused as refused:
            raise OutboundRefused(str(refused), request=request) from refused
        except Exception as error:  # urllib3's and the socket's errors, TLS, a broken answer: all one refusal
            reason = "total time over" if deadline.expired else f"{type(error).__name__}: {error}"
            raise OutboundRefused(reason, request=request) from error
        finally:
            deadline.cancel()
            if raw is not None:
                raw.close()  # the body is read (or refused): the connection is not kept
            pool.close()
        if deadline.expired:
            raise OutboundRefused("total time over", request=request)
        return response


def guard_session(session: requests.Session, policy: OutboundPolicy) -> requests.Session:
    """Make every request of `session` go through the policy, whatever its URL's scheme."""
    session.adapters.clear()
    session.mount("", GuardedAdapter(policy))  # the empty prefix matches every URL, file:// and gopher:// too
    session.trust_env = False  # no proxies or .netrc from the environment
    session.proxies = {}
    session.verify = True
    session.max_redirects = 0
    return session


def guarded_session(policy: OutboundPolicy) -> requests.Session:
    return guard_session(requests.Session(), policy)
