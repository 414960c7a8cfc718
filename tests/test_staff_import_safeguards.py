"""No staff import may leave the portal without somebody able to sign in as an administrator,
in Communications or in HR: nobody could then take the role on, or put the import right."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from governance import roles
from governance.models import Event, StaffImport, User
from governance.services.staff_import import ImportRejected, import_staff
from tests.conftest import TOTP_SECRET

HEADER = (
    "employee_number,email,full_name,job_title,service_area_code,service_area_name,"
    "line_manager_employee_number,leaving_date\n"
)
PEOPLE = {
    "A1": "Alex Morgan",
    "C1": "Chris Evans",
    "H1": "Harriet Lane",
    "O1": "Owen Price",
    "A2": "Ann Baker",
    "C2": "Cara Dunn",
    "H2": "Hugh Ellis",
}
ROLE_OF = {"A": "administrator", "C": roles.COMMUNICATIONS, "H": roles.HR}
# (the role, the employee number of its only holder in the council, how the refusal says it)
LAST_HOLDERS = [
    pytest.param("A1", "no administrator", "Alex Morgan", id="administrator"),
    pytest.param("C1", f"nobody in {roles.COMMUNICATIONS}", "Chris Evans", id="communications"),
    pytest.param("H1", f"nobody in {roles.HR}", "Harriet Lane", id="hr"),
]
# Enough other staff that leaving out a few needs no confirmation of their number.
OTHERS = [f"E{n}" for n in range(1, 31)]


def line(number: str, *, leaving: str = "") -> str:
    name = PEOPLE.get(number, f"Person {number}")
    return f"{number},{number.lower()}@council.example,{name},Officer,leisure,Leisure,,{leaving}\n"


def feed(*numbers: str, new: bool = True) -> str:
    """The staff file with these people, and somebody new (whose creation must be undone)."""
    return HEADER + "".join(line(number) for number in numbers) + (line("N1") if new else "")


def council(*numbers: str) -> dict[str, User]:
    """These people imported from the HR feed, holding the role their number's letter names."""
    import_staff(data=feed(*numbers, *OTHERS, new=False).encode(), filename="hr.csv", actor=None)
    people = {person.employee_number: person for person in User.objects.all()}
    for number in numbers:
        role = ROLE_OF.get(number[0])
        person = people[number]
        if role == "administrator":
            person.is_superuser = person.is_staff = True
            person.save(update_fields=["is_superuser", "is_staff"])
        elif role is not None:
            person.groups.add(Group.objects.get_or_create(name=role)[0])
        if role is not None:
            TOTP.activate(person, TOTP_SECRET)  # or every page sends them to set one up
    return {number: people[number] for number in numbers}


def refusal(nobody: str, name: str) -> str:
    return (
        f"This feed would leave {nobody} able to sign in: {name} is not in it. "
        "Add them to the feed, or give someone else the role first."
    )


def assert_nothing_saved(left_out: str) -> None:
    assert StaffImport.objects.count() == 1  # the council's own import
    person = User.objects.get(employee_number=left_out)
    assert (person.leaving_date, person.leaver_recorded_at) == (None, None)
    assert not User.objects.filter(employee_number="N1").exists()
    assert not Event.objects.filter(action="staff.left").exists()


def upload(client: Any, csv_text: str, *, complete_feed: bool = True) -> Any:
    data: dict[str, Any] = {
        "file": SimpleUploadedFile("hr.csv", csv_text.encode(), content_type="text/csv")
    }
    if complete_feed:
        data["complete_feed"] = "on"
    return client.post("/organisation/import/", data)


@pytest.mark.django_db
@pytest.mark.parametrize(("last", "nobody", "name"), LAST_HOLDERS)
def test_a_complete_feed_leaving_out_the_last_holder_of_a_role_is_refused_on_the_page(
    last: str, nobody: str, name: str, client_for: Any
) -> None:
    people = council("A1", "C1", "H1", "O1")
    kept = [number for number in ("A1", "C1", "H1", "O1") if number != last]

    response = upload(client_for(people["A1"]), feed(*kept, *OTHERS))

    page = response.content.decode()
    assert "Nothing was imported: the file has 1 problem" in page
    assert refusal(nobody, name) in page
    assert_nothing_saved(last)


@pytest.mark.django_db
@pytest.mark.parametrize(("last", "nobody", "name"), LAST_HOLDERS)
def test_a_complete_feed_leaving_out_the_last_holder_of_a_role_is_refused_by_the_command(
    last: str, nobody: str, name: str, tmp_path: Any
) -> None:
    council("A1", "C1", "H1", "O1")
    kept = [number for number in ("A1", "C1", "H1", "O1") if number != last]
    path = tmp_path / "hr.csv"
    path.write_text(feed(*kept, *OTHERS))
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command("import_staff", str(path), "--complete-feed", stderr=err)

    assert f"hr.csv, file: {refusal(nobody, name)}" in err.getvalue()
    assert_nothing_saved(last)


