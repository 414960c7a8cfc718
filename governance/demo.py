"""The demo council: service areas, 40 staff and one login per role (README lists them).

Staff go in through the same CSV import as a real council's HR feed, so seeding twice changes
nothing, and leaves nothing in the audit trail: no history rows, imports or events.
"""

from __future__ import annotations

import csv
import io

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group

from governance import roles
from governance.models import User
from governance.services.staff_import import import_staff

DOMAIN = "demo.council.example"

AREAS = {
    "comms": "Communications and Marketing",
    "leisure": "Leisure and Culture",
    "environment": "Environment and Waste",
    "housing": "Housing",
    "people": "People and Legal Services",
    "finance": "Finance and Audit",
}

# employee number, login name (None: no demo login of its own), full name, job title, area,
# line manager's employee number, heads the area
STAFF: list[tuple[str, str | None, str, str, str, str, bool]] = [
    ("D0001", None, "Margaret Osei", "Chief Executive", "people", "", False),
    ("D0002", "head", "Helen Brooks", "Head of Leisure and Culture", "leisure", "D0001", True),
    ("D0003", "manager", "Sam Okafor", "Events Manager", "leisure", "D0002", False),
    ("D0004", "requester", "Riya Patel", "Events Officer", "leisure", "D0003", False),
    ("D0005", None, "Tom Fletcher", "Events Officer", "leisure", "D0003", False),
    ("D0006", None, "Grace Hughes", "Libraries Officer", "leisure", "D0003", False),
    ("D0007", None, "Owen Price", "Museums Officer", "leisure", "D0002", False),
    ("D0008", None, "Nadia Rahman", "Sports Development Officer", "leisure", "D0002", False),
    ("D0009", None, "Jonah Clarke", "Head of Communications", "comms", "D0001", True),
    ("D0010", "comms", "Chris Evans", "Digital Communications Officer", "comms", "D0009", False),
    ("D0011", None, "Priya Shah", "Digital Communications Officer", "comms", "D0009", False),
    ("D0012", None, "Ben Walsh", "Press Officer", "comms", "D0009", False),
    ("D0013", None, "Lucy Martin", "Graphic Designer", "comms", "D0009", False),
    ("D0014", None, "Ian Thomas", "Head of Environment and Waste", "environment", "D0001", True),
    ("D0015", None, "Zara Ahmed", "Waste Services Manager", "environment", "D0014", False),
    ("D0016", None, "Kieran Doyle", "Recycling Officer", "environment", "D0015", False),
    ("D0017", None, "Fiona Baker", "Parks Officer", "environment", "D0015", False),
    ("D0018", None, "Marcus Bell", "Street Scene Officer", "environment", "D0015", False),
    ("D0019", None, "Sophie Turner", "Climate Officer", "environment", "D0014", False),
    ("D0020", None, "Adebayo Adeyemi", "Head of Housing", "housing", "D0001", True),
    ("D0021", None, "Ellie Ward", "Housing Options Manager", "housing", "D0020", False),
    ("D0022", None, "Rory Campbell", "Tenancy Officer", "housing", "D0021", False),
    ("D0023", None, "Mei Chen", "Tenancy Officer", "housing", "D0021", False),
    ("D0024", None, "Daniel Moss", "Homelessness Officer", "housing", "D0021", False),
    ("D0025", None, "Amira Haddad", "Head of People and Legal Services", "people", "D0001", True),
    ("D0026", "hr", "Harriet Lane", "HR Business Partner", "people", "D0025", False),
    ("D0027", None, "Kwame Mensah", "HR Adviser", "people", "D0026", False),
    ("D0028", "legal", "Leah Grant", "Solicitor", "people", "D0025", False),
    ("D0029", None, "Victor Novak", "Paralegal", "people", "D0028", False),
    ("D0030", "policy", "Paul Nkemelu", "ICT Policy Manager", "people", "D0025", False),
    ("D0031", None, "Hannah Cole", "Head of Finance and Audit", "finance", "D0001", True),
    ("D0032", "auditor", "Aled Rees", "Internal Auditor", "finance", "D0031", False),
    ("D0033", None, "Joanna Kaur", "Accountant", "finance", "D0031", False),
    ("D0034", None, "Liam Byrne", "Accountant", "finance", "D0031", False),
    ("D0035", "admin", "Alex Morgan", "Systems Administrator", "people", "D0030", False),
    ("D0036", None, "Chloe Edwards", "Events Assistant", "leisure", "D0003", False),
    ("D0037", None, "Ravi Kumar", "Arts Officer", "leisure", "D0002", False),
    ("D0038", None, "Megan Lloyd", "Customer Services Adviser", "housing", "D0021", False),
    (
        "D0039",
        None,
        "Patrick O'Neill",
        "Community Engagement Officer",
        "environment",
        "D0015",
        False,
    ),
    ("D0040", None, "Isla Murray", "Web Content Editor", "comms", "D0009", False),
]

