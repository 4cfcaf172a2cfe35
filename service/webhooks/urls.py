"""Which URLs webhooks may be sent to, checked twice: when an endpoint is registered, and at
every delivery, on the addresses its host resolves to then.

- ``https`` only. Plain ``http`` only for the hosts of ``FAIRDUN_WEBHOOK_ALLOW_HTTP_HOSTS``
  (host names or IP addresses, comma-separated, any port): a receiver on the same host or in the
  same private network, for development and tests.
- No address that is not public (loopback, private, link-local, unique-local, shared, reserved,
  multicast, unspecified; an IPv4-mapped IPv6 address counts as its IPv4 address) unless the
  host is listed: fairdun must not be made to post into the network it runs in (SSRF).
- The host is resolved at each delivery and every address it resolves to must be public, and
  the connection goes to the address that was checked (``transport``), so a name that resolved
  to a public address at registration and to a private one now (DNS rebinding) is refused.
- No credentials in the URL (every admin listing endpoints would read them), no fragment.
  Redirects are never followed (``transport``).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = ["AllowList", "UrlRefused", "Target", "Resolver", "check_url", "resolve", "system_resolver", "MAX_URL"]

MAX_URL = 2048
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the addresses it resolves to (``socket.getaddrinfo`` by default)
Resolver = Callable[[str, int], Iterable[str]]


class UrlRefused(ValueError):
    """A URL webhooks may not go to; ``code`` says why (also the delivery log's error code)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class AllowList:
    """The hosts allowed plain HTTP and non-public addresses."""

    names: frozenset[str] = frozenset()
    addresses: frozenset[IPAddress] = frozenset()

    @classmethod
    def parse(cls, value: Any) -> AllowList:
        """``"127.0.0.1, receiver.internal, [::1]"`` (a list is taken as it is)."""
        items = value if isinstance(value, list | tuple) else str(value or "").split(",")
        names: set[str] = set()
        addresses: set[IPAddress] = set()
        for item in (str(i).strip().lower() for i in items):
            if not item:
                continue
            literal = _ip(item.removeprefix("[").removesuffix("]"))
            if literal is not None:
                addresses.add(literal)
            else:
                names.add(item.rstrip("."))
        return cls(frozenset(names), frozenset(addresses))

    def allows(self, host: str) -> bool:
        literal = _ip(host)
        if literal is not None:
            return _plain(literal) in {_plain(a) for a in self.addresses}
        return host.lower().rstrip(".") in self.names


@dataclass(frozen=True)
class Target:
    """Where one delivery goes: the URL's parts and the address that was checked."""

    scheme: str
    host: str            # for the Host header and TLS's server name
    port: int
    path: str            # path and query, as registered
    address: str         # the IP address connected to


def _ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _plain(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_public(address: IPAddress) -> bool:
    address = _plain(address)
    return address.is_global and not address.is_multicast


def _parts(url: str) -> tuple[str, str, int, str]:
    if not isinstance(url, str) or not 1 <= len(url) <= MAX_URL:
        raise UrlRefused("invalid_url", f"a URL of 1 to {MAX_URL} characters")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise UrlRefused("invalid_url", "a URL without spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlRefused("invalid_url", f"not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise UrlRefused("scheme_refused", "the URL must start with https://")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UrlRefused("invalid_url", "the URL names no host")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused("credentials_refused", "no user name or password in the URL: verify the signature instead")
    if parts.fragment or url.endswith("#"):
        raise UrlRefused("invalid_url", "no fragment (#...) in the URL")
    if _ip(host) is None:
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError as exc:
            raise UrlRefused("invalid_url", "the host name is not a valid (internationalised) domain name") from exc
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port or (443 if scheme == "https" else 80), path


def check_url(url: str, allow: AllowList) -> str:
    """``url`` if webhooks may be registered for it, else ``UrlRefused`` saying why."""
    scheme, host, _, _ = _parts(url)
    if allow.allows(host):
        return url
    if scheme != "https":
        raise UrlRefused("scheme_refused", "the URL must use https (plain http only for the hosts of "
                                           "FAIRDUN_WEBHOOK_ALLOW_HTTP_HOSTS)")
    literal = _ip(host)
    if literal is not None and not is_public(literal):
        raise UrlRefused("address_refused", "a loopback, private or otherwise non-public address is refused "
                                            "(unless listed in FAIRDUN_WEBHOOK_ALLOW_HTTP_HOSTS)")
    if host == "localhost" or host.endswith(".localhost"):   # RFC 6761 §6.3: always loopback
        raise UrlRefused("address_refused", "localhost is refused (unless listed in FAIRDUN_WEBHOOK_ALLOW_HTTP_HOSTS)")
    return url


def system_resolver(host: str, port: int) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def resolve(url: str, allow: AllowList, resolver: Resolver = system_resolver) -> Target:
    """Where a delivery to ``url`` goes now: the URL checked again, its host resolved, and every
    address it resolves to public (unless the host is listed). ``UrlRefused`` otherwise."""
    check_url(url, allow)
    scheme, host, port, path = _parts(url)
    literal = _ip(host)
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        try:
            addresses = [a for a in (_ip(str(text).split("%", 1)[0]) for text in resolver(host, port)) if a is not None]
        except OSError as exc:
            raise UrlRefused("dns_failed", f"the host name could not be resolved ({type(exc).__name__})") from exc
    if not addresses:
        raise UrlRefused("dns_failed", "the host name resolves to no address")
    if not allow.allows(host) and not all(is_public(a) for a in addresses):
        raise UrlRefused("address_refused", "the host resolves to a non-public address")
    return Target(scheme=scheme, host=host, port=port, path=path, address=str(_plain(addresses[0])))
