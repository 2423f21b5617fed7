"""Where the engine may send things: this machine, public receivers, and (when allowed) private networks.

Used for the URLs an operator gives the engine (webhook receivers, a Shopify Admin API) and again, at send
time, for the addresses their names resolve to (``server.connectors.webhooks``).
"""

from __future__ import annotations

import ipaddress


def is_loopback_host(host: str) -> bool:
    """Is ``host`` this machine, by name or address?"""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def closed_address(address: str, *, allow_private: bool = False) -> str | None:
    """Why an address a webhook would reach is not a public endpoint, or None when it is.

    Cloud metadata (link-local), unspecified, multicast and reserved addresses are always refused; a
    private network (10/8, 172.16/12, 192.168/16, fc00::/7) only unless the operator allowed it
    (``GROWTH_WEBHOOK_PRIVATE_NETWORKS``). Loopback is judged by the caller: it is this machine.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_link_local:
        return f"{address} is a link-local address (where cloud metadata lives)"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return f"{address} is not an address a receiver can have"
    if ip.is_private and not ip.is_loopback and not allow_private:
        return (f"{address} is on a private network; set GROWTH_WEBHOOK_PRIVATE_NETWORKS=true if the receiver "
                "really lives there")
    return None
