from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from governance.models import Event, ServiceArea, StaffImport, User
from governance.services.leavers import staff_record_leaver
from governance.services.staff_import import (
    ImportRejected,
    LeaversNeedConfirmation,
    import_staff,
)

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


def staff_rows(numbers: range, *, area: str = "leisure,Leisure") -> str:
    return "".join(
        f"E{n},person{n}@council.example,Person {n:02},Officer,{area},,,\n" for n in numbers
    )


@pytest.mark.django_db
def test_a_partial_file_cannot_close_a_circle_with_a_manager_already_in_the_portal() -> None:
    run(
        HEADER
        + "E2,b@council.example,Bob,Manager,leisure,Leisure,,,\n"
        + "E1,a@council.example,Ann,Officer,leisure,,E2,,\n"
    )
    partial = HEADER + "E2,b@council.example,Bob,Manager,leisure,,E1,,\n"

    assert problems_of(partial) == [
        (
            2,
            "Line managers go round in a circle: E2 → E1 → E2. In the portal, E1's line manager "
            "is E2: give a new line manager in the same file, or correct this line.",
        )
    ]
    assert User.objects.get(employee_number="E2").line_manager is None


@pytest.mark.django_db
def test_a_file_that_also_moves_the_stored_report_is_not_a_circle() -> None:
    run(
        HEADER
        + "E2,b@council.example,Bob,Manager,leisure,Leisure,,,\n"
        + "E1,a@council.example,Ann,Officer,leisure,,E2,,\n"
    )

    run(
        HEADER
        + "E2,b@council.example,Bob,Manager,leisure,,E1,,\n"
        + "E1,a@council.example,Ann,Officer,leisure,,,,\n"
    )

    assert User.objects.get(employee_number="E2").line_manager == User.objects.get(
        employee_number="E1"
    )


@pytest.mark.django_db
def test_an_unclosed_quote_is_reported_on_its_own_line_and_column() -> None:
    unclosed = HEADER + (
        'E1,a@council.example,"Ann Smith,Officer,leisure,Leisure,,,\n'
        "E2,b@council.example,Bob,Officer,leisure,,,,\n"
        "E3,c@council.example,Cat,Officer,leisure,,,,\n"
    )

    assert problems_of(unclosed) == [
        (
            2,
            "The value in column 3 (full_name) runs onto the next line. Check it for a "
            'quotation mark (") that is not closed or a line break inside the value.',
        )
    ]


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r"])
@pytest.mark.django_db
def test_a_value_with_a_line_break_is_refused_and_later_lines_keep_their_numbers(
    line_break: str,
) -> None:
    broken = HEADER + (
        "E1,a@council.example,Ann,Officer,leisure,Leisure,,,\n"
        f'E2,b@council.example,"Bob{line_break}Jones",Officer,leisure,,,,\n'
        "E3,,Cat,Officer,leisure,,,,\n"
    )

    assert problems_of(broken) == [
        (
            3,
            "The value in column 3 (full_name) runs onto the next line. Check it for a "
            'quotation mark (") that is not closed or a line break inside the value.',
        ),
        (5, "The email address is missing."),
    ]
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_two_people_swapping_addresses_are_named_on_their_line() -> None:
    run(GOOD)
    swapped = GOOD.replace("officer@council.example", "SWAP").replace(
        "tenancy@council.example", "officer@council.example"
    )
    swapped = swapped.replace("SWAP", "tenancy@council.example")

    assert problems_of(swapped) == [
        (
            4,
            "Employee numbers E3 and E4 swap their email addresses (lines 4 and 5), so neither "
            "address can be given up first. Import a file that gives one of them a temporary "
            "address, then this file.",
        )
    ]


@pytest.mark.django_db
def test_an_address_handed_on_to_someone_listed_earlier_is_imported() -> None:
    run(GOOD)
    handed_on = HEADER + (
        "E5,officer@council.example,Tom Fletcher,Events Officer,leisure,,E2,,\n"
        "E3,riya.patel@council.example,Riya Patel,Events Officer,leisure,,E2,,\n"
    )

    report = run(handed_on)

    assert (report.created, report.updated) == (1, 1)
    assert User.objects.get(email="officer@council.example").employee_number == "E5"
    riya = User.objects.get(employee_number="E3")
    assert EmailAddress.objects.get(user=riya).email == "riya.patel@council.example"


@pytest.mark.django_db
def test_a_new_manager_taking_the_address_of_their_own_report_is_explained() -> None:
    run(GOOD)
    tangled = HEADER + (
        "E9,officer@council.example,Tom Fletcher,Events Manager,leisure,,E1,,\n"
        "E3,riya.patel@council.example,Riya Patel,Events Officer,leisure,,E9,,\n"
    )

    assert problems_of(tangled) == [
        (
            2,
            "Lines 2 and 3 depend on each other: a new line manager takes over the email address "
            "of somebody in their team. Import a file that only gives that person their new "
            "address, then this file.",
        )
    ]


