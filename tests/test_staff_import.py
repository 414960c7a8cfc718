from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from governance.models import Event, ServiceArea, StaffImport, User
from governance.services.staff_import import ImportRejected, import_staff

HEADER = (
    "employee_number,email,full_name,job_title,service_area_code,service_area_name,"
    "line_manager_employee_number,leaving_date,head_of_service\n"
)
GOOD = HEADER + (
    "E1,Head@Council.example,Helen Brooks,Head of Leisure,leisure,Leisure and Culture,,,yes\n"
    "E2,manager@council.example,Sam Okafor,Events Manager,leisure,,E1,,no\n"
    "E3,officer@council.example,Riya Patel,Events Officer,leisure,,E2,,\n"
    "E4,tenancy@council.example,Mei Chen,Tenancy Officer,housing,Housing,,,\n"
)


def run(csv_text: str, **kwargs: Any) -> Any:
    return import_staff(data=csv_text.encode(), filename="staff.csv", actor=None, **kwargs)


def problems_of(csv_text: str | bytes) -> list[tuple[int, str]]:
    data = csv_text.encode() if isinstance(csv_text, str) else csv_text
    with pytest.raises(ImportRejected) as caught:
        import_staff(data=data, filename="staff.csv", actor=None)
    return [(problem.line, problem.message) for problem in caught.value.problems]


@pytest.mark.django_db
def test_import_creates_areas_staff_managers_and_heads() -> None:
    report = run(GOOD)

    assert (report.created, report.updated, report.areas_created) == (4, 0, 2)
    officer = User.objects.get(employee_number="E3")
    assert officer.line_manager is not None
    assert officer.line_manager.full_name == "Sam Okafor"
    assert officer.service_area is not None
    assert officer.service_area.name == "Leisure and Culture"
    assert ServiceArea.objects.get(code="leisure").head == User.objects.get(employee_number="E1")
    head = User.objects.get(employee_number="E1")
    assert head.email == "head@council.example"
    assert not head.has_usable_password()
    assert EmailAddress.objects.get(user=head).verified


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing() -> None:
    run(GOOD)
    history_rows = User.history.count()

    report = run(GOOD)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert User.objects.count() == 4
    assert User.history.count() == history_rows
    assert StaffImport.objects.count() == 2


@pytest.mark.django_db
def test_reimport_updates_changed_people_by_employee_number() -> None:
    run(GOOD)
    changed = GOOD.replace("Riya Patel,Events Officer", "Riya Shah,Senior Events Officer").replace(
        "E4,tenancy@council.example,Mei Chen,Tenancy Officer,housing,Housing,,,",
        "E4,mei.chen@council.example,Mei Chen,Tenancy Officer,housing,Housing,E1,,",
    )

    report = run(changed)

    assert (report.created, report.updated, report.unchanged) == (0, 2, 2)
    officer = User.objects.get(employee_number="E3")
    assert officer.full_name == "Riya Shah"
    moved = User.objects.get(employee_number="E4")
    assert moved.email == "mei.chen@council.example"
    assert moved.line_manager == User.objects.get(employee_number="E1")
    assert EmailAddress.objects.get(user=moved).email == "mei.chen@council.example"


@pytest.mark.django_db
def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported() -> None:
    bad = HEADER + (
        "E1,head@council.example,Helen Brooks,Head,leisure,Leisure,,,yes\n"
        ",nobody@council.example,No Number,Officer,leisure,,,,\n"
        "E3,not-an-email,Bad Email,Officer,leisure,,,,\n"
        "E4,head@council.example,Duplicate Email,Officer,leisure,,E1,,\n"
        "E5,five@council.example,Lost Manager,Officer,leisure,,E999,,\n"
        "E6,six@council.example,Bad Date,Officer,leisure,,,31/02/2026,\n"
        "E7,seven@council.example,No Area,Officer,nowhere,,,,\n"
        "E1,again@council.example,Same Number,Officer,leisure,,,,\n"
        "E8,eight@council.example,Own Boss,Officer,leisure,,E8,,\n"
        "E9,nine@council.example,Second Head,Officer,leisure,,,,yes\n"
    )

    problems = problems_of(bad)

    assert problems == [
        (3, "The employee number is missing."),
        (4, "'not-an-email' is not a valid email address."),
        (5, "The email address head@council.example is also on line 2."),
        (6, "The line manager's employee number E999 is not in the file or the portal."),
        (
            7,
            "The leaving date '31/02/2026' is not a real date. Write it as 2026-03-31 or "
            "31/03/2026.",
        ),
        (
            8,
            "Service area 'nowhere' is new, so the service_area_name column must give its name.",
        ),
        (9, "Employee number E1 is also on line 2."),
        (10, "A person cannot be their own line manager."),
        (11, "Service area 'leisure' already has its Head of Service on line 2."),
    ]
    assert User.objects.count() == 0
    assert ServiceArea.objects.count() == 0
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_one_bad_row_among_good_ones_imports_nothing() -> None:
    run(GOOD)
    names_before = sorted(User.objects.values_list("full_name", flat=True))
    with_bad_row = GOOD.replace("Riya Patel", "Riya Changed") + (
        "E5,five@council.example,Lost Manager,Officer,leisure,,E404,,\n"
    )

    assert problems_of(with_bad_row) == [
        (6, "The line manager's employee number E404 is not in the file or the portal.")
    ]
    assert sorted(User.objects.values_list("full_name", flat=True)) == names_before


