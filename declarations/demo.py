"""The demo council's social media policy and its moderators' declarations (seed_demo).

Version 1.0 was published before the old register was loaded into the portal and was retired
by 2.0 about five months ago (2.0 added a section on lost or stolen devices and did not ask
everyone to sign again). Most moderators signed months ago; Riya Patel's declaration lapses
within a week, so her reminders and the 'due' state show; Marcus Bell's lapsed nine days ago,
which is why the moderators' demo suspended him and why his new assignment awaits his
signature.

Two seeders, because a declaration signed before someone was recorded as a moderator must
exist when moderation's demo records them (it then records no paper declaration for them):
the first runs before moderation's (order 20), the rest after it and before the requests
(order 30), whose requesters must hold a current declaration under the Derby profile (REQ-2).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from declarations.models import Declaration, PolicyVersion
from declarations.selectors import current_at, people_who_must_sign
from declarations.services.reminders import declarations_lapse, declarations_remind
from declarations.services.signing import declaration_sign
from declarations.services.versions import question_save, version_draft, version_publish
from governance import seeding
from governance.formatting import add_months
from governance.models import User
from governance.services.profile import profile_get

DOMAIN = "demo.council.example"
TITLE = "Social Media Policy"

PURPOSE = """## 1. Purpose

Demo Borough Council uses social media to tell residents what it is doing, to answer their
questions and to warn them quickly when something goes wrong. This policy sets out how the
council's official accounts are opened, who may post on them, how access to them is kept safe
and what happens when things go wrong. It protects residents, the council's good name and the
staff who post in its name.

## 2. Who this policy applies to

It applies to every employee, agency worker, contractor and volunteer who posts on, moderates
or manages an official council account on any platform, including Facebook, X, Instagram,
LinkedIn, YouTube and TikTok, and to the line managers and Heads of Service of those people.

Your personal accounts are your own, but the council's Code of Conduct still applies to what
you post there. Do not present a personal opinion as the council's view, and never share
anything you know only because of your job.

## 3. Opening an official account

Nobody may open an account that speaks for the council without approval. Ask for one through
the Social Media Governance Portal, saying who the account is for, what it will post, how
often, and who will answer comments in the evenings and at weekends. Your line manager, your
Head of Service and Communications each approve the request in turn.

Communications keeps the register of every official account. An account found outside the
register is either brought into it or closed.
"""

PASSWORDS = """## 4. Moderators and passwords

Every official account has at least two moderators, so that it is never left unattended.
Before you moderate an account you sign the declaration below. You sign it
again every year, and whenever the council decides that a change to the policy needs it.
Until you have signed, you cannot post.

- Register the account with a council e-mail address, never a personal one.
- Keep the password in the council's password manager. Never write it down, e-mail it or send
  it in a message, not even to a colleague.
- Turn on two-step verification wherever the platform offers it.
- Do not use the account's password for anything else.
- When a moderator leaves the team or the council, Communications removes their access or
  changes the shared password the same day.
"""

PASSWORDS_1 = PASSWORDS.replace(
    "changes the shared password the same day.\n",
    "changes the shared password the same day.\n"
    "- If a device that can open an account is lost, tell Communications within one working "
    "day.\n",
)

DEVICES = """## 5. Lost or stolen devices

If a phone, tablet or laptop that can open an official account is lost or stolen, report it in
the portal straight away, before you do anything else, even in the evening or at a weekend.
Communications will sign the device out of the account and change the password. If you can,
also ask ICT to wipe the device remotely. Do not wait to see whether it turns up.
"""

POSTING = """## {n}. What you may post

Post only what you would be happy to see on the front page of the local paper. Everything you
post must be accurate, polite, in plain English and true to the council's values.

- Do not post anything party political{election}.
- Do not endorse a business or a product unless your Head of Service has agreed.
- Use only photographs, video and music the council has the right to use, and get written
  consent before posting an image of a child.
- Never post personal information about residents or colleagues.
- Do not follow or share accounts that have nothing to do with council business.

## {m}. Mistakes and incidents

Mistakes happen. If something is posted by mistake, or information is shared that should not
have been, take it down, tell your line manager and Communications at once, and record what
happened. A data breach must also be reported to the Information Governance team the same
day. Do not try to hide an error: a post deleted without telling anyone is harder to put right.
"""

ABUSE = """## {n}. Abuse from the public

