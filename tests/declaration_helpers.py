"""Policy versions and declarations for tests, made through the services the pages use."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from declarations.models import Declaration, PolicyVersion
from declarations.services.signing import declaration_sign
from declarations.services.versions import question_save, version_draft, version_publish
from governance import roles
from governance.models import User
from tests.conftest import make_person

POLICY_TEXT = """# Social media policy

## Passwords

Keep every account's password in the council's password manager. Never send it by e-mail or
chat, and change it when a moderator stops.

## Lost devices

Report a lost or stolen phone, tablet or laptop that can open a council account at once.
"""

STATEMENTS = [
    "I have read the social media policy and I will follow it.",
    "I will never share an account's password by e-mail or chat.",
    "I will report a lost or stolen device at once.",
]


def policy_owner_of() -> User:
    """The council's Policy owner: the cast's own if the test has one, or a new one."""
    owner = User.objects.filter(groups__name=roles.POLICY_OWNER).first()
    return owner or make_person(
        "owner.helper@council.example", "Pat Owner", groups=(roles.POLICY_OWNER,)
    )


def draft(
    owner: User, *, version: str = "1.0", now: datetime.datetime | None = None, **values: Any
) -> PolicyVersion:
    today = timezone.localdate(now)
    fields: dict[str, Any] = {
        "title": "Social Media Policy",
        "version": version,
        "effective_on": today,
        "review_due_on": today + datetime.timedelta(days=365),
        "text": POLICY_TEXT,
        "statements": list(STATEMENTS),
        **values,
    }
    return version_draft(actor=owner, now=now, **fields)


def add_question(owner: User, version: PolicyVersion) -> None:
    question_save(
        actor=owner,
        version=version,
        text="A colleague's phone with the Facebook app on it is stolen. What do you do first?",
        correct_answer="Report it as a lost device in the portal",
        wrong_answers=["Wait to see if it turns up", "Post on the page that it was stolen"],
        clause="Lost devices",
    )


def publish(
    owner: User | None = None,
    *,
    version: str = "1.0",
    reacknowledge: bool = False,
    questions: bool = False,
    now: datetime.datetime | None = None,
    **values: Any,
) -> PolicyVersion:
    """A published version of the policy (retiring the one before)."""
    owner = owner or policy_owner_of()
    drafted = draft(owner, version=version, now=now, **values)
    if questions:
        add_question(owner, drafted)
    return version_publish(
        actor=owner, version=drafted, requires_reacknowledgement=reacknowledge, now=now
    )


def sign(
    person: User, version: PolicyVersion, *, now: datetime.datetime | None = None
) -> Declaration:
    """The person signs the version properly: every statement, their name, the questions."""
    declaration, _created = declaration_sign(
        person=person,
        version=version,
        ticked=range(len(version.statements)),
        typed_name=person.full_name,
        questions_answered=True,
        now=now,
    )
    return declaration


def holds_declaration(person: User, *, now: datetime.datetime | None = None) -> Declaration:
    """The person signs the published version, published now if there is none yet (what a
    requester under Derby's profile does before sending a request, REQ-2)."""
    version = PolicyVersion.objects.filter(state="published").first() or publish(now=now)
    return sign(person, version, now=now)