@pytest.mark.django_db
def test_line_managers_going_round_in_a_circle_are_refused() -> None:
    circle = HEADER + (
        "E1,a@council.example,Ann,Officer,leisure,Leisure,E2,,\n"
        "E2,b@council.example,Bob,Officer,leisure,,E3,,\n"
        "E3,c@council.example,Cat,Officer,leisure,,E1,,\n"
    )

    assert problems_of(circle) == [(2, "Line managers go round in a circle: E1 → E2 → E3 → E1.")]


@pytest.mark.django_db
def test_email_already_used_by_another_person_in_the_portal_is_refused() -> None:
    run(GOOD)
    clash = HEADER + "E9,officer@council.example,Someone Else,Officer,leisure,,,,\n"

    assert problems_of(clash) == [
        (
            2,
            "The email address officer@council.example already belongs to employee number E3 "
            "in the portal.",
        )
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xff\xfe\x00b\x00a\x00d", "The file is not UTF-8 text."),
        (HEADER.encode(), "The file has a header line but no staff."),
        (b"name,mail\nAnn,a@x.example\n", "The first line must name the columns."),
        (
            (HEADER + "E1,a@council.example,Ann,Officer,leisure,Leisure,,,,extra,\n").encode(),
            "This line has 11 values but the first line names 9 columns.",
        ),
    ],
)
@pytest.mark.django_db
def test_malformed_files_get_a_plain_message(data: bytes, message: str) -> None:
    problems = problems_of(data)

    assert len(problems) == 1
    assert problems[0][1].startswith(message)


@pytest.mark.django_db
def test_excel_utf8_with_bom_and_uk_dates_are_read() -> None:
    text = HEADER + "E1,ann@council.example,Ann Évora,Officer,leisure,Leisure,,01/04/2099,\n"

    run("\ufeff" + text)

    person = User.objects.get(employee_number="E1")
    assert person.full_name == "Ann Évora"
    assert person.leaving_date == datetime.date(2099, 4, 1)


@pytest.mark.django_db
def test_a_leaving_date_that_has_come_records_a_leaver_once() -> None:
    run(GOOD)
    leaving = GOOD.replace(
        "E3,officer@council.example,Riya Patel,Events Officer,leisure,,E2,,",
        "E3,officer@council.example,Riya Patel,Events Officer,leisure,,E2,2026-03-31,",
    )

    with time_machine.travel(datetime.datetime(2026, 4, 1, 9, tzinfo=datetime.UTC)):
        report = run(leaving)
        again = run(leaving)

    assert (report.leavers, again.leavers) == (1, 0)
    officer = User.objects.get(employee_number="E3")
    assert officer.leaver_recorded_at is not None
    assert officer.has_left
    assert Event.objects.filter(action="staff.left").count() == 1


@pytest.mark.django_db
def test_a_future_leaving_date_is_recorded_when_it_comes() -> None:
    from governance.services.leavers import record_due_leavers

    future = GOOD.replace(",E2,,", ",E2,2026-06-30,")
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC)):
        assert run(future).leavers == 0
        assert record_due_leavers() == 0
    with time_machine.travel(datetime.datetime(2026, 6, 30, 9, tzinfo=datetime.UTC)):
        assert record_due_leavers() == 1
        assert record_due_leavers() == 0

    assert Event.objects.filter(action="staff.left").get().summary == (
        "Riya Patel left on 30 June 2026"
    )


@pytest.mark.django_db
def test_complete_feed_records_people_missing_from_it_as_leavers() -> None:
    run(GOOD)
    without_mei = "\n".join(line for line in GOOD.splitlines() if "E4," not in line) + "\n"

    report = run(without_mei, complete_feed=True)

    assert report.leavers == 1
    mei = User.objects.get(employee_number="E4")
    assert mei.leaving_date is not None
    assert mei.leaver_recorded_at is not None


