"""The event log stands up to someone who can write to the database (issue 7).

Rows are sealed with an HMAC whose key is not in the database, signed checkpoints kept by the
auditors catch the newest rows removed with the chain head wound back, and changes made in the
Django admin or in allauth's sign-in settings write event rows like every other change.
"""

from __future__ import annotations

import datetime
import importlib
import io
import smtplib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from governance import roles
from governance.models import Event, EventChainHead, Notification, ServiceArea, User
from governance.models.events import GENESIS_MAC
from governance.services.events import (
    Checkpoint,
    CheckpointInvalid,
    event_record,
    events_checkpoint,
    events_verify_chain,
)
from governance.services.notifications import notifications_deliver_pending
from governance.tasks import publish_event_checkpoint
from tests.conftest import PASSWORD, make_person
from tests.test_settings import PRODUCTION, ROOT, clean_environment, start
from tests.totp import totp_code

TABLE = Event._meta.db_table
ATTACKER_KEY = "an-attacker-who-can-write-to-the-database-but-lacks-the-key"


def record(actor: User, subject: Any, count: int) -> list[Event]:
    return [
        event_record(actor=actor, action=f"test.step{n}", subject=subject, summary=f"Step {n}")
        for n in range(1, count + 1)
    ]


def write_to_database(*statements: tuple[str, list[Any]]) -> None:
    """Change event rows behind the portal's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # They could also lift the append-only trigger: it guards against mistakes, not them.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER governance_event_append_only")
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER governance_event_append_only")


def rewrite_from(seq: int, summary: str) -> None:
    """Edit one row and recompute every later SHA-256 and the chain head, as an attacker can."""
    events = list(Event.objects.filter(seq__gte=seq - 1).order_by("seq"))
    previous, rows = events[0], events[1:]
    rows[0].summary = summary
    statements = []
    for event in rows:
        event.prev_hash = previous.hash
        event.hash = event.compute_hash()
        statements.append(
            (
                f"UPDATE {TABLE} SET summary = %s, prev_hash = %s, hash = %s WHERE seq = %s",  # noqa: S608
                [event.summary, event.prev_hash, event.hash, event.seq],
            )
        )
        previous = event
    write_to_database(*statements)
    EventChainHead.objects.filter(pk=1).update(last_hash=previous.hash)


def verify(*checkpoints: Path) -> tuple[bool, str]:
    out, err = io.StringIO(), io.StringIO()
    arguments = [f"--checkpoint={path}" for path in checkpoints]
    try:
        call_command("verify_events", *arguments, stdout=out, stderr=err)
    except CommandError as error:
        return False, err.getvalue() + str(error)
    return True, out.getvalue()


def keep(checkpoint: Checkpoint, tmp_path: Path, name: str = "checkpoint.json") -> Path:
    path = tmp_path / name
    path.write_text(checkpoint.document())
    return path


# The chain and its seals


@pytest.mark.django_db
def test_every_new_event_is_sealed_and_the_head_keeps_the_last_seal(
    requester: User, leisure: ServiceArea
) -> None:
    first, second = record(requester, leisure, 2)

    assert first.mac == first.compute_mac(GENESIS_MAC)
    assert second.mac == second.compute_mac(first.mac)
    assert EventChainHead.objects.get(pk=1).last_mac == second.mac
    assert verify() == (True, f"The event log is intact: {Event.objects.count()} events.\n")


@pytest.mark.django_db
def test_verify_events_reports_a_row_edited_in_the_database(
    requester: User, leisure: ServiceArea
) -> None:
    record(requester, leisure, 3)
    write_to_database((f"UPDATE {TABLE} SET reason = %s WHERE seq = 2", ["forged"]))  # noqa: S608

    intact, output = verify()

    assert not intact
    assert "Event #2 was changed after it was written." in output
    assert "The event log has 1 problem(s)." in output


@pytest.mark.django_db
def test_a_chain_recomputed_without_the_key_is_caught_by_the_seals(
    requester: User, leisure: ServiceArea
) -> None:
    record(requester, leisure, 4)

    rewrite_from(2, "Nothing happened here")

    not_sealed = (
        "does not carry the portal's seal: it was changed, or the log was rewritten, by "
        "someone without the event log key."
    )
    # Every SHA-256 agrees again: only the seals show what was done.
    assert events_verify_chain() == [f"Event #{seq} {not_sealed}" for seq in (2, 3, 4)]
    assert not verify()[0]


@pytest.mark.django_db
def test_a_chain_resealed_with_another_key_does_not_verify(
    requester: User, leisure: ServiceArea, settings: Any
) -> None:
    record(requester, leisure, 3)
    settings.EVENT_LOG_KEY = ATTACKER_KEY
    rewrite_from(2, "Nothing happened here")
    resealed = list(Event.objects.order_by("seq"))
    previous_mac = GENESIS_MAC
    statements = []
    for event in resealed:
        previous_mac = event.compute_mac(previous_mac)
        sql = f"UPDATE {TABLE} SET mac = %s WHERE seq = %s"  # noqa: S608
        statements.append((sql, [previous_mac, event.seq]))
    write_to_database(*statements)
    EventChainHead.objects.filter(pk=1).update(last_mac=previous_mac)
    assert events_verify_chain() == []  # consistent under the attacker's own key

    settings.EVENT_LOG_KEY = "laptop-only-event-log-key-never-used-in-production"

    problems = events_verify_chain()
    assert problems[0].startswith("No event carries a seal made with this EVENT_LOG_KEY")
    assert len(problems) == 4


@pytest.mark.django_db
def test_seals_cannot_be_stripped_to_make_rows_look_unsealed(
    requester: User, leisure: ServiceArea
) -> None:
    record(requester, leisure, 2)

    write_to_database((f"UPDATE {TABLE} SET mac = ''", []))  # noqa: S608

    assert "Event #1 has no seal: its seal was removed." in events_verify_chain()
    assert "Event #2 has no seal: its seal was removed." in events_verify_chain()


@pytest.mark.django_db
def test_the_migration_seals_the_rows_already_in_the_chain(
    requester: User, leisure: ServiceArea
) -> None:
    record(requester, leisure, 3)
    # The rows as they were before the migration: chained by SHA-256 only.
    write_to_database((f"UPDATE {TABLE} SET mac = ''", []))  # noqa: S608
    EventChainHead.objects.filter(pk=1).update(last_mac=GENESIS_MAC)
    hashes = list(Event.objects.order_by("seq").values_list("hash", flat=True))
    migration = importlib.import_module("governance.migrations.0005_event_mac")

    migration.seal_existing_events(historical_apps(), DatabaseEditor())
    record(requester, leisure, 1)

    assert events_verify_chain() == []
    assert list(Event.objects.order_by("seq").values_list("hash", flat=True))[:3] == hashes


def historical_apps() -> Any:
    """The models as the migration sees them: without the append-only queryset."""
    state = MigrationExecutor(connection).loader.project_state(("governance", "0005_event_mac"))
    return state.apps


class DatabaseEditor:
    """The part of a migration's schema editor that seal_existing_events uses."""

    connection = connection

    def execute(self, sql: str, params: Any = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


# Checkpoints


@pytest.mark.django_db
def test_a_wound_back_head_passes_the_chain_but_not_a_checkpoint(
    requester: User, leisure: ServiceArea, tmp_path: Path
) -> None:
    events = record(requester, leisure, 5)
    kept = keep(
        events_checkpoint(now=datetime.datetime(2026, 12, 2, 6, 45, tzinfo=datetime.UTC)), tmp_path
    )

    write_to_database((f"DELETE FROM {TABLE} WHERE seq > 3", []))  # noqa: S608
    EventChainHead.objects.filter(pk=1).update(
        seq=3, last_hash=events[2].hash, last_mac=events[2].mac
    )

    assert events_verify_chain() == []  # the chain that is left is whole
    intact, output = verify(kept)
    assert not intact
    assert (
        "The log has 3 events but the checkpoint of 2 December 2026 at 6:45am says 5 were "
        "written: events were removed"
    ) in output


@pytest.mark.django_db
def test_a_kept_checkpoint_verifies_while_the_log_grows(
    requester: User, leisure: ServiceArea, tmp_path: Path
) -> None:
    record(requester, leisure, 3)
    kept = keep(events_checkpoint(), tmp_path)
    record(requester, leisure, 2)

    intact, output = verify(kept)

    assert intact, output
    assert "It holds every event the checkpoint of" in output
    assert "(3, up to #3)" in output


@pytest.mark.django_db
def test_a_rewritten_log_does_not_match_its_checkpoint(
    requester: User, leisure: ServiceArea, tmp_path: Path
) -> None:
    record(requester, leisure, 3)
    kept = keep(events_checkpoint(), tmp_path)

    rewrite_from(3, "Nothing happened here")

    intact, output = verify(kept)
    assert not intact
    assert "Event #3 is not the event the checkpoint of" in output


@pytest.mark.django_db
def test_a_checkpoint_with_a_forged_signature_is_refused(
    requester: User, leisure: ServiceArea, tmp_path: Path, settings: Any
) -> None:
    record(requester, leisure, 5)
    honest = events_checkpoint().document()
    # Lowering the count to match a truncated log breaks the signature...
    edited = tmp_path / "edited.json"
    edited.write_text(honest.replace('"count": 5', '"count": 3'))
    # ...and so does signing a new checkpoint with a key of one's own.
    settings.EVENT_LOG_KEY = ATTACKER_KEY
    forged = keep(events_checkpoint(), tmp_path, "forged.json")
    settings.EVENT_LOG_KEY = "laptop-only-event-log-key-never-used-in-production"

    for path in (edited, forged):
        intact, output = verify(path)
        assert not intact
        assert "The checkpoint's signature is wrong" in output
    with pytest.raises(CheckpointInvalid, match="not an event log checkpoint"):
        Checkpoint.parse("Dear auditor")


# The daily checkpoint e-mail and the auditors' page


def mailed_checkpoint(body: str) -> Checkpoint:
    document = body.split("-" * 70)[1]
    return Checkpoint.parse(document)


@pytest.mark.django_db
def test_the_daily_checkpoint_is_mailed_once_to_each_auditor(
    auditor: User,
    requester: User,
    leisure: ServiceArea,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    second_auditor = make_person("audit2@council.example", "Ann Ito", groups=(roles.AUDITOR,))
    record(requester, leisure, 2)
    with django_capture_on_commit_callbacks(execute=True):
        publish_event_checkpoint()
    record(requester, leisure, 1)  # a second run the same day sees more, but sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        publish_event_checkpoint()
    notifications_deliver_pending()

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [auditor.email, second_auditor.email]
    )
    checkpoint = mailed_checkpoint(str(mail.outbox[0].body))
    assert (checkpoint.seq, checkpoint.count) == (2, 2)


AUDIT_MAILBOX = "internal-audit@audit.example"
MORNING = datetime.datetime(2026, 12, 2, 6, 45, tzinfo=datetime.UTC)


def to_mailbox() -> list[Any]:
    return [message for message in mail.outbox if message.to == [AUDIT_MAILBOX]]


@pytest.mark.django_db
def test_the_checkpoint_reaches_the_audit_mailbox_whatever_the_database_says(
    auditor: User,
    requester: User,
    leisure: ServiceArea,
    settings: Any,
    time_machine: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    settings.EVENT_CHECKPOINT_RECIPIENTS = [AUDIT_MAILBOX]
    time_machine.move_to(MORNING, tick=False)
    record(requester, leisure, 2)
    # Someone with the database marks today's notification as sent before it is written...
    Notification.objects.create(
        recipient=auditor,
        key="event-checkpoint:2026-12-02",
        subject="Event log checkpoint of 2 December 2026",
        body="",
        sent_at=MORNING,
    )
    # ...and takes the auditors out of their group.
    auditor.groups.clear()

    with django_capture_on_commit_callbacks(execute=True):
        publish_event_checkpoint()
    notifications_deliver_pending()

    assert [message.to for message in mail.outbox] == [[AUDIT_MAILBOX]]
    message = mail.outbox[0]
    assert message.subject == "[Social media governance] Event log checkpoint of 2 December 2026"
    checkpoint = mailed_checkpoint(str(message.body))
    assert (checkpoint.seq, checkpoint.count) == (2, 2)


@pytest.mark.django_db
def test_two_runs_on_one_day_send_the_audit_mailbox_one_checkpoint(
    auditor: User, requester: User, leisure: ServiceArea, settings: Any, time_machine: Any
) -> None:
    settings.EVENT_CHECKPOINT_RECIPIENTS = [AUDIT_MAILBOX, "second-auditor@audit.example"]
    time_machine.move_to(MORNING, tick=False)
    record(requester, leisure, 1)

    publish_event_checkpoint()
    record(requester, leisure, 1)
    publish_event_checkpoint()  # a job run twice, or on a second worker
    time_machine.move_to(MORNING + datetime.timedelta(days=1), tick=False)
    publish_event_checkpoint()  # the next morning's

    mailed = [message for message in mail.outbox if AUDIT_MAILBOX in message.to]
    assert [message.to for message in mailed] == [
        [AUDIT_MAILBOX, "second-auditor@audit.example"]
    ] * 2
    assert [mailed_checkpoint(str(message.body)).seq for message in mailed] == [1, 2]


@pytest.mark.django_db
def test_the_mailed_checkpoint_is_one_verify_events_accepts(
    requester: User, leisure: ServiceArea, settings: Any, tmp_path: Path
) -> None:
    settings.EVENT_CHECKPOINT_RECIPIENTS = [AUDIT_MAILBOX]
    record(requester, leisure, 3)

    publish_event_checkpoint()

    (message,) = to_mailbox()
    from_body = tmp_path / "from-the-body.json"
    from_body.write_text(str(message.body).split("-" * 70)[1])
    name, attached, mimetype = message.attachments[0]
    from_attachment = tmp_path / name
    from_attachment.write_text(attached)
    assert mimetype == "application/json"
    for kept in (from_body, from_attachment):
        intact, output = verify(kept)
        assert intact, output
        assert "(3, up to #3)" in output
    write_to_database((f"DELETE FROM {TABLE} WHERE seq = 3", []))  # noqa: S608
    EventChainHead.objects.filter(pk=1).update(seq=2)
    assert not verify(from_body)[0]


@pytest.mark.django_db
def test_a_checkpoint_the_mail_server_refused_is_sent_when_the_task_tries_again(
    requester: User, leisure: ServiceArea, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.EVENT_CHECKPOINT_RECIPIENTS = [AUDIT_MAILBOX]
    record(requester, leisure, 1)
    send = EmailMessage.send
    refusals = [smtplib.SMTPConnectError(421, "Service not available")]

    def mail_server_down_once(message: EmailMessage, fail_silently: bool = False) -> int:
        if refusals:
            raise refusals.pop()
        return send(message, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", mail_server_down_once)
    publish_event_checkpoint.apply(throw=False)  # in the tests the retry runs at once

    assert not refusals
    assert len(to_mailbox()) == 1


RECIPIENTS = "EVENT_CHECKPOINT_RECIPIENTS"


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**clean_environment(), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_warns_without_a_mailbox_for_the_checkpoints() -> None:
    without = {name: value for name, value in PRODUCTION.items() if name != RECIPIENTS}
    unset = check_deploy(without)
    with_mailbox = check_deploy({**without, RECIPIENTS: AUDIT_MAILBOX})

    assert unset.returncode == 0, unset.stderr  # a warning: the portal still starts
    assert "governance.W001" in unset.stderr
    assert "EVENT_CHECKPOINT_RECIPIENTS is not set" in unset.stderr
    assert with_mailbox.returncode == 0, with_mailbox.stderr
    assert "governance.W001" not in with_mailbox.stderr + with_mailbox.stdout


def test_checkpoint_recipients_must_be_email_addresses() -> None:
    result = start({**PRODUCTION, RECIPIENTS: "internal-audit@audit.example, internal audit"})

    assert result.returncode != 0
    assert "EVENT_CHECKPOINT_RECIPIENTS must be e-mail addresses" in result.stderr


@pytest.mark.django_db
def test_the_checkpoint_page_is_for_auditors_only(
    cast: dict[str, User | None], client_for: Callable[[User | None], Client]
) -> None:
    allowed = {"auditor", "communications"}
    for role, person in cast.items():
        if person is None:
            continue
        response = client_for(person).get("/audit/checkpoint/")
        assert response.status_code == (200 if role in allowed else 404), role
        download = client_for(person).get("/audit/checkpoint/download/")
        assert download.status_code == (200 if role in allowed else 404), role


@pytest.mark.django_db
def test_an_auditor_downloads_the_checkpoint_as_a_file(
    auditor: User, requester: User, leisure: ServiceArea, client_for: Callable[..., Client]
) -> None:
    record(requester, leisure, 2)
    client = client_for(auditor)

    page = client.get("/audit/checkpoint/")
    download = client.get("/audit/checkpoint/download/")

    assert "Download the checkpoint" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert "no-store" in download["Cache-Control"]
    assert download["Content-Disposition"].startswith("attachment; filename=")
    checkpoint = Checkpoint.parse(download.content.decode())
    assert (checkpoint.seq, checkpoint.count) == (2, 2)


# Changes in the Django admin


def person_form(person: User, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "email": person.email,
        "full_name": person.full_name,
        "employee_number": person.employee_number or "",
        "job_title": person.job_title,
        "service_area": person.service_area_id or "",
        "line_manager": person.line_manager_id or "",
        "leaving_date": "",
        "groups": list(person.groups.values_list("pk", flat=True)),
        "is_superuser": person.is_superuser,
        "is_staff": person.is_staff,
        "is_active": person.is_active,
    }
    data.update(changes)
    # An unticked box is not sent at all.
    return {name: value for name, value in data.items() if value is not False}


def admin_post(client: Client, url: str, data: dict[str, Any]) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.mark.django_db
def test_changing_a_head_of_service_in_the_admin_writes_an_event(
    administrator: User,
    head_of_service: User,
    line_manager: User,
    leisure: ServiceArea,
    client_for: Callable[..., Client],
) -> None:
    admin_post(
        client_for(administrator),
        f"/admin/governance/servicearea/{leisure.pk}/change/",
        {"code": leisure.code, "name": leisure.name, "head": line_manager.pk},
    )

    event = Event.objects.for_subject(leisure).get(action="service_area.head_changed")
    assert event.actor == administrator
    assert event.data == {"head": [head_of_service.pk, line_manager.pk]}
    assert "made Sam Okafor Head of Service of Leisure and Culture" in event.summary
    assert events_verify_chain() == []


@pytest.mark.django_db
def test_group_membership_and_superuser_changes_in_the_admin_write_events(
    administrator: User, requester: User, client_for: Callable[..., Client]
) -> None:
    auditors = Group.objects.get(name=roles.AUDITOR)

    admin_post(
        client_for(administrator),
        f"/admin/governance/user/{requester.pk}/change/",
        person_form(requester, groups=[auditors.pk], is_superuser=True, job_title="Auditor"),
    )

    events = {event.action: event for event in Event.objects.for_subject(requester)}
    assert events["person.groups_changed"].data == {"added": ["Auditor"], "removed": []}
    assert events["person.superuser_changed"].data == {"is_superuser": [False, True]}
    assert events["person.record_changed"].data == {"job_title": ["Officer", "Auditor"]}
    assert {event.actor for event in events.values()} == {administrator}


@pytest.mark.django_db
def test_saving_a_person_unchanged_in_the_admin_writes_no_event(
    administrator: User, requester: User, client_for: Callable[..., Client]
) -> None:
    admin_post(
        client_for(administrator),
        f"/admin/governance/user/{requester.pk}/change/",
        person_form(requester),
    )

    assert not Event.objects.for_subject(requester).exists()


# allauth's sign-in settings


def sign_in(client: Client, email: str) -> None:
    assert client.post("/auth/login/", {"login": email, "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_setting_up_and_removing_an_authenticator_app_write_events(
    requester: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    client = Client()
    sign_in(client, requester.email)
    client.get("/auth/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    # allauth announces a new authenticator once its transaction has committed.
    with django_capture_on_commit_callbacks(execute=True):
        activated = client.post("/auth/2fa/totp/activate/", {"code": totp_code(secret)})
    assert activated.status_code == 302
    client.post("/auth/reauthenticate/", {"password": PASSWORD})

    assert client.post("/auth/2fa/totp/deactivate/")["Location"] == "/auth/2fa/"

    assert not Authenticator.objects.filter(user=requester, type="totp").exists()
    actions = list(Event.objects.for_subject(requester).values_list("action", "actor"))
    assert actions == [("mfa.enabled", requester.pk), ("mfa.removed", requester.pk)]


@pytest.mark.django_db
def test_an_administrator_removing_someones_authenticator_writes_an_event(
    administrator: User, communications: User, client_for: Callable[..., Client]
) -> None:
    totp = Authenticator.objects.get(user=communications, type="totp")

    client_for(administrator).post(f"/admin/mfa/authenticator/{totp.pk}/delete/", {"post": "yes"})

    assert not Authenticator.objects.filter(pk=totp.pk).exists()
    event = Event.objects.for_subject(communications).get()
    assert (event.action, event.actor) == ("mfa.removed", administrator)


@pytest.mark.django_db
def test_changing_the_password_writes_an_event(requester: User) -> None:
    client = Client()
    sign_in(client, requester.email)

    response = client.post(
        "/auth/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-passphrase-2026",
            "password2": "a-new-long-passphrase-2026",
        },
    )

    assert response.status_code == 302
    event = Event.objects.for_subject(requester).get()
    assert (event.action, event.actor) == ("password.changed", requester)
    assert "changed their password" in event.summary


@pytest.mark.django_db
def test_an_administrator_setting_a_password_writes_an_event(
    administrator: User, requester: User, client_for: Callable[..., Client]
) -> None:
    response = client_for(administrator).post(
        f"/admin/governance/user/{requester.pk}/password/",
        {
            "password1": "a-new-long-passphrase-2026",
            "password2": "a-new-long-passphrase-2026",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    event = Event.objects.for_subject(requester).get()
    assert (event.action, event.actor) == ("password.changed", administrator)


# Production settings


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Environment variable EVENT_LOG_KEY must be set."),
        ("too-short", "EVENT_LOG_KEY must be at least 32 characters long."),
        (PRODUCTION["SECRET_KEY"], "EVENT_LOG_KEY must not be the same as SECRET_KEY."),
    ],
)
def test_production_refuses_a_missing_or_weak_event_log_key(value: str, message: str) -> None:
    result = start({**PRODUCTION, "EVENT_LOG_KEY": value})

    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_an_event_log_key() -> None:
    result: subprocess.CompletedProcess[str] = start(
        {**PRODUCTION, "EVENT_LOG_KEY": "a-real-event-log-key-of-forty-two-characters"}
    )

    assert result.returncode == 0, result.stderr
