"""Money as decimals in the currency's ISO 4217 minor units."""

from __future__ import annotations

from decimal import Decimal

from iso4217 import Currency

__all__ = ["currency_exponent", "exponent_of", "to_minor", "format_amount"]


def currency_exponent(code: str) -> int | None:
    """ISO 4217 minor-unit digits of ``code``; None for unknown codes and for
    units without minor units (gold, SDR…), which fairdun refuses."""
    try:
        return Currency(code).exponent
    except ValueError:
        return None


def exponent_of(currency: str) -> int:
    """``currency_exponent`` of a currency fairdun accepts; ValueError for any other code."""
    exponent = currency_exponent(currency)
    if exponent is None:
        raise ValueError(f"not a currency: {currency}")
    return exponent


def to_minor(amount: Decimal, currency: str) -> int:
    exponent = exponent_of(currency)
    return int(amount.scaleb(exponent).to_integral_exact())


def format_amount(amount: Decimal, currency: str) -> str:
    """The contract's decimal string: exactly the currency's minor digits."""
    return str(amount.quantize(Decimal(1).scaleb(-exponent_of(currency))))
