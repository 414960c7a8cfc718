"""Every form in the portal, fed generated input: never a server error, never half saved (issue 12).

The forms are found, not listed: every page of the project is opened as someone allowed to use
it (the permission matrix's cast and objects), and every ``<form>`` on it is read for its fields
and the choices it offers. Hypothesis then fills those fields with answers that are sometimes
right and often not: unicode, control characters, very long text, nothing at all, numbers, dates
with odd parts, choices the page never offered, fields left out and files that are not what they
claim. Each example runs in a transaction that is rolled back, so every submission starts from
the same rows and the row counts before and after can be compared.

What a person would notice:
- no submission gets a server error;
- a refused submission shows the error summary (or a 4xx page) and leaves every table as it was;
- an accepted one is recorded whole: any row it adds or removes comes with its event-log row.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from governance.models import User
from tests import test_permission_matrix as matrix

pytestmark = pytest.mark.django_db

# Per test: the two tests below together feed twice this many.
EXAMPLES = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "500"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no example files left in the working tree or on the CI machine
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# The permission matrix's objects: a sent request, a draft, an account, an incident and so on.
url_arguments = matrix.url_arguments

# Pages whose forms would end the test client's own session or change its sign-in: they are
# driven by tests/test_signin.py and tests/test_resilience_sessions.py instead.
SESSION_PAGES = ("/auth/", "/admin/")
PUBLIC_FORMS = ("/auth/login/", "/auth/password/reset/")
# Tables a request writes whatever it does: the session it re-saves.
IGNORED_TABLES = {"django_session"}


# Reading the forms on a page -------------------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, file, hidden, date-part
    options: list[str] = field(default_factory=list)
    value: str = ""
    multiple: bool = False


@dataclass
class PageForm:
    role: str
    page: str
    action: str
    method: str
    fields: dict[str, FormField] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<{self.method.upper()} {self.action} as {self.role}>"

    @property
    def key(self) -> tuple[str, str, frozenset[str]]:
        return (self.method, self.action, frozenset(self.fields))


class FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, str, dict[str, FormField]]] = []
        self.select: FormField | None = None
        self.textarea: FormField | None = None

    @property
    def current(self) -> dict[str, FormField] | None:
        return self.forms[-1][2] if self.forms else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append((found.get("method", "get").lower(), found.get("action", ""), {}))
            return
        fields = self.current
        if fields is None:
            return
        name = found.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = found.get("type", "text")
            if kind in {"submit", "button"}:
                fields.setdefault(name, FormField(name, "hidden", value=found.get("value", "")))
            elif kind in {"checkbox", "radio"}:
                entry = fields.setdefault(name, FormField(name, kind, multiple=kind == "checkbox"))
                entry.options.append(found.get("value", "on"))
            else:
                fields[name] = FormField(name, kind, value=found.get("value", ""))
        elif tag == "button" and name:
            fields.setdefault(name, FormField(name, "hidden", value=found.get("value", "")))
        elif tag == "select" and name:
            self.select = fields[name] = FormField(name, "select", multiple="multiple" in found)
        elif tag == "option" and self.select is not None:
            self.select.options.append(found.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = fields[name] = FormField(name, "textarea")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.value += data


def forms_on(page: str, html: str, role: str) -> list[PageForm]:
    reader = FormReader()
    reader.feed(html)
    found = []
    for method, action, fields in reader.forms:
        target = urlsplit(action or page).path or page
        if not fields or (target.startswith(SESSION_PAGES) and target not in PUBLIC_FORMS):
            continue
        found.append(PageForm(role, page, target, method, fields))
    return found


def discover(clients: dict[str, Client], arguments: dict[str, str]) -> list[PageForm]:
    """Every form on every page, as the first person allowed to open the page (a resident first,
    on the public pages)."""
    seen: dict[tuple[str, str, frozenset[str]], PageForm] = {}
    for route in matrix.project_routes():
        url = matrix.url_for(route, arguments)
        expected = matrix.MATRIX[route.name]
        allowed = [role for role in matrix.CAST if expected[role] == matrix.OK]
        for role in sorted(allowed, key=lambda role: role != "anonymous")[:1]:
            collect(seen, clients[role], url, role)
    for role, url in second_steps(clients, arguments):
        collect(seen, clients[role], url, role)
    return sorted(seen.values(), key=lambda form: (form.action, form.method, form.role))


def collect(seen: dict[Any, PageForm], client: Client, url: str, role: str) -> None:
    response = client.get(url)
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        for form in forms_on(url, response.content.decode(), role):
            seen.setdefault(form.key, form)


def second_steps(clients: dict[str, Client], arguments: dict[str, str]) -> list[tuple[str, str]]:
    """Forms behind a first step: signing after the questions, a lost device's accounts."""
    policy = arguments["policy"]
    questions = f"/declarations/versions/{policy}/questions/"
    (asked,) = forms_on(questions, clients["colleague"].get(questions).content.decode(), "")
    answers = dict.fromkeys(asked.fields, "Report it as a lost device in the portal")
    answered = clients["colleague"].post(questions, answers)
    assert answered.status_code == 302, "the questions were not answered"
    started = clients["requester"].post(
        "/devices/lost/",
        {
            "device_kind": "phone",
            "loss": "lost",
            "lost_on_0": "1",
            "lost_on_1": "3",
            "lost_on_2": "2026",
        },
    )
    assert started.status_code == 302, "the lost device was not described"
    return [
        ("colleague", f"/declarations/versions/{policy}/sign/"),
        ("requester", "/devices/lost/accounts/"),
    ]


