"""Ready-to-send messages: every decided communication's e-mail, SMS or letter, rendered from
versioned templates with every notice the policy gate obliged.

    digest, inputs = prepare_message(document, case, settings, access_code=code)   # at recording
    message = recorded_message(db, vault, decision_id, sets=settings.templates)      # on demand

The ledger keeps the message's SHA-256 and the template set's, never its text; the text is
rendered again from inputs sealed under the subject's key (``_recorded``), deterministically
(``_render``), with the template set the decision recorded (``_templates``). ``coverage``
enumerates what the templates must cover: every notice the Rego catalogue and the ladder can
oblige, every template id the ladder can name.
"""

from ._recorded import (
    AccessCodes,
    MessageErased,
    MessageIncomplete,
    MessageNotReproducible,
    NoMessage,
    TemplatesUnavailable,
    prepare_message,
    recorded_message,
    render_recorded,
)
from ._render import (
    MESSAGE_CHANNELS,
    NOTICE_FIELDS,
    SMS_MAX_CHARACTERS,
    WRITTEN_ONLY_NOTICES,
    CreditorDefaults,
    Message,
    MessageError,
    MessageSettings,
    communicates,
    message_inputs,
    missing_fields,
    render,
    text_sha256,
)
from ._templates import TemplateSet, TemplateSetError, TemplateSets, load_template_sets, shipped_template_sets

__all__ = [
    "AccessCodes", "MessageErased", "MessageIncomplete", "MessageNotReproducible", "NoMessage",
    "TemplatesUnavailable", "prepare_message", "recorded_message", "render_recorded",
    "MESSAGE_CHANNELS", "NOTICE_FIELDS", "SMS_MAX_CHARACTERS", "WRITTEN_ONLY_NOTICES", "CreditorDefaults", "Message", "MessageError", "MessageSettings",
    "communicates", "message_inputs", "missing_fields", "render", "text_sha256",
    "TemplateSet", "TemplateSetError", "TemplateSets", "load_template_sets", "shipped_template_sets",
]
