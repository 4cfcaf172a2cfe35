"""Data-subject rights and human review: access (GDPR Art. 15), objection (Art. 21), human
review (Art. 22(3)), rectification with restriction (Art. 16, 18(1)(a)), erasure weighed against
retention duties (Art. 17), deadlines (Art. 12(3)), portal access codes, staff accounts and the
ledger status of the console. Plain Python, no Flask; every state change is a ledger event with
its projection written in the same transaction (the events: ``README.md`` beside this file).

The functions take a ``RightsContext`` (``service.runtime`` builds one per app as
``runtime.rights``) and a subject pseudonym (``ctx.pseudonyms.subject(debtor_ref)``, or what the
portal's sign-in returned).
"""

from ._common import DEFAULT_RIGHTS, RightsConfig, RightsContext
from .access import access_export, build_export
from .deadlines import Calendar, deadline, sla_state
from .debtor_actions import DISPUTE_GROUNDS, actions_of, dispute, objection_in_force, opt_out, report_payment
from .debtor_actions import request_payment_plan as request_payment_plan
from .debtor_actions import withdraw_objection as withdraw_objection
from .ledger_status import ledger_status, record_verification, verify_and_record
from .matters import decision_of, matters_of, privacy_of
from .portal_access import PortalAccess, SignInLocked, SignInRefused, access_code
from .requests import EXTENSION_REASONS, extend_request, get_request, request_queue, requests_of
from .retention_ops import legal_holds, place_legal_hold, release_legal_hold, retention_run
from .review_desk import assign_case, assignable_staff, review_desk_case, review_desk_queue
from .reviews import record_outcome, resume_escalation, review_case, review_of_decision, review_queue
from .staff import (
                    SIGNING_ROLES,
                    STAFF_ROLES,
                    StaffUser,
                    create_staff_user,
                    signing_staff,
                    staff_account,
                    staff_accounts,
                    verify_staff_sign_in,
)
from .status import RightsFacts, rights_facts
from .subjects import (
                       GROUNDS,
                       LOOKUP_PURPOSES,
                       OBJECTION_SCOPES,
                       RECTIFICATION_CONCERNS,
                       RESOLUTIONS,
                       document_grounds,
                       object_to_profiling,
                       request_erasure,
                       request_rectification,
                       request_review,
                       resolve_rectification,
                       staff_lookup,
)

__all__ = [
    "DEFAULT_RIGHTS", "RightsConfig", "RightsContext", "access_export", "build_export", "Calendar", "deadline",
    "sla_state", "ledger_status", "record_verification", "verify_and_record", "decision_of", "matters_of", "privacy_of",
    "PortalAccess", "SignInLocked", "SignInRefused", "access_code", "EXTENSION_REASONS", "extend_request",
    "get_request", "request_queue", "requests_of", "legal_holds", "place_legal_hold", "release_legal_hold",
    "retention_run", "record_outcome", "resume_escalation", "review_case", "review_of_decision", "review_queue",
    "STAFF_ROLES", "SIGNING_ROLES", "StaffUser", "create_staff_user", "signing_staff", "verify_staff_sign_in",
    "RightsFacts", "rights_facts", "assign_case", "assignable_staff", "review_desk_case", "review_desk_queue",
    "DISPUTE_GROUNDS", "actions_of", "dispute", "objection_in_force", "opt_out", "report_payment",
    "request_payment_plan", "withdraw_objection",
    "GROUNDS", "OBJECTION_SCOPES", "RECTIFICATION_CONCERNS", "RESOLUTIONS", "document_grounds",
    "object_to_profiling", "request_erasure", "request_rectification", "request_review", "resolve_rectification",
    "LOOKUP_PURPOSES", "staff_lookup", "staff_accounts", "staff_account",
]