# Generated answers -----------------------------------------------------------------------------

CONTROL = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.sampled_from(
    ["\x7f", "\u200b", "\u202e", "\u2028", "\ufeff", "\x00"]
)
ODD_NUMBERS = st.sampled_from(
    [
        "0",
        "-1",
        "00",
        "31",
        "32",
        "13",
        "29",
        "1e9",
        "NaN",
        "inf",
        "9" * 40,
        "\u0662\u0660\u0662\u0666",
        "\uff12",
        " 7 ",
    ]
)
LONG = st.builds(
    lambda part, times: part * times, st.text(min_size=1, max_size=3), st.integers(1000, 12000)
)

GARBAGE = st.one_of(
    st.just(""),
    st.text(max_size=40),
    st.text(CONTROL, min_size=1, max_size=5),
    LONG,
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    ODD_NUMBERS,
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%s%n"]),
)


def _image() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(out, "PNG")
    return out.getvalue()


PNG = _image()
FILE_BODIES = st.one_of(
    st.just(PNG),
    st.just(b""),
    st.binary(max_size=200),
    st.just(PNG[:30]),
    st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.just(
        b"employee_number,email,full_name,service_area_code,service_area_name\n"
        b"E9,new.starter@council.example,New Starter,leisure,Leisure\n"
    ),
)
FILE_NAMES = st.sampled_from(
    ["screenshot.png", "staff.csv", "x.pdf", "", "a" * 300, "\u202egnp.exe"]
)


def answer(form_field: FormField) -> st.SearchStrategy[Any]:
    """A right answer now and then, and every kind of wrong one."""
    if form_field.kind == "file":
        return st.builds(
            lambda name, body: SimpleUploadedFile(name or "upload", body), FILE_NAMES, FILE_BODIES
        )
    right: list[st.SearchStrategy[Any]] = []
    if form_field.options:
        right.append(st.sampled_from(form_field.options))
        if form_field.multiple:
            right.append(st.lists(st.sampled_from(form_field.options), max_size=4))
    if form_field.value:
        right.append(st.just(form_field.value))
    if form_field.name.endswith(("_0", "_1", "_2")):
        right.append(ODD_NUMBERS | st.integers(1, 2100).map(str))
    return st.one_of(*right, GARBAGE) if right else GARBAGE


