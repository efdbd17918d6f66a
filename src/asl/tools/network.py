"""``Domains {Allowed, Denied}`` and the built-in ``http_fetch`` that obeys them.

Every request, and every redirect it is sent to, is judged by its host name
and by the addresses that name resolves to: a Denied entry matching either
refuses it, and an address that is not public (loopback, private, link-local,
unspecified ...) needs the host to be listed by its exact name or address in
``Allowed`` — a wildcard is not enough. That closes ``localhost``,
``http://[::1]``, ``http://2130706433`` and a redirect to ``127.0.0.1``. The
connection then goes to the address that was judged, never to a second
lookup, so a DNS answer cannot change between the check and the request.
The tutorial's ``Network {AllowedDomains, DeniedDomains}`` is read as the same.
"""

from __future__ import annotations

import fnmatch
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    import http.client

from asl.language.errors import PERMISSIONS, TASK_FAILED, ASLError

MAX_REDIRECTS = 5


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True, slots=True)
class DomainPolicy:
    allowed: tuple[str, ...] | None = None
    denied: tuple[str, ...] = ()

    @classmethod
    def parse(cls, domains: Mapping[str, Any] | None, network: Mapping[str, Any] | None) -> Any:
        allowed: list[str] | None = None
        denied: list[str] = []
        for raw, allow_key, deny_key in (
            (domains, "Allowed", "Denied"),
            (network, "AllowedDomains", "DeniedDomains"),
        ):
            if not raw:
                continue
            if isinstance(raw.get(allow_key), list):
                allowed = (allowed or []) + [str(d).lower() for d in raw[allow_key]]
            denied += [str(d).lower() for d in raw.get(deny_key) or ()]
        return cls(tuple(allowed) if allowed is not None else None, tuple(denied))

    def _named(self, host: str, patterns: tuple[str, ...]) -> bool:
        return any(fnmatch.fnmatchcase(host, p.strip("[]")) for p in patterns)

    def resolve(self, url: str) -> tuple[str, str, int, str]:
        """``(scheme, host, port, address)`` to connect to, or States.Permissions."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ASLError(PERMISSIONS, f"http_fetch refused '{url}': only http(s) URLs")
        host = parts.hostname.lower().rstrip(".")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise ASLError(PERMISSIONS, f"http_fetch refused '{url}': bad port") from None
        if self._named(host, self.denied):
            raise self._refused(url, f"the host '{host}' matches Domains Denied")
        if self.allowed is not None and not self._named(host, self.allowed):
            raise self._refused(url, f"the host '{host}' is not in Domains Allowed")
        import socket

        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as error:
            raise ASLError(TASK_FAILED, f"http_fetch cannot resolve '{host}': {error}") from None
        exact = self.allowed is not None and host in self.allowed
        chosen = ""
        for info in infos:
            text = str(info[4][0])
            address = _address(text)
            if address is None:
                continue
            if self._named(str(address), self.denied):
                raise self._refused(url, f"'{host}' resolves to {address}, in Domains Denied")
            if not address.is_global and not exact:
                raise self._refused(
                    url,
                    f"'{host}' resolves to the non-public address {address}; list the host "
                    "by its exact name in Domains Allowed to reach it",
                )
            chosen = chosen or text
        if not chosen:
            raise ASLError(TASK_FAILED, f"http_fetch found no address for '{host}'")
        return parts.scheme, host, port, chosen

    @staticmethod
    def _refused(url: str, why: str) -> ASLError:
        return ASLError(PERMISSIONS, f"http_fetch refused '{url}': {why}")


def _pinned_https(host: str, address: str, port: int, timeout: float) -> Any:
    """HTTPS to an address chosen in advance, with SNI and certificate checks for the host."""
    import http.client
    import socket
    import ssl

    context = ssl.create_default_context()

    class Pinned(http.client.HTTPSConnection):
        def connect(self) -> None:
            sock = socket.create_connection((address, self.port), self.timeout)
            self.sock = context.wrap_socket(sock, server_hostname=host)

    return Pinned(host, port, timeout=timeout, context=context)


def _request(
    scheme: str, host: str, port: int, address: str, target: str, timeout: float, limit: int
) -> tuple[int, dict[str, str], bytes]:
    import http.client

    connection: http.client.HTTPConnection
    if scheme == "https":
        connection = _pinned_https(host, address, port, timeout)
    else:
        connection = http.client.HTTPConnection(address, port, timeout=timeout)
    default_port = 443 if scheme == "https" else 80
    host_header = host if port == default_port else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if port == default_port else f"[{host}]:{port}"
    try:
        connection.request("GET", target, headers={"Host": host_header, "User-Agent": "asl"})
        response = connection.getresponse()
        body = response.read(limit + 1)
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    except OSError as error:
        raise ASLError(TASK_FAILED, f"http_fetch could not reach '{host}': {error}") from None
    finally:
        connection.close()


def http_fetch(
    policy: Any, url: str, timeout: float = 10.0, max_bytes: int = 1_000_000
) -> dict[str, Any]:
    """GET a URL the state's Domains rules allow; redirects are followed and re-checked."""
    rules: DomainPolicy = policy.domains
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port, address = rules.resolve(current)
        parts = urlsplit(current)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        status, headers, body = _request(scheme, host, port, address, target, timeout, max_bytes)
        if status in (301, 302, 303, 307, 308) and "location" in headers:
            current = urljoin(current, headers["location"])
            continue
        if len(body) > max_bytes:
            raise ASLError(
                TASK_FAILED, f"http_fetch: '{current}' sent more than max_bytes={max_bytes}"
            )
        return {
            "url": current,
            "status": status,
            "contentType": headers.get("content-type", ""),
            "body": body.decode("utf-8", errors="replace"),
        }
    raise ASLError(TASK_FAILED, f"http_fetch: '{url}' redirected more than {MAX_REDIRECTS} times")
