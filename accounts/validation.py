"""What a request must say before it can be submitted, under the council's policy profile.

Used by the form (to show the GOV.UK error summary) and again by the submit service (so that a
forged POST cannot submit an incomplete request).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from accounts.models import Account, AccountRequest, AccountStatus, FacebookPurpose, Platform
from accounts.rules import named_approvers, step_approvers
from declarations.selectors import holds_current_declaration
from governance.models import BusinessCaseField, PolicyProfile, StepKind

HANDLE = re.compile(r"^@?[A-Za-z0-9_.\-/]+$")
# Evidence files are recognised by their first bytes, never by their name.
EVIDENCE_SIGNATURES = {
    b"%PDF": ("pdf", "application/pdf"),
    b"\x89PNG": ("png", "image/png"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
}
# The account fields a request that brings an unapproved account through cannot change.
REGULARISED_FIELDS = (
    "platform",
    "platform_other",
    "proposed_name",
    "proposed_handle",
    "service_area",
)


def evidence_type(head: bytes) -> tuple[str, str] | None:
    """(extension, content type) of an evidence file from its first bytes, or None."""
    return next(
        (kind for signature, kind in EVIDENCE_SIGNATURES.items() if head.startswith(signature)),
        None,
    )


# Where the error summary sends people: radios and dates start at their first input.
ANCHORS = {
    "platform": "id_platform_1",
    "facebook_purpose": "id_facebook_purpose_1",
    "training_completed_on": "id_training_completed_on_0",
    "backup_officers": "id_backup_officer_1",
}


def field_anchor(field: str) -> str:
    return ANCHORS.get(field, f"id_{field}")


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    @property
    def anchor(self) -> str:
        if self.field == "__all__":
            return "main-content"
        return field_anchor(self.field)


REQUIRED_MESSAGES = {
    BusinessCaseField.PURPOSE_AUDIENCE: "Enter what the account will communicate and to whom",
    BusinessCaseField.AIMS: "Enter the account's aims and why this platform is right for them",
    BusinessCaseField.OTHER_CHANNELS: "Enter the other channels that will support the account",
    BusinessCaseField.UPDATE_FREQUENCY: (
        "Enter how often the account will be updated and checked each day"
    ),
    BusinessCaseField.RECORD_KEEPING: "Enter how records of what is posted will be kept",
    BusinessCaseField.BACKUP_OFFICERS: (
        "Enter the email address of at least one officer who can edit the account when you are away"
    ),
}


def handle_problem(handle: str) -> str | None:
    if " " in handle.strip():
        return "The handle must not contain spaces"
    if handle.strip().lower().startswith(("http://", "https://")):
        return "Enter the web address without https://, like leisure.example.gov.uk/blog"
    if not HANDLE.match(handle.strip()):
        return (
            "The handle can only contain letters, numbers, underscores, full stops, hyphens, "
            "slashes and an @ at the start"
        )
    return None


def names_the_whole_council(text: str) -> bool:
    words = re.sub(r"[^a-z ]", "", text.lower()).split()
    cleaned = " ".join(word for word in words if word not in {"the", "page", "official"})
    council = re.sub(r"[^a-z ]", "", settings.COUNCIL_NAME.lower())
    return cleaned in {"council", "whole council", "council as a whole", council}


def request_problems(request: AccountRequest, profile: PolicyProfile) -> list[Problem]:
    problems: list[Problem] = []

    def need(field: str, message: str) -> None:
        problems.append(Problem(field, message))

    if not request.platform:
        need("platform", "Select the platform")
    elif request.platform == Platform.OTHER and not request.platform_other.strip():
        need("platform_other", "Enter the name of the platform")
    if not request.proposed_name.strip():
        need("proposed_name", "Enter the name of the account")
    if not request.proposed_handle.strip():
        need("proposed_handle", "Enter the handle or web address")
    elif message := handle_problem(request.proposed_handle):
        need("proposed_handle", message)
    elif request.platform and _handle_taken(request):
        need(
            "proposed_handle",
            "An account with this handle on this platform is already in the register",
        )
    if request.service_area is None:
        need("service_area", "Select the service area the account belongs to")
    if request.regularises_id and not regularisation_open(request):
        need(
            "__all__",
            "The account this request brings through is no longer waiting for approval: "
            "Communications have closed it or another request has approved it.",
        )

    for field in profile.required_business_case_fields:
        if field == BusinessCaseField.BACKUP_OFFICERS:
            if request.pk is None or not request.backup_officers.exists():
                need("backup_officer_1", REQUIRED_MESSAGES[BusinessCaseField.BACKUP_OFFICERS])
        elif not getattr(request, field, "").strip():
            need(field, REQUIRED_MESSAGES[BusinessCaseField(field)])
    if request.pk is not None:
        for person in request.backup_officers.all():
            if person.has_left or not person.is_active:
                need(
                    "backup_officer_1",
                    f"{person.full_name} no longer works for the council: name another officer",
                )

    if profile.facebook_purpose_rule and request.platform == Platform.FACEBOOK:
        _check_facebook_purpose(request, need)
    if profile.require_budget_code and not request.budget_code.strip():
        need("budget_code", "Enter the budget code for the management-platform licence")
    if profile.require_data_protection_training:
        if request.training_completed_on is None:
            need(
                "training_completed_on",
                "Enter the date you completed the data protection e-learning",
            )
        elif request.training_completed_on > timezone.localdate():
            need(
                "training_completed_on",
                "The date you completed the e-learning must be today or in the past",
            )
        if not request.training_evidence:
            need(
                "training_evidence",
                "Upload your certificate or a screenshot of the completed e-learning",
            )
    if profile.require_requester_declaration and not holds_current_declaration(request.requester):
        need(
            "__all__",
            "Sign the declaration accepting the social media policy before you send this "
            "request: choose \u2018Your declaration\u2019 in the menu, then come back to send it.",
        )
    return problems


def _check_facebook_purpose(request: AccountRequest, need: object) -> None:
    assert callable(need)
    whole_council = (
        "The council's policy does not allow a Facebook page for the council as a whole. "
        "A Facebook page must be for an event, activity, project or established group"
    )
    if not request.facebook_purpose:
        need("facebook_purpose", "Select what the Facebook page is for")
    elif request.facebook_purpose == FacebookPurpose.WHOLE_COUNCIL:
        need("facebook_purpose", whole_council)
    if request.facebook_purpose != FacebookPurpose.WHOLE_COUNCIL:
        if not request.facebook_purpose_name.strip():
            need(
                "facebook_purpose_name",
                "Enter the name of the event, activity, project or group",
            )
        elif names_the_whole_council(request.facebook_purpose_name):
            need("facebook_purpose_name", whole_council)
    if request.proposed_name and names_the_whole_council(request.proposed_name):
        need("proposed_name", whole_council)


def regularisation_open(request: AccountRequest) -> bool:
    account = Account.objects.filter(pk=request.regularises_id or 0).first()
    return (
        account is not None
        and account.status == AccountStatus.UNAPPROVED
        and account.request_id is None
    )


def _handle_taken(request: AccountRequest) -> bool:
    taken = Account.objects.holding_handle(request.platform, request.proposed_handle)
    if request.regularises_id:
        taken = taken.exclude(pk=request.regularises_id)
    return taken.exists()


APPROVER_ROLES = {
    StepKind.LINE_MANAGER: "as your line manager",
    StepKind.HEAD_OF_SERVICE: "as Head of Service",
    StepKind.COMMUNICATIONS: "for Communications",
}


def chain_problems(request: AccountRequest, chain: list[StepKind]) -> list[Problem]:
    """Steps that nobody could decide, which would leave the request stuck."""
    problems = []
    for kind in chain:
        if step_approvers(request, kind):
            continue
        if named := named_approvers(request, kind):
            names = " and ".join(person.full_name for person in named)
            problems.append(
                Problem(
                    "backup_officers",
                    f"{names} must approve this request {APPROVER_ROLES[kind]}, so cannot also "
                    "be a backup officer on it. Name someone else as a backup officer.",
                )
            )
        elif kind == StepKind.LINE_MANAGER:
            problems.append(
                Problem(
                    "__all__",
                    "Your staff record has no line manager, so nobody can give the line "
                    "manager's approval. Ask HR to correct your record.",
                )
            )
        elif kind == StepKind.HEAD_OF_SERVICE:
            area = request.service_area.name if request.service_area else "The service area"
            head = request.service_area.head if request.service_area else None
            if head is not None and head.pk == request.requester_id:
                # The requester is the Head of Service: their own line manager decides.
                problems.append(
                    Problem(
                        "__all__",
                        "You are the Head of Service for this area, so your own line manager "
                        "approves the request instead, but your staff record has no line "
                        "manager. Ask HR to correct your record.",
                    )
                )
                continue
            problems.append(
                Problem(
                    "service_area",
                    f"{area} has no Head of Service recorded, so nobody can approve the "
                    "request for it. Ask HR to correct the service area's record.",
                )
            )
        else:
            problems.append(
                Problem("__all__", "Nobody in Communications can sign off requests yet.")
            )
    return problems