@st.composite
def submission(draw: Callable[..., Any], form: PageForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, form_field in sorted(form.fields.items()):
        if draw(st.integers(0, 9)) == 0:
            continue  # a field left out altogether
        data[name] = draw(answer(form_field))
    return data


# Rows --------------------------------------------------------------------------------------------


def counted_tables() -> list[str]:
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return sorted(tables - IGNORED_TABLES)


def row_counts(tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    query = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM {quote(t)}" for t in tables)  # noqa: S608 - table names from the models
    with connection.cursor() as cursor:
        cursor.execute(query)
        return dict(cursor.fetchall())


@pytest.fixture
def clients(cast: dict[str, User | None], colleague: User) -> dict[str, Client]:
    made = {}
    for role, person in {**cast, "colleague": colleague}.items():
        client = Client()
        if person is not None:
            client.force_login(person)
        made[role] = client
    return made


@pytest.fixture
def portal_forms(clients: dict[str, Client], url_arguments: dict[str, str]) -> list[PageForm]:
    found = discover(clients, url_arguments)
    assert len(found) > 30  # the discovery itself found the portal's forms
    return found


@dataclass
class Tally:
    fed: int = 0
    by_outcome: dict[str, int] = field(default_factory=dict)


TALLY = Tally()


@pytest.fixture(scope="module", autouse=True)
def _report_tally() -> Iterator[None]:
    yield
    print(f"\nresilience forms: {TALLY.fed} generated inputs fed, {TALLY.by_outcome}")


def submit(client: Client, form: PageForm, data: dict[str, Any]) -> Any:
    if form.method == "post":
        return client.post(form.action, data)
    flat = {key: value for key, value in data.items() if not isinstance(value, SimpleUploadedFile)}
    return client.get(form.action, flat)


DRAFTS = re.compile(r"^/requests/(new|\d+/edit)/$")
HISTORY_OF_DRAFTS = "accounts_historicalaccountrequest"
# A policy profile change that switches a control off or on is shown, with the clauses it
# loses, before it is saved: a right answer gets that page, saving nothing yet.
CHECKED_FIRST = re.compile(r"^/policy-profile/")
CHECK_PAGE = '<h1 class="govuk-heading-xl">Check what changes</h1>'

# The forms in two halves, so that the two CI workers share them.
REGISTER_AND_REQUESTS = (
    "/auth/", "/compliance/", "/official-accounts/", "/organisation/", "/policy-profile/",
    "/register/", "/requests/",
)  # fmt: skip


def fuzz(data: st.DataObject, clients: dict[str, Client], forms: list[PageForm]) -> None:
    by_name = {repr(form): form for form in forms}
    form = by_name[data.draw(st.sampled_from(sorted(by_name)), label="form")]
    answers = data.draw(submission(form), label="answers")
    tables = counted_tables()
    with transaction.atomic():
        before = row_counts(tables)
        response = submit(clients[form.role], form, answers)
        after = row_counts(tables)
        transaction.set_rollback(True)

    TALLY.fed += 1
    outcome = f"{form.method} {response.status_code}"
    TALLY.by_outcome[outcome] = TALLY.by_outcome.get(outcome, 0) + 1
    assert response.status_code < 500
    changed = {table for table in tables if before[table] != after[table]}
    if DRAFTS.match(form.action) and form.method == "post":
        # A draft keeps the answers that are right while the page shows the others' errors, and
        # a draft is recorded in its history, not the event log (it has not been sent).
        assert all("accountrequest" in table for table in changed), changed
        assert ("accounts_accountrequest" in changed) <= (HISTORY_OF_DRAFTS in changed), changed
    elif response.status_code == 200 and form.method == "post":
        page = response.content.decode()
        checked = CHECKED_FIRST.match(form.action) is not None and CHECK_PAGE in page
        assert checked or "govuk-error-summary" in page, f"{form!r}: 200 with no error summary"
        assert changed == set(), f"{form!r}: a refused form changed {changed}"
    elif response.status_code >= 400:
        assert changed == set(), f"{form!r}: {response.status_code} but changed {changed}"
    elif changed:
        assert "governance_event" in changed, f"{form!r}: {changed} with no event"


@given(data=st.data())
@FUZZ
def test_generated_answers_to_the_register_request_and_public_forms(
    data: st.DataObject, clients: dict[str, Client], portal_forms: list[PageForm]
) -> None:
    fuzz(data, clients, [f for f in portal_forms if f.action.startswith(REGISTER_AND_REQUESTS)])


@given(data=st.data())
@FUZZ
def test_generated_answers_to_the_moderation_declaration_and_hr_forms(
    data: st.DataObject, clients: dict[str, Client], portal_forms: list[PageForm]
) -> None:
    others = [f for f in portal_forms if not f.action.startswith(REGISTER_AND_REQUESTS)]
    fuzz(data, clients, others)