@pytest.mark.django_db
@pytest.mark.parametrize(("last", "nobody", "name"), LAST_HOLDERS)
@time_machine.travel("2026-03-02 10:00Z", tick=False)
def test_a_partial_file_giving_the_last_holder_of_a_role_a_leaving_date_is_refused(
    last: str, nobody: str, name: str
) -> None:
    council("A1", "C1", "H1", "O1")
    csv_text = HEADER + line(last, leaving="02/03/2026") + line("N1")

    with pytest.raises(ImportRejected) as caught:
        import_staff(data=csv_text.encode(), filename="hr.csv", actor=None)

    assert [problem.message for problem in caught.value.problems] == [
        f"This feed would leave {nobody} able to sign in: it gives {name} the leaving date "
        "2 March 2026 (line 2). Correct the leaving date, or give someone else the role first."
    ]
    assert_nothing_saved(last)


@pytest.mark.django_db
def test_a_partial_file_is_refused_by_the_command_too(tmp_path: Any) -> None:
    council("A1", "C1", "H1", "O1")
    path = tmp_path / "hr.csv"
    path.write_text(HEADER + line("H1", leaving="2020-01-31"))
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_staff", str(path), stderr=err)

    assert "would leave nobody in HR able to sign in: it gives Harriet Lane" in err.getvalue()
    assert_nothing_saved("H1")


@pytest.mark.django_db
def test_every_role_left_with_nobody_is_named() -> None:
    council("A1", "C1", "H1", "O1")

    with pytest.raises(ImportRejected) as caught:
        import_staff(
            data=feed("O1", *OTHERS).encode(), filename="hr.csv", actor=None, complete_feed=True
        )

    assert [problem.message for problem in caught.value.problems] == [
        refusal("no administrator", "Alex Morgan"),
        refusal("nobody in Communications", "Chris Evans"),
        refusal("nobody in HR", "Harriet Lane"),
    ]


@pytest.mark.django_db
def test_the_refusal_comes_before_any_question_about_many_leavers(tmp_path: Any) -> None:
    council("A1", "C1", "H1", "O1")
    path = tmp_path / "hr.csv"
    path.write_text(feed("A1", "H1", "O1"))  # 31 leave, Chris Evans among them
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command(
            "import_staff", str(path), "--complete-feed", "--confirm-leavers", "31", stderr=err
        )

    assert refusal("nobody in Communications", "Chris Evans") in err.getvalue()
    assert_nothing_saved("C1")


@pytest.mark.django_db
def test_a_complete_feed_keeping_one_of_each_role_goes_through_on_the_page(
    client_for: Any,
) -> None:
    people = council("A1", "C1", "H1", "O1", "A2", "C2", "H2")

    response = upload(client_for(people["A1"]), feed("A1", "C1", "H1", "O1", *OTHERS))

    assert response.url == f"/organisation/imports/{StaffImport.objects.latest('pk').pk}/"
    record = StaffImport.objects.latest("pk")
    assert (record.leavers, record.created) == (3, 1)
    left = User.objects.filter(leaver_recorded_at__isnull=False).order_by("employee_number")
    assert list(left.values_list("employee_number", flat=True)) == ["A2", "C2", "H2"]


@pytest.mark.django_db
def test_a_complete_feed_keeping_one_of_each_role_goes_through_by_the_command(
    tmp_path: Any,
) -> None:
    council("A1", "C1", "H1", "O1", "A2", "C2", "H2")
    path = tmp_path / "hr.csv"
    path.write_text(feed("A2", "C2", "H2", "O1", *OTHERS))
    out = io.StringIO()

    call_command("import_staff", str(path), "--complete-feed", stdout=out)

    assert "3 recorded as leavers" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("why", ["inactive", "left"])
def test_a_holder_who_cannot_sign_in_does_not_keep_the_role(why: str) -> None:
    people = council("A1", "C1", "C2", "H1", "O1")
    other = people["C2"]
    if why == "inactive":
        other.is_active = False
    else:
        other.leaving_date = datetime.date(2020, 1, 31)
    other.save()

    with pytest.raises(ImportRejected) as caught:
        import_staff(
            data=feed("A1", "C2", "H1", "O1", *OTHERS).encode(),
            filename="hr.csv",
            actor=None,
            complete_feed=True,
        )

    assert caught.value.problems[0].message.startswith(
        "This feed would leave nobody in Communications able to sign in: Chris Evans is not in it."
    )


@pytest.mark.django_db
def test_an_administrator_without_an_employee_number_is_never_left_out_by_a_feed() -> None:
    council("A1", "C1", "H1", "O1")
    User.objects.create_superuser("first-admin@council.example", "pw", full_name="First Admin")

    report = import_staff(
        data=feed("C1", "H1", "O1", *OTHERS).encode(),
        filename="hr.csv",
        actor=None,
        complete_feed=True,
    )

    assert report.leavers == 1
    assert User.objects.get(employee_number="A1").leaver_recorded_at is not None


@pytest.mark.django_db
def test_a_role_that_nobody_holds_yet_does_not_stop_an_import() -> None:
    council("A1", "H1", "O1")  # nobody in Communications yet

    report = import_staff(
        data=feed("A1", "H1", *OTHERS).encode(),
        filename="hr.csv",
        actor=None,
        complete_feed=True,
    )

    assert (report.created, report.leavers) == (1, 1)


@pytest.mark.django_db
@time_machine.travel("2026-03-02 10:00Z", tick=False)
def test_a_leaving_date_still_to_come_does_not_stop_an_import() -> None:
    council("A1", "C1", "H1", "O1")

    report = import_staff(
        data=(HEADER + line("C1", leaving="2026-03-03")).encode(), filename="hr.csv", actor=None
    )

    assert (report.updated, report.leavers) == (1, 0)
