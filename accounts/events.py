"""The event codes this app writes: past tense, one constant each.

Event rows are chained (governance.models.events), so a code once written is never renamed.
Codes written before these constants existed stay in the log as they are; ``WRITTEN_BEFORE``
says what each old code meant, for anyone reading the log.
"""

from __future__ import annotations

REQUEST_SUBMITTED = "request.submitted"
REQUEST_RESUBMITTED = "request.resubmitted"
REQUEST_STEP_APPROVED = "request.step_approved"
REQUEST_STEP_RETURNED = "request.step_returned"
REQUEST_STEP_REJECTED = "request.step_rejected"
REQUEST_APPROVED = "request.approved"
REQUEST_WITHDRAWN = "request.withdrawn"

ACCOUNT_CREATED = "account.created"
ACCOUNT_RECORDED = "account.recorded"
ACCOUNT_FOUND_UNAPPROVED = "account.found_unapproved"
ACCOUNT_REGULARISED = "account.regularised"
ACCOUNT_UPDATED = "account.updated"
ACCOUNT_REVIEWED = "account.reviewed"
ACCOUNT_KEPT_OPEN = "account.kept_open"
ACCOUNT_ACTIVATED = "account.activated"
ACCOUNT_SUSPENDED = "account.suspended"
ACCOUNT_CLOSED = "account.closed"
ACCOUNT_REOPENED = "account.reopened"

# Present-tense codes written before December 2026: still in the chain, no longer written.
WRITTEN_BEFORE = {
    "account.activate": ACCOUNT_ACTIVATED,
    "account.suspend": ACCOUNT_SUSPENDED,
    "account.close": ACCOUNT_CLOSED,
    "account.reopen": ACCOUNT_REOPENED,
}
