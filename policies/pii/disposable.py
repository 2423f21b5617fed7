"""Disposable (throw-away) email domains: a derived feature specialists may see.

The list holds the long-lived public services; a store can extend it later. The
address itself never leaves the vault, only the domain's verdict does.
"""

from __future__ import annotations

DISPOSABLE_DOMAINS = frozenset({
    "10minutemail.com", "10minutemail.net", "20minutemail.com", "33mail.com", "anonbox.net", "burnermail.io",
    "discard.email", "dispostable.com", "dropmail.me", "emailondeck.com", "fakeinbox.com", "fakemail.net",
    "getairmail.com", "getnada.com", "guerrillamail.biz", "guerrillamail.com", "guerrillamail.de",
    "guerrillamail.net", "guerrillamail.org", "guerrillamailblock.com", "harakirimail.com", "inboxkitten.com",
    "incognitomail.org", "jetable.org", "mail.tm", "mailcatch.com", "maildrop.cc", "mailinator.com",
    "mailinator.net", "mailnesia.com", "mailpoof.com", "mintemail.com", "moakt.com", "mohmal.com",
    "mytemp.email", "nada.email", "sharklasers.com", "spam4.me", "spambox.us", "spamgourmet.com",
    "temp-mail.io", "temp-mail.org", "tempail.com", "tempinbox.com", "tempmail.com", "tempmail.net",
    "tempmailo.com", "tempr.email", "throwawaymail.com", "tmail.ws", "tmpmail.net", "tmpmail.org",
    "trash-mail.com", "trashmail.com", "trashmail.de", "trashmail.net", "yopmail.com", "yopmail.fr",
    "yopmail.net", "zetmail.com",
})


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower() if "@" in email else ""


def is_disposable(domain: str) -> bool:
    domain = domain.lower()
    return domain in DISPOSABLE_DOMAINS or any(domain.endswith("." + d) for d in DISPOSABLE_DOMAINS)