@pytest.mark.django_db
def test_an_address_of_someone_without_an_employee_number_is_refused_for_another() -> None:
    run(GOOD)
    User.objects.create_user("contractor@council.example", None, full_name="A Contractor")
    taking = GOOD.replace("officer@council.example", "contractor@council.example")

    assert problems_of(taking) == [
        (
            4,
            "The email address contractor@council.example already belongs to somebody in the "
            "portal who has no employee number.",
        )
    ]


@pytest.mark.django_db
def test_a_save_the_database_refuses_names_its_line_not_a_swap() -> None:
    run(GOOD)
    contractor = User.objects.create_user(
        "contractor@council.example", None, full_name="A Contractor"
    )
    EmailAddress.objects.create(user=contractor, email="riya@council.example", verified=True)
    moving = GOOD.replace("officer@council.example", "riya@council.example")

    assert problems_of(moving) == [
        (
            4,
            "Employee number E3 could not be saved: the database refused it as a duplicate. "
            "Check that nobody else in the portal has the email address riya@council.example, "
            "then upload the file again.",
        )
    ]
    assert User.objects.get(employee_number="E3").email == "officer@council.example"


@pytest.mark.django_db
def test_a_new_person_whose_address_signs_in_somebody_else_is_refused_on_their_line() -> None:
    contractor = User.objects.create_user(
        "contractor@council.example", None, full_name="A Contractor"
    )
    EmailAddress.objects.create(user=contractor, email="head@council.example", verified=True)

    assert problems_of(GOOD) == [
        (
            2,
            "The email address head@council.example is already a sign-in address of somebody "
            "else in the portal.",
        )
    ]
    assert not User.objects.filter(employee_number__isnull=False).exists()


@pytest.mark.django_db
def test_a_complete_feed_leaving_out_many_people_waits_for_their_number() -> None:
    run(HEADER + staff_rows(range(1, 31)))
    five = HEADER + staff_rows(range(1, 6))

    with pytest.raises(LeaversNeedConfirmation) as caught:
        run(five, complete_feed=True)

    assert (caught.value.leavers, caught.value.staff) == (25, 30)
    assert caught.value.names[:2] == ["Person 06 (E6)", "Person 07 (E7)"]
    assert len(caught.value.names) == 20
    assert not User.objects.filter(leaving_date__isnull=False).exists()
    assert StaffImport.objects.count() == 1
    with pytest.raises(LeaversNeedConfirmation):
        run(five, complete_feed=True, confirm_leavers=24)

    report = run(five, complete_feed=True, confirm_leavers=25)

    assert report.leavers == 25
    assert User.objects.filter(leaver_recorded_at__isnull=False).count() == 25


@pytest.mark.django_db
def test_a_complete_feed_leaving_out_more_than_a_tenth_of_staff_waits_for_their_number() -> None:
    run(HEADER + staff_rows(range(1, 13)))

    with pytest.raises(LeaversNeedConfirmation) as caught:
        run(HEADER + staff_rows(range(1, 11)), complete_feed=True)
    one_leaver = run(HEADER + staff_rows(range(1, 12)), complete_feed=True)

    assert caught.value.leavers == 2
    assert one_leaver.leavers == 1


@pytest.mark.django_db
def test_import_command_refuses_many_leavers_unless_their_number_is_confirmed(
    tmp_path: Any,
) -> None:
    run(HEADER + staff_rows(range(1, 31)))
    path = tmp_path / "hr.csv"
    path.write_text(HEADER + staff_rows(range(1, 6)))
    err = io.StringIO()

    with pytest.raises(CommandError, match="again with --confirm-leavers 25"):
        call_command("import_staff", str(path), "--complete-feed", stderr=err)
    assert "the 25 people in the portal who are not in it (of 30 current staff)" in (err.getvalue())
    assert "  Person 06 (E6)\n" in err.getvalue()
    assert "  and 5 more" in err.getvalue()
    assert not User.objects.filter(leaving_date__isnull=False).exists()

    out = io.StringIO()
    call_command(
        "import_staff", str(path), "--complete-feed", "--confirm-leavers", "25", stdout=out
    )

    assert "25 recorded as leavers" in out.getvalue()


def upload_complete_feed(client: Any, csv_text: str) -> Any:
    return client.post(
        "/organisation/import/",
        {
            "file": SimpleUploadedFile("hr.csv", csv_text.encode(), content_type="text/csv"),
            "complete_feed": "on",
        },
    )


def confirmation_of(page: Any) -> dict[str, str]:
    return {name: page.context["form"][name].value() for name in ("token", "leavers")}