@pytest.mark.django_db
def test_import_command_reports_bad_rows_and_fails(tmp_path: Any) -> None:
    path = tmp_path / "hr.csv"
    path.write_text(HEADER + "E1,bad,Ann,Officer,leisure,Leisure,,,\n")
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command("import_staff", str(path), stderr=err)

    assert "hr.csv, line 2: 'bad' is not a valid email address." in err.getvalue()


@pytest.mark.django_db
def test_import_command_prints_what_it_did(tmp_path: Any) -> None:
    path = tmp_path / "hr.csv"
    path.write_text(GOOD)
    out = io.StringIO()

    call_command("import_staff", str(path), stdout=out)

    assert "Imported 4 staff from hr.csv: 4 new, 0 changed, 0 unchanged" in out.getvalue()


def test_import_command_says_when_the_file_is_missing(tmp_path: Any) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_staff", str(tmp_path / "missing.csv"))


@pytest.mark.django_db
def test_administrator_uploads_a_file_and_sees_what_happened(
    administrator: User, client_for: Any
) -> None:
    client = client_for(administrator)

    response = client.post(
        "/organisation/import/",
        {"file": SimpleUploadedFile("staff.csv", GOOD.encode(), content_type="text/csv")},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "The staff list was imported." in page
    assert '<dd class="govuk-summary-list__value">4</dd>' in page
    record = StaffImport.objects.get()
    assert record.imported_by == administrator
    assert Event.objects.get(action="staff.imported").actor == administrator


@pytest.mark.django_db
def test_upload_with_bad_rows_shows_each_problem_and_imports_nothing(
    administrator: User, client_for: Any
) -> None:
    bad = (
        HEADER
        + "E1,a@council.example,Ann,Officer,leisure,Leisure,,,\nE2,,Bob,Officer,leisure,,,,\n"
    )

    response = client_for(administrator).post(
        "/organisation/import/",
        {"file": SimpleUploadedFile("staff.csv", bad.encode(), content_type="text/csv")},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported: the file has 1 problem" in page
    assert "The email address is missing." in page
    assert User.objects.filter(employee_number="E1").count() == 0


@pytest.mark.django_db
def test_upload_of_something_that_is_not_csv_is_refused_on_the_page(
    administrator: User, client_for: Any
) -> None:
    response = client_for(administrator).post(
        "/organisation/import/",
        {"file": SimpleUploadedFile("staff.xlsx", b"PK\x03\x04", content_type="application/zip")},
    )

    assert response.status_code == 200
    assert "The selected file must be a CSV file" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


@pytest.mark.django_db
def test_upload_without_a_file_asks_for_one(administrator: User, client_for: Any) -> None:
    response = client_for(administrator).post("/organisation/import/", {})

    assert "Select the CSV file to import" in response.content.decode()


@pytest.mark.django_db
def test_people_listed_before_their_manager_are_saved_once_with_their_manager() -> None:
    reports_first = HEADER + (
        "E3,officer@council.example,Riya Patel,Officer,leisure,Leisure,E2,,\n"
        "E2,manager@council.example,Sam Okafor,Manager,leisure,,E1,,\n"
        "E1,head@council.example,Helen Brooks,Head,leisure,,,,yes\n"
    )

    run(reports_first)

    officer = User.objects.get(employee_number="E3")
    assert officer.line_manager == User.objects.get(employee_number="E2")
    assert officer.history.count() == 1


@pytest.mark.django_db
def test_values_too_long_for_the_database_or_with_control_characters_are_reported() -> None:
    long_email = "a" * 250 + "@council.example"
    bad = HEADER + (
        f"E1,{long_email},Ann,Officer,leisure,Leisure,,,\n"
        f"E2,b@council.example,Bob,Officer,{'x' * 41},Area,,,\n"
        "E3,c@council.example,Cat\x00,Officer,leisure,,,,\n"
        f"E4,d@council.example,Dee,{'Chief ' * 40},leisure,,,,\n"
    )

    problems = problems_of(bad)

    assert (2, "The email is longer than 254 characters.") in problems
    assert (3, "The service area code is longer than 40 characters.") in problems
    assert (4, "This line contains a control character. Remove it and save the file again.") in (
        problems
    )
    assert (5, "The job title is longer than 200 characters.") in problems
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_a_feed_too_big_to_upload_is_sent_to_the_command() -> None:
    rows = "".join(
        f"E{n},p{n}@council.example,P {n},Officer,leisure,Leisure,,,\n" for n in range(4)
    )

    with pytest.raises(ImportRejected) as caught:
        import_staff(data=(HEADER + rows).encode(), filename="hr.csv", actor=None, max_rows=3)

    assert caught.value.problems[0].message == (
        "The file has more than 3 staff. Import it with the import_staff command, or split it."
    )