GROUPS_BY_LOGIN = {
    "comms": [roles.COMMUNICATIONS],
    "hr": [roles.HR],
    "policy": [roles.POLICY_OWNER],
    "legal": [roles.LEGAL],
    "auditor": [roles.AUDITOR],
}
# Colleagues who share a role, so that no demo approval ever waits on a single person.
EXTRA_GROUP_MEMBERS = {"D0011": [roles.COMMUNICATIONS], "D0027": [roles.HR]}

LOGINS = ["requester", "manager", "head", "comms", "hr", "policy", "legal", "auditor", "admin"]


def email_for(employee_number: str) -> str:
    for number, login, full_name, *_ in STAFF:
        if number == employee_number:
            local = login or full_name.lower().replace(" ", ".").replace("'", "")
            return f"{local}@{DOMAIN}"
    raise KeyError(employee_number)


def staff_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "employee_number",
            "email",
            "full_name",
            "job_title",
            "service_area_code",
            "service_area_name",
            "line_manager_employee_number",
            "leaving_date",
            "head_of_service",
        ]
    )
    for number, _login, full_name, title, area, manager, is_head in STAFF:
        writer.writerow(
            [
                number,
                email_for(number),
                full_name,
                title,
                area,
                AREAS[area],
                manager,
                "",
                "yes" if is_head else "no",
            ]
        )
    return out.getvalue().encode()


def seed_organisation(*, password: str, totp_secret: str) -> list[User]:
    """Create or refresh the demo council; return the people with a demo login.

    A second run writes nothing: the import leaves no record when nothing changed, and people
    are saved only when their password or admin rights need putting back.
    """
    import_staff(data=staff_csv(), filename="demo-staff.csv", actor=None, record_unchanged=False)
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in roles.GROUPS}
    people = User.objects.in_bulk([number for number, *_ in STAFF], field_name="employee_number")
    # Everybody shares one hash, so checking it once per distinct hash is one check in all, and
    # hashing 40 passwords one by one would take a quarter of a minute.
    matches: dict[str, bool] = {}
    hashed = ""
    logins = []
    for number, login, *_ in STAFF:
        person = people[number]
        changed = []
        if person.password not in matches:
            matches[person.password] = check_password(password, person.password)
        if not matches[person.password]:
            hashed = hashed or make_password(password)
            person.password = hashed
            changed.append("password")
        if login == "admin" and not (person.is_superuser and person.is_staff):
            person.is_superuser = person.is_staff = True
            changed += ["is_superuser", "is_staff"]
        if changed:
            person.save(update_fields=changed)
        names = GROUPS_BY_LOGIN.get(login or "", []) + EXTRA_GROUP_MEMBERS.get(number, [])
        person.groups.add(*(groups[name] for name in names))
        if login is None:
            continue
        logins.append(person)
        has_totp = Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP)
        if roles.requires_mfa(person) and not has_totp.exists():
            TOTP.activate(person, totp_secret)
    return logins


def default_secrets_refused() -> bool:
    """The laptop defaults (password and TOTP secret) must never guard a production portal."""
    return not settings.DEBUG and (
        settings.DEMO_PASSWORD == settings.DEMO_PASSWORD_DEFAULT
        or settings.DEMO_TOTP_SECRET == settings.DEMO_TOTP_SECRET_DEFAULT
    )