@pytest.mark.django_db
def test_upload_asks_before_recording_many_leavers_and_imports_once_confirmed(
    administrator: User, client_for: Any
) -> None:
    run(HEADER + staff_rows(range(1, 31)))
    client = client_for(administrator)

    asked = upload_complete_feed(client, HEADER + staff_rows(range(1, 6)))

    page = asked.content.decode()
    assert "25 people will be recorded as leavers" in page
    assert "25 of the 30 people in the portal are not in it" in page
    assert "<li>Person 06 (E6)</li>" in page
    assert "and 5 more." in page
    assert "Import and record 25 leavers" in page
    assert not User.objects.filter(leaving_date__isnull=False).exists()
    assert StaffImport.objects.count() == 1

    done = client.post("/organisation/import/", confirmation_of(asked), follow=True)

    assert "The staff list was imported." in done.content.decode()
    record = StaffImport.objects.first()
    assert record is not None
    assert (record.imported_by, record.leavers, record.complete_feed) == (administrator, 25, True)
    again = client.post("/organisation/import/", confirmation_of(asked), follow=True)
    assert "the upload has expired" in again.content.decode()
    assert StaffImport.objects.count() == 2


@pytest.mark.django_db
def test_cancelling_the_leavers_question_imports_nothing(
    administrator: User, client_for: Any
) -> None:
    run(HEADER + staff_rows(range(1, 31)))
    client = client_for(administrator)
    asked = upload_complete_feed(client, HEADER + staff_rows(range(1, 6)))

    cancelled = client.post(
        "/organisation/import/", {**confirmation_of(asked), "cancel": "1"}, follow=True
    )

    assert "Nothing was imported." in cancelled.content.decode()
    assert not User.objects.filter(leaving_date__isnull=False).exists()
    assert StaffImport.objects.count() == 1
    confirmed = client.post("/organisation/import/", confirmation_of(asked), follow=True)
    assert "the upload has expired" in confirmed.content.decode()


@pytest.mark.django_db
def test_another_administrator_cannot_confirm_somebody_elses_upload(
    administrator: User, client_for: Any
) -> None:
    from tests.conftest import make_person

    run(HEADER + staff_rows(range(1, 31)))
    asked = upload_complete_feed(client_for(administrator), HEADER + staff_rows(range(1, 6)))
    other = make_person("admin2@council.example", "Second Admin", superuser=True)

    response = client_for(other).post("/organisation/import/", confirmation_of(asked), follow=True)

    assert "the upload has expired" in response.content.decode()
    assert not User.objects.filter(leaving_date__isnull=False).exists()


@pytest.mark.django_db
def test_confirming_an_old_number_asks_again_with_the_new_one(
    administrator: User, client_for: Any
) -> None:
    run(HEADER + staff_rows(range(1, 31)))
    client = client_for(administrator)
    asked = upload_complete_feed(client, HEADER + staff_rows(range(1, 6)))
    run(HEADER + staff_rows(range(31, 33)))

    again = client.post("/organisation/import/", confirmation_of(asked))

    page = again.content.decode()
    assert "27 people will be recorded as leavers" in page
    assert "it was 25" in page
    assert not User.objects.filter(leaving_date__isnull=False).exists()


@pytest.mark.django_db
def test_an_import_that_changed_nothing_can_leave_no_record() -> None:
    run(GOOD)
    events = Event.objects.count()

    unchanged = run(GOOD, record_unchanged=False)
    changed = run(GOOD.replace("Mei Chen", "Mei Chan"), record_unchanged=False)

    assert unchanged.record is None
    assert changed.record is not None
    assert StaffImport.objects.count() == 2
    assert Event.objects.count() == events + 1


@pytest.mark.django_db
def test_a_manager_whose_only_reports_have_left_is_not_a_line_manager() -> None:
    from governance import roles

    team = GOOD.replace(",E2,,", ",E2,2026-03-31,")
    with time_machine.travel(datetime.datetime(2026, 3, 31, 9, tzinfo=datetime.UTC)):
        run(team)
        assert roles.is_line_manager(User.objects.get(employee_number="E2"))
    with time_machine.travel(datetime.datetime(2026, 4, 1, 9, tzinfo=datetime.UTC)):
        manager = User.objects.get(employee_number="E2")
        head = User.objects.get(employee_number="E1")

        assert not roles.is_line_manager(manager)
        assert "Line manager" not in roles.role_labels(manager)
        assert roles.is_line_manager(head)


@pytest.mark.django_db
def test_the_organisation_page_counts_staff_in_post_and_shows_each_change_at_once(
    administrator: User, client_for: Any
) -> None:
    import re

    def staff_counts() -> dict[str, int]:
        page = client_for(administrator).get("/organisation/").content.decode()
        rows = re.findall(r'/">([^<]+)</a></td>.*?numeric">(\d+)</td>', page, re.S)
        return {name: int(count) for name, count in rows}

    run(GOOD)
    assert staff_counts() == {"Housing": 1, "Leisure and Culture": 3}  # kept from here on

    run(GOOD + "E5,new@council.example,Noor Ali,Lifeguard,leisure,,E2,,\n")
    assert staff_counts() == {"Housing": 1, "Leisure and Culture": 4}

    leaver = User.objects.get(employee_number="E4")
    leaver.leaving_date = timezone.localdate() - datetime.timedelta(days=1)
    leaver.save(update_fields=["leaving_date"])
    assert staff_counts() == {"Housing": 1, "Leisure and Culture": 4}  # left, not yet recorded
    staff_record_leaver(person=leaver, actor=None)
    assert staff_counts() == {"Housing": 0, "Leisure and Culture": 4}
