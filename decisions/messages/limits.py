"""Bounds of what a message prints, shared by the request schema and the installation's settings
(``FAIRDUN_CREDITOR_*``, ``FAIRDUN_PORTAL_BASE_URL``). They keep every message within its length
budget (``SMS_MAX_CHARACTERS``) and every URL one a debtor can safely follow."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["CREDITOR_NAME_MAX", "ADDRESS_MAX", "EMAIL_MAX", "PHONE_MAX", "WEBSITE_MAX", "PAYMENT_URL_MAX",
           "REFERENCE_MAX", "ACCOUNT_HOLDER_MAX", "PORTAL_URL_MAX", "CONTRACT_SUBJECT_MAX", "AUTHORITY_MAX", "url_problem"]

CREDITOR_NAME_MAX = 100
ADDRESS_MAX = 400         # as debtor.contact.address
EMAIL_MAX = 100
PHONE_MAX = 40            # as debtor.contact.phone
WEBSITE_MAX = 200
PAYMENT_URL_MAX = 200     # use a short link: it is printed in SMS
REFERENCE_MAX = 140       # SEPA unstructured remittance information (pain.001: Ustrd, max 140)
ACCOUNT_HOLDER_MAX = 70   # SEPA creditor name (pain.001: Nm, max 70)
PORTAL_URL_MAX = 100
CONTRACT_SUBJECT_MAX = 200   # RDG § 13a(1) Nr. 2: the contract's subject, printed in e-mails and letters only
AUTHORITY_MAX = 300         # RDG § 13a(1) Nr. 8: the supervisory authority's name, address and electronic contact

# RFC 3986 host: a registered name in ASCII (IDNs as punycode), or an IP literal.
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
                   r"|\[[0-9A-Fa-f:.]+\]")
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f<>\"\\^`{|}]")


def url_problem(text: str, *, schemes: tuple[str, ...] = ("https",)) -> str | None:
    """Why ``text`` is not an absolute URL a message may print, or None. Only ``schemes``; a host;
    no user name or password (``https://bank.example@evil.example/`` shows one host and opens
    another); no white space, control or other characters RFC 3986 does not allow unencoded."""
    if _UNSAFE.search(text):
        return "Must be a URL without spaces or characters that need percent-encoding."
    try:
        parts = urlsplit(text)
        parts.port   # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        return "Not a valid URL."
    if parts.scheme.lower() not in schemes:
        return f"Must be an absolute {' or '.join(schemes)} URL."
    if "@" in parts.netloc:
        return "Must not contain a user name or password."
    if not parts.hostname or not _HOST.fullmatch(parts.netloc.rsplit(":", 1)[0] if parts.port else parts.netloc):
        return "Must name a host."
    return None
