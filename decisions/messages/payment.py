"""Payment details printed in messages: IBAN (ISO 13616) and BIC (ISO 9362) checks.

    iban_problem("DE89 3704 0044 0532 0130 00")   # None: the check digits hold
    normalise_iban("de89 3704 0044 0532 0130 00")   # "DE89370400440532013000"
    group_iban("DE89370400440532013000")            # "DE89 3704 0044 0532 0130 00"
"""

from __future__ import annotations

import re

__all__ = ["normalise_iban", "iban_problem", "group_iban", "BIC_PATTERN"]

# ISO 13616-1: country code, two check digits, then up to 30 letters or digits (the country's BBAN).
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
# ISO 9362: 4 letters (institution), 2 letters (country), 2 letters or digits (location),
# optionally 3 letters or digits (branch).
BIC_PATTERN = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?")


def normalise_iban(text: str) -> str:
    """The IBAN in its electronic form: no spaces, upper case (ISO 13616-1 §5.2 allows the
    printed form with a space after every four characters)."""
    return text.replace(" ", "").upper()


def iban_problem(text: str) -> str | None:
    """Why ``text`` is not an IBAN, or None when its structure and check digits hold."""
    iban = normalise_iban(text)
    if not _IBAN.fullmatch(iban):
        return "Not an IBAN (2 letters, 2 check digits, 11 to 30 letters or digits)."
    # ISO 13616-1 / ISO 7064 MOD 97-10: move the first four characters to the end, replace each
    # letter by two digits (A = 10 … Z = 35); the number modulo 97 must be 1.
    rearranged = iban[4:] + iban[:4]
    number = int("".join(str(int(char, 36)) for char in rearranged))
    if number % 97 != 1:
        return "The IBAN's check digits do not match (ISO 13616 MOD 97-10): a digit may be mistyped."
    return None


def group_iban(iban: str) -> str:
    """The printed form: groups of four characters separated by spaces."""
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
