"""Who may do what with moderators and credentials: named predicates for services, pages and
the transition tables (moderation/transitions.py). Pages find their 404s in moderation/access.py.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Account, AccountStatus
from accounts.rules import can_read_whole_register, can_see_account
from governance import roles
from governance.models import User
from moderation.models import (
    AbuseCase,
    AssignmentState,
    CaseState,
    CredentialTask,
    DeviceReport,
    Evidence,
    Incident,
    ModeratorAssignment,
    StepKind,
    TaskKind,
)

# Who moderates an account: an active moderator, or one awaiting the declaration that will make
# them active (MOD-1). A suspended moderator sees nothing of the account until they sign again
# (DEC-3, MSM 7.3: "failure to acknowledge ... will result in access ... being denied").
MODERATING_STATES = [AssignmentState.ACTIVE, AssignmentState.AWAITING_DECLARATION]
# A device that could open an account: any open assignment, a suspended one included (the app
# may still be signed in on it).
OPEN_STATES = [
    AssignmentState.ACTIVE,
    AssignmentState.AWAITING_DECLARATION,
    AssignmentState.SUSPENDED,
]


def holds_access(assignment: ModeratorAssignment) -> bool:
    """Whether the person may still get in through this assignment, so that ending it asks for
    their access to be removed (MOD-5): an active moderator, or a suspended one whose access was
    not already taken away when they were suspended."""
    if assignment.state == AssignmentState.ACTIVE:
        return True
    return assignment.state == AssignmentState.SUSPENDED and not assignment.tasks.exists()


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_manage_assignments(user: Any, assignment: Any = None) -> bool:
    """Communications keeps the register of moderators (MSM 5.3, 7.2: line managers and
    moderators tell Communications of changes to account moderation)."""
    return roles.is_communications(user)


def can_end_assignment(user: Any, assignment: Any) -> bool:
    """Communications, or the moderator's line manager for their own team (MSM 7.2: the line
    manager tells Communications when someone stops moderating)."""
    if not _signed_in(user):
        return False
    return roles.is_communications(user) or assignment.person.line_manager_id == user.pk


def can_add_moderators(user: Any, account: Account) -> bool:
    """Communications adds moderators to any open account; a line manager adds people in their
    team to an account their team already moderates (MOD-1, MSM 7.2: cover within the team).
    Nobody adds moderators to a closed account."""
    if not _signed_in(user) or account.status == AccountStatus.CLOSED:
        return False
    if roles.is_communications(user):
        return True
    return ModeratorAssignment.objects.filter(
        account=account, person__line_manager=user, state__in=MODERATING_STATES
    ).exists()


def can_add_moderator(user: Any, account: Account, person: User) -> bool:
    """This person may be made a moderator of this account by ``user``."""
    if not can_add_moderators(user, account):
        return False
    return roles.is_communications(user) or person.line_manager_id == user.pk


def addable_people(user: Any) -> QuerySet[User]:
    """Whom a line manager may propose: their own team, still working here."""
    return User.objects.filter(line_manager=user, is_active=True, leaver_recorded_at__isnull=True)


def is_active_moderator(user: Any, account: Account) -> bool:
    if not _signed_in(user):
        return False
    return ModeratorAssignment.objects.filter(
        account=account, person=user, state=AssignmentState.ACTIVE
    ).exists()


def can_record_password_change(user: Any, account: Account) -> bool:
    """An active moderator of the account, or Communications (MOD-3, MSM 5.3: moderators tell
    Communications of any change to account passwords)."""
    if not _signed_in(user) or account.status == AccountStatus.UNAPPROVED:
        return False
    return roles.is_communications(user) or is_active_moderator(user, account)


def can_report_lost_device(user: Any) -> bool:
    """Any member of staff who can sign in (MOD-4, MSM 5.18)."""
    return _signed_in(user)


def can_see_credential_tasks(user: Any) -> bool:
    """The page of credential tasks: Communications and auditors see every task; anyone else
    sees the tasks on accounts they can open (moderators, responsible officers)."""
    return _signed_in(user)


def can_see_every_task(user: Any) -> bool:
    return can_read_whole_register(user)


def tasks_visible_to(user: Any) -> Q:
    """The credential tasks this person sees: all of them for Communications and auditors; for
    anyone else, those on accounts they moderate actively or are responsible for."""
    if can_see_every_task(user):
        return Q()
    active = ModeratorAssignment.objects.filter(person=user, state=AssignmentState.ACTIVE).values(
        "account_id"
    )
    return Q(account__in=active) | Q(account__responsible_officer=user)


def can_view_task(user: Any, task: CredentialTask) -> bool:
    if not _signed_in(user):
        return False
    return can_see_every_task(user) or (
        CredentialTask.objects.filter(tasks_visible_to(user), pk=task.pk).exists()
    )


def can_complete_task(user: Any, task: CredentialTask) -> bool:
    """Communications does any task; an active moderator of the account (other than the person
    it is about) removes a role or signs a device out. Handing over custody is Communications'
    (REG-1a); a password change closes its task by being recorded (MOD-3)."""
    if not _signed_in(user):
        return False
    if roles.is_communications(user):
        return True
    if task.kind == TaskKind.CUSTODY or task.person_id == user.pk:
        return False
    return is_active_moderator(user, task.account)


def tasks_completable_by(user: Any) -> Q:
    """``can_complete_task`` as a query over tasks, for a list that must not ask per task."""
    if not _signed_in(user):
        return Q(pk__in=[])
    if roles.is_communications(user):
        return Q()
    active = ModeratorAssignment.objects.filter(person=user, state=AssignmentState.ACTIVE).values(
        "account_id"
    )
    return Q(account__in=active) & ~Q(kind=TaskKind.CUSTODY) & ~Q(person=user)


def can_cancel_task(user: Any, task: CredentialTask) -> bool:
    """Only Communications decides that a task is no longer needed, with a reason."""
    return roles.is_communications(user)


def can_view_device_report(user: Any, report: DeviceReport) -> bool:
    """The person who reported it, their line manager, and Communications and auditors."""
    if not _signed_in(user):
        return False
    return (
        report.reporter_id == user.pk
        or report.reporter.line_manager_id == user.pk
        or can_read_whole_register(user)
    )


def handles_device_reports(user: Any) -> bool:
    """Communications is told of every lost device and makes the accounts safe (MSM 5.18)."""
    return roles.is_communications(user)


def can_close_device_report(user: Any, report: DeviceReport) -> bool:
    """Communications confirms a report that affected no account (MOD-4)."""
    return handles_device_reports(user)


def device_reports_visible_to(user: Any) -> Q:
    if can_read_whole_register(user):
        return Q()
    return Q(reporter=user) | Q(reporter__line_manager=user)


def can_see_account_tasks(user: Any, account: Account) -> bool:
    """The account page shows its credential tasks to whoever may open the account."""
    return can_see_account(user, account)


# ---------------------------------------------------------------------------------------------
# Staff incident reports (INC-1)


def can_report_incident(user: Any) -> bool:
    """Any member of staff who can sign in reports what they see (MDM 10.1-10.2, MSM 5.12),
    on any account, linked to them or not."""
    return _signed_in(user)


def handles_incidents(user: Any) -> bool:
    """Communications is told of every incident and closes it with an outcome (MDM 10.1: 'tell
    ... the Strategic Communications Team immediately')."""
    return roles.is_communications(user)


def can_see_every_incident(user: Any) -> bool:
    """Communications handles them; HR reads them, because an incident may become evidence of
    a breach (HR-1); auditors read them, to follow the compliance statement's figures to their
    records (AUD-1)."""
    return handles_incidents(user) or roles.is_hr(user) or roles.is_auditor(user)


def can_view_incident(user: Any, incident: Incident) -> bool:
    """The reporter, the line manager they told (MDM 10.1-10.2), Communications, HR and
    auditors."""
    if not _signed_in(user):
        return False
    return (
        can_see_every_incident(user)
        or incident.reporter_id == user.pk
        or incident.reporter_line_manager_id == user.pk
    )


def incidents_visible_to(user: Any) -> Q:
    """``can_view_incident`` as a query."""
    if can_see_every_incident(user):
        return Q()
    return Q(reporter=user) | Q(reporter_line_manager=user)


def can_see_incident_account(user: Any, incident: Incident) -> bool:
    """An incident shows its register account only to someone who may open that account; a
    reporter who has no link to it sees what they entered (INC-1)."""
    return incident.account is not None and can_see_account(user, incident.account)


def can_close_incident(user: Any, incident: Incident) -> bool:
    return handles_incidents(user)


def can_add_incident_evidence(user: Any, incident: Incident) -> bool:
    """Communications adds evidence while it is open; the reporter may add a screenshot when
    reporting."""
    return handles_incidents(user)


# ---------------------------------------------------------------------------------------------
# Public abuse cases (INC-2) and evidence (INC-3)


def can_run_abuse_cases(user: Any, case: Any = None) -> bool:
    """'All decisions on these matters will be made by the Communications team' (DER)."""
    return roles.is_communications(user)


def can_read_abuse_cases(user: Any) -> bool:
    """Communications runs them; Legal Services advises on them (DER: 'after consultation with
    the Council's Legal Services'); HR reads them, as a case may become evidence (HR-1);
    auditors read them, to follow the compliance statement's figures (AUD-1)."""
    return (
        can_run_abuse_cases(user)
        or roles.is_legal(user)
        or roles.is_hr(user)
        or roles.is_auditor(user)
    )


def can_view_abuse_case(user: Any, case: AbuseCase) -> bool:
    return can_read_abuse_cases(user)


def legal_consulted(case: AbuseCase) -> bool:
    return case.steps.filter(kind=StepKind.LEGAL_CONSULTED).exists()


def can_give_legal_advice(user: Any, case: AbuseCase) -> bool:
    """Legal records its advice on a case it has been consulted on (INC-2)."""
    return roles.is_legal(user) and case.state == CaseState.OPEN and legal_consulted(case)


def can_view_evidence(user: Any, evidence: Evidence | None) -> bool:
    """Evidence is served only to Communications, Legal and HR (INC-3)."""
    return roles.is_communications(user) or roles.is_legal(user) or roles.is_hr(user)
