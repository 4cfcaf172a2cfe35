"""Protected attributes: never model inputs, but measurable for fairness.

The default list names the grounds of non-discrimination law and the special categories of
personal data; :func:`protected_match` recognises them in column names by whole words, so
``customer_age``, ``AgeBand`` and ``countryCode`` match while ``page_count`` and ``average_days``
do not. Installations replace the list with the ``PROTECTED_ATTRIBUTES`` setting
(``FAIRDUN_PROTECTED_ATTRIBUTES``), and training adds whatever ``--protected`` names.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping

from explain._errors import TrainingError

__all__ = [
    "DEFAULT_PROTECTED_ATTRIBUTES",
    "ProtectedAttributeError",
    "ProtectedAttributes",
    "words",
]

_log = logging.getLogger(__name__)

# Sources: EU Charter of Fundamental Rights Art. 21 (non-discrimination), GDPR Art. 9(1) (special
# categories of personal data), the German AGG § 1 (General Equal Treatment Act).
_CHARTER = "EU Charter Art. 21(1)"
_AGG = "AGG § 1"
_ART9 = "GDPR Art. 9(1)"

DEFAULT_PROTECTED_ATTRIBUTES: dict[str, str] = {
    "sex": f"{_CHARTER}; {_AGG}",
    "gender": f"sex ({_CHARTER}; {_AGG})",
    "age": f"{_CHARTER}; {_AGG}",
    "date of birth": f"age proxy ({_CHARTER}; {_AGG})",
    "birth date": f"age proxy ({_CHARTER}; {_AGG})",
    "year of birth": f"age proxy ({_CHARTER}; {_AGG})",
    "nationality": "EU Charter Art. 21(2)",
    "citizenship": "nationality (EU Charter Art. 21(2))",
    "country": "nationality proxy (EU Charter Art. 21(2))",
    "place of birth": f"nationality proxy (EU Charter Art. 21(2)); birth ({_CHARTER})",
    "race": f"{_CHARTER}; {_ART9}; {_AGG}",
    "ethnicity": f"{_CHARTER}; {_ART9}; {_AGG}",
    "ethnic origin": f"{_CHARTER}; {_ART9}; {_AGG}",
    "colour": _CHARTER,
    "religion": f"{_CHARTER}; {_ART9}; {_AGG}",
    "belief": f"{_CHARTER}; {_ART9}; {_AGG}",
    "political opinion": f"{_CHARTER}; {_ART9}",
    "trade union": _ART9,
    "marital status": "family status: 'any ground such as' in EU Charter Art. 21(1), ECHR Art. 14",
    "sexual orientation": f"{_CHARTER}; {_ART9}; {_AGG}",
    "disability": f"{_CHARTER}; {_AGG}",
    "health": _ART9,
    "pregnancy": "sex (Directive 2006/54/EC Art. 2(2)(c))",
    "genetic": f"{_CHARTER}; {_ART9}",
    "language": _CHARTER,
}


class ProtectedAttributeError(TrainingError):
    """A protected attribute was asked for as a model input."""


def words(name: str) -> tuple[str, ...]:
    """The lower-case words of a column name: ``countryCode`` -> (country, code)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name)
    return tuple(w.lower() for w in re.split(r"[^0-9A-Za-z]+", spaced) if w)


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


class ProtectedAttributes:
    """The protected attributes of one training run: a base list plus named columns."""

    def __init__(self, base: Mapping[str, str] | Iterable[str] | None = None,
                 extra: Iterable[str] = ()) -> None:
        if base is None:
            base = DEFAULT_PROTECTED_ATTRIBUTES
        reasons = dict(base) if isinstance(base, Mapping) else {str(n): "configured" for n in base}
        self._reasons = {name: reasons[name] for name in sorted(reasons)}
        self._extra = tuple(dict.fromkeys(str(c) for c in extra))
        self._patterns = [(words(name), name) for name in self._reasons]

    @property
    def names(self) -> tuple[str, ...]:
        """The configured attributes (not the columns named with ``--protected``)."""
        return tuple(self._reasons)

    @property
    def extra(self) -> tuple[str, ...]:
        return self._extra

    def reason(self, column: str) -> str | None:
        """Why ``column`` is protected, or None if it is not."""
        if column in self._extra:
            return "named as protected for this training run"
        found = words(column)
        for pattern, name in self._patterns:
            if _contains(found, pattern):
                return f"protected attribute '{name}': {self._reasons[name]}"
        return None

    def refuse_as_features(self, columns: Iterable[str]) -> None:
        """Raise ProtectedAttributeError naming every protected column among ``columns``."""
        refused = {c: r for c in columns if (r := self.reason(c)) is not None}
        if refused:
            listed = "; ".join(f"{c!r} ({r})" for c, r in refused.items())
            message = (
                f"protected attributes cannot be model features: {listed}. They can be measured "
                "for fairness instead (--group-by COL or --protected COL)."
            )
            _log.error(message)
            raise ProtectedAttributeError(message)

    def as_dict(self) -> dict:
        return {"attributes": dict(self._reasons), "named": list(self._extra)}
