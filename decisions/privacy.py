"""The GDPR Art. 13/14 information in every debtor-facing text: who the controller is and how to
reach it (and its data protection officer), the purposes and legal bases, the legitimate
interests behind the profiling, the recipients, how long data are kept, where they come from,
the debtor's rights and where to complain.

    controller = Controller(name=..., address=..., email=...)       # the installation's (FAIRDUN_CONTROLLER_*)
    notice = privacy_notice(controller, lang="de", country="GB")     # {"law": "uk", "items": [...]}

The law follows the debtor's country: GB is under the UK GDPR and the Data Protection Act 2018,
with the Information Commissioner's Office as supervisory authority; the EU/EEA states under the
GDPR (Regulation (EU) 2016/679) and its supervisory authorities (Art. 77). Elsewhere no GDPR
notice is printed in a message (``law_of`` is None); the portal and the access export, which are
the GDPR's own instruments, use the EU text there.

Texts are in every language the product serves (``LANGUAGES``); the installation's own texts
(legitimate interests, recipients, retention, source) are given in every language or in none
(then the shipped defaults are printed), so a German debtor never reads an English sentence.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["LANGUAGES", "CONFIGURABLE_TEXTS", "Controller", "law_of", "law_words", "privacy_notice", "notice_text"]

LANGUAGES = ("en", "de")
# The Art. 13/14 items an installation may word itself (each in every language, or left to the defaults).
CONFIGURABLE_TEXTS = ("legitimate_interest", "recipients", "retention", "source")


@cache
def _data() -> dict[str, Any]:
    return json.loads(resources.files("decisions").joinpath("privacy.json").read_text("utf-8"))


@dataclass(frozen=True, slots=True)
class Controller:
    """The controller of the debtor's data (GDPR Art. 13(1)(a), (b); Art. 14(1)(a), (b)).

    ``texts`` maps an item of ``CONFIGURABLE_TEXTS`` to its text per language; an item absent
    is printed with the shipped default."""

    name: str
    address: str
    email: str
    phone: str | None = None
    dpo: str | None = None          # the data protection officer's contact, where one is designated
    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        """JSON (sealed with a decision's message inputs, so a message renders as it was decided)."""
        return {"name": self.name, "address": self.address, "email": self.email, "phone": self.phone,
                "dpo": self.dpo, "texts": {item: dict(by_lang) for item, by_lang in self.texts.items()}}

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Controller:
        return cls(name=document["name"], address=document["address"], email=document["email"],
                   phone=document.get("phone"), dpo=document.get("dpo"),
                   texts={item: dict(by_lang) for item, by_lang in (document.get("texts") or {}).items()})


def law_of(country: str | None) -> str | None:
    """``uk`` for GB, ``eu`` for an EU/EEA state, None where the GDPR does not reach the debtor."""
    code = (country or "")[:2].upper()
    if code == "GB":
        return "uk"
    if code in _data()["eu_eea"]:
        return "eu"
    return None


def law_words(law: str | None, lang: str) -> dict[str, str]:
    """The law's names in ``lang``: ``short`` (GDPR, DSGVO, UK GDPR), ``law`` (in full),
    ``authority`` (where to complain), ``complaint`` (the sentence), ``art22`` (the article of
    human review of an automated decision: Art. 22(3) GDPR; Art. 22C UK GDPR since the Data (Use
    and Access) Act 2025) and ``rights``; outside the GDPR's reach the EU's."""
    return dict(_data()["laws"][law or "eu"][lang if lang in LANGUAGES else "en"])


def privacy_notice(controller: Controller | Mapping[str, Any], *, lang: str, law: str) -> dict[str, Any]:
    """The Art. 13/14 items in ``lang`` under ``law`` (``eu`` or ``uk``): ``{"law", "language",
    "title", "items": [{"item", "label", "text"}]}``, in the order a reader expects them."""
    if not isinstance(controller, Controller):
        controller = Controller.from_document(controller)
    lang = lang if lang in LANGUAGES else "en"
    data = _data()
    words = data["laws"][law][lang]
    labels = data["labels"][lang]
    texts = data["texts"][lang]

    def own(item: str) -> str:
        return (controller.texts.get(item) or {}).get(lang) or data["defaults"][lang][item]

    contact = [controller.name, controller.address, f"{labels['email']}: {controller.email}"]
    if controller.phone:
        contact.append(f"{labels['phone']}: {controller.phone}")
    items = [("law", texts["law"].format(law=words["law"])), ("controller", ", ".join(contact))]
    if controller.dpo:
        items.append(("dpo", controller.dpo))
    items += [("purposes", texts["purposes"].format(short=words["short"])),
              ("legitimate_interest", own("legitimate_interest")),
              ("recipients", own("recipients")), ("retention", own("retention")), ("source", own("source")),
              ("rights", words["rights"].format(short=words["short"], art22=words["art22"])), ("complaint", words["complaint"])]
    return {"law": law, "language": lang, "title": labels["title"],
            "items": [{"item": item, "label": labels[item], "text": text} for item, text in items]}


def notice_text(notice: Mapping[str, Any]) -> str:
    """The notice as plain text: its title, then one ``label: text`` paragraph per item."""
    lines = [str(notice["title"]).upper()]
    lines += [f"{item['label']}: {item['text']}" for item in notice["items"]]
    return "\n".join(lines)