Residents may criticise the council, and fair criticism is answered politely or left alone.
You may hide or delete a comment that is abusive, threatening, discriminatory or spam, or that
gives away someone's personal details. Keep a screenshot of anything you remove. If a comment
threatens anyone's safety, tell your line manager and, where needed, the police.{blocking}
"""

ENDING = """## {n}. Breaches and the disciplinary procedure

Breaking this policy may lead to your access being removed and to action under the council's
disciplinary procedure. A serious breach, such as disclosing confidential information or
posting offensive material, may be treated as gross misconduct and, where the law has been
broken, reported to the police.

## {m}. Review

The Policy owner reviews this policy at least once a year, and sooner if the law, the
platforms or the council's needs change. Every version is kept in the portal, with the day it
took effect and what changed from the one before.
"""


def _unwrapped(text: str) -> str:
    """One line per paragraph and per list item, as a Policy owner types them into the text box
    (wrapped above to fit the page), so that the difference between versions shows whole
    paragraphs."""
    lines: list[str] = []
    for line in text.splitlines():
        if lines and lines[-1] and line.strip() and not line.startswith(("#", "- ")):
            lines[-1] += " " + line.strip()
        else:
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"


TEXT_1 = _unwrapped(
    "\n".join(
        [
            PURPOSE,
            PASSWORDS_1,
            POSTING.format(n=5, m=6, election=""),
            ABUSE.format(n=7, blocking=""),
            ENDING.format(n=8, m=9),
        ]
    )
)
TEXT_2 = _unwrapped(
    "\n".join(
        [
            PURPOSE,
            PASSWORDS,
            DEVICES,
            POSTING.format(n=6, m=7, election=", least of all before an election"),
            ABUSE.format(
                n=8,
                blocking=" You may block someone who keeps on abusing the account once you have "
                "agreed it with Communications.",
            ),
            ENDING.format(n=9, m=10),
        ]
    )
)

STATEMENTS_1 = [
    "I have read and understood the council's social media policy.",
    "I will keep the passwords of the accounts I moderate safe and will not share them.",
    "I will post only accurate, polite content that is not party political.",
    "I understand that breaking the policy may lead to my access being removed and to "
    "disciplinary action.",
]
STATEMENTS_2 = [
    "I have read and understood the council's social media policy.",
    "I will keep the passwords of the accounts I moderate in the council's password manager "
    "and will never share them.",
    "I will report a lost or stolen device that can open a council account in the portal "
    "straight away.",
    "I will post only accurate, polite content that is not party political and that the "
    "council has the right to publish.",
    "I understand that breaking the policy may lead to my access being removed and to "
    "disciplinary action.",
]

PASSWORD_QUESTION: dict[str, Any] = {
    "text": "Where do you keep the password of an account you moderate?",
    "correct_answer": "In the council's password manager",
    "wrong_answers": [
        "In a note on my phone",
        "In an e-mail to myself",
        "On a sticky note by my desk",
    ],
}
ADDRESS_QUESTION: dict[str, Any] = {
    "text": "A resident's comment gives another person's home address. What do you do?",
    "correct_answer": "Hide or delete it, and keep a screenshot",
    "wrong_answers": [
        "Leave it: residents may criticise the council",
        "Reply asking them to take it down, and leave it up until they do",
    ],
}
STOLEN_QUESTION: dict[str, Any] = {
    "text": "A colleague's phone with the Facebook app on it is stolen. What do you do first?",
    "correct_answer": "Report it in the portal straight away, so that Communications can sign "
    "it out and change the password",
    "wrong_answers": [
        "Wait a day or two to see whether the phone turns up",
        "Post on the account to warn followers",
        "Carry on: the phone has a screen lock",
    ],
}

# Who signed which version, how many days ago, after the old register was loaded (about 320
# days ago; Demo Parks 290, the corporate account 40). Owen and Grace signed 2.0 as well.
SIGNED = [
    ("tom.fletcher", "1.0", 316),
    ("grace.hughes", "1.0", 315),
    ("owen.price", "1.0", 314),
    ("kwame.mensah", "1.0", 312),
    ("kieran.doyle", "1.0", 310),
    ("ellie.ward", "1.0", 300),
    ("rory.campbell", "1.0", 298),
    ("hr", "1.0", 296),
    ("fiona.baker", "1.0", 288),
    ("owen.price", "2.0", 120),
    ("grace.hughes", "2.0", 100),
    ("comms", "2.0", 38),
    ("priya.shah", "2.0", 37),
]
DUE = "requester"  # lapses in five days
LAPSED = "marcus.bell"  # lapsed nine days ago


def _person(local: str) -> User:
    return User.objects.get(email=f"{local}@{DOMAIN}")


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _sign(local: str, version: PolicyVersion, now: datetime.datetime) -> None:
    person = _person(local)
    declaration_sign(
        person=person,
        version=version,
        ticked=range(len(version.statements)),
        typed_name=person.full_name,
        questions_answered=True,
        now=now,
    )


def _signed_to_lapse_on(day: datetime.date) -> datetime.datetime:
    """The moment a declaration was signed that lapses on ``day`` under the profile."""
    signed_on = add_months(day, -profile_get().declaration_interval_months)
    moment = datetime.datetime.combine(signed_on, datetime.time(10, 30))
    return timezone.make_aware(moment)


def _publish(
    owner: User,
    number: str,
    text: str,
    statements: list[str],
    questions: list[tuple[dict[str, Any], str]],
    *,
    days_ago: int,
) -> PolicyVersion:
    effective = timezone.localdate(_ago(days_ago))
    version = version_draft(
        actor=owner,
        now=_ago(days_ago + 10),
        title=TITLE,
        version=number,
        effective_on=effective,
        review_due_on=add_months(effective, 12),
        text=text,
        statements=statements,
    )
    for question, clause in questions:
        question_save(actor=owner, version=version, clause=clause, **question)
    return version_publish(
        actor=owner, version=version, requires_reacknowledgement=False, now=_ago(days_ago)
    )


@seeding.register(order=15)
def seed_policy() -> list[str]:
    """Version 1.0, and the two declarations signed before their signers were recorded as
    moderators."""
    if PolicyVersion.objects.filter(version="1.0").exists():
        return ["Demo policy: already there."]
    first = _publish(
        _person("policy"),
        "1.0",
        TEXT_1,
        STATEMENTS_1,
        [
            (PASSWORD_QUESTION, "4. Moderators and passwords"),
            (ADDRESS_QUESTION, "7. Abuse from the public"),
        ],
        days_ago=400,
    )
    today = timezone.localdate()
    if not people_who_must_sign().filter(email=f"{LAPSED}@{DOMAIN}").exists():
        # In a council seeded before declarations he is already suspended: signing now, even
        # in the past, would restore him. His paper declaration lapses instead.
        _sign(LAPSED, first, _signed_to_lapse_on(today - datetime.timedelta(days=9)))
    _sign(DUE, first, _signed_to_lapse_on(today + datetime.timedelta(days=25)))
    return ["Demo policy: version 1.0 published."]


@seeding.register(order=25)
def seed_declarations() -> list[str]:
    """Version 2.0, the moderators' declarations, their reminders and Marcus Bell's lapse."""
    if PolicyVersion.objects.filter(version="2.0").exists():
        return ["Demo declarations: already there."]
    first = PolicyVersion.objects.get(version="1.0")
    for local, number, days in SIGNED:
        if number == "1.0":
            _sign(local, first, _ago(days))
    second = _publish(
        _person("policy"),
        "2.0",
        TEXT_2,
        STATEMENTS_2,
        [
            (STOLEN_QUESTION, "5. Lost or stolen devices"),
            (PASSWORD_QUESTION, "4. Moderators and passwords"),
            (ADDRESS_QUESTION, "8. Abuse from the public"),
        ],
        days_ago=150,
    )
    for local, number, days in SIGNED:
        if number == "2.0":
            _sign(local, second, _ago(days))
    # The morning jobs as they ran: reminders before each lapse, then Marcus Bell's lapse.
    for days in (25, 16, 10):
        declarations_remind(now=_ago(days))
    declarations_lapse(now=_ago(9))
    declarations_remind(now=_ago(2))
    moderators = people_who_must_sign()
    current = moderators.filter(pk__in=Declaration.objects.filter(current_at()).values("person"))
    return [
        f"Demo declarations: version 2.0 published; {current.count()} of {moderators.count()} "
        f"moderators hold a current declaration, {_person(DUE).full_name}'s is due and "
        f"{_person(LAPSED).full_name}'s lapsed."
    ]
