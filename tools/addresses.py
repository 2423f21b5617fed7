"""Where the engine may send things: this machine, public receivers, and (when allowed) private networks.

Used for the URLs an operator gives the engine (webhook receivers, a Shopify Admin API) and again, at send
time, for the addresses their names resolve to (``server.connectors.webhooks``).
"""

from __future__ import annotations

import ipaddress
import re
import socket


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address, an IPv4-mapped IPv6 address as its IPv4 one ("::ffff:127.0.0.1" is 127.0.0.1)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_loopback_host(host: str) -> bool:
    """Is ``host`` this machine, by name or address ("localhost", "localhost.", "127.0.0.1", "::1", mapped)?"""
    if host.rstrip(".").lower() == "localhost":
        return True
    ip = _ip(host)
    return ip is not None and ip.is_loopback


def legacy_literal(host: str) -> bool:
    """An IPv4 address written as one number, in octal or in hex ("2130706433", "0177.0.0.1", "0x7f.1"): it
    reaches an address that its text does not show."""
    if _ip(host) is not None or not re.fullmatch(r"(?i)(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+)){0,3}", host):
        return False
    try:
        socket.inet_aton(host)
    except OSError:
        return False
    return True


def closed_address(address: str, *, allow_private: bool = False) -> str | None:
    """Why an address a webhook would reach is not a public endpoint, or None when it is.

    Cloud metadata (link-local), unspecified, multicast, reserved and other non-public ranges (100.64/10,
    192.0.0/24, a 6to4 address hiding one of them) are always refused; a private network (10/8, 172.16/12,
    192.168/16, fc00::/7) only unless the operator allowed it (``GROWTH_WEBHOOK_PRIVATE_NETWORKS``).
    Loopback is judged by the caller: it is this machine.
    """
    ip = _ip(address)
    if ip is None:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.sixtofour is not None:
        inner = closed_address(str(ip.sixtofour), allow_private=allow_private)
        if inner is not None:
            return f"{address} wraps {inner}"
    if ip.is_loopback:
        return None
    if ip.is_link_local:
        return f"{address} is a link-local address (where cloud metadata lives)"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return f"{address} is not an address a receiver can have"
    if ip.is_private:
        return None if allow_private else (
            f"{address} is on a private network; set GROWTH_WEBHOOK_PRIVATE_NETWORKS=true if the receiver really "
            "lives there")
    if not ip.is_global:
        return f"{address} is not a public address"
    return None
