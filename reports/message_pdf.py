"""A decision's letter as tagged PDF/A-3a: the message ``decisions.messages`` rendered and verified, laid
out for a windowed envelope (DIN 5008 / C5/6: return address above the recipient's).

Everything printed comes from the message's own parts, whose join is the text the ledger's
SHA-256 covers (``Message.text``): nothing is added but layout and the page numbers. That text
(subject, blank line, body: the bytes of the recorded hash) is embedded as ``message.txt``, so

    pdfdetach -save 1 -o message.txt letter.pdf && sha256sum message.txt

gives the ``message.sha256`` of the decision and its ledger entry. Same message, same bytes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from decisions.messages import Message

from ._pdf import Evidence, render_pdf
from ._texts import texts

__all__ = ["render_message_pdf", "EVIDENCE_MESSAGE"]

EVIDENCE_MESSAGE = "message.txt"
_FOOTER = {"en": "Message {ref}", "de": "Nachricht {ref}"}


def render_message_pdf(message: Message, *, decision_id: str, created: datetime) -> bytes:
    """``message`` (a letter) as tagged PDF/A-3a; ``created`` is its date (the recorded send time)."""
    if message.channel != "letter" or message.subject is None or message.body is None:
        raise ValueError("only a letter is rendered as a PDF")
    whole = f"{message.subject}\n\n{message.text}".encode()
    context: dict[str, Any] = {
        "sender": message.sender, "recipient": "\n".join(message.recipient), "dateline": message.dateline,
        "subject": message.subject, "paragraphs": [_paragraph(p) for p in message.body.split("\n\n")],
        "page_label": texts(message.language)["page"], "header_title": message.subject,
        "footer_text": _FOOTER.get(message.language, _FOOTER["en"]).format(ref=decision_id),
    }
    evidence = (Evidence(name=EVIDENCE_MESSAGE, data=whole, relationship="Source",
                         description=f"the message text; SHA-256 {message.sha256} (as recorded in the ledger)"),)
    return render_pdf("message.html", context, title=message.subject, created=created, lang=message.language,
                      evidence=evidence)


def _paragraph(text: str) -> dict[str, Any]:
    """A paragraph; a first line in capitals (a notice's heading: set apart, as GDPR Art. 21(4)
    asks of the objection notice) is printed as its heading."""
    first, _, rest = text.partition("\n")
    if rest and any(ch.isalpha() for ch in first) and first == first.upper():
        return {"heading": first, "text": rest}
    return {"heading": None, "text": text}
