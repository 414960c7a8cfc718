"""The register's search, filters and sorting (REG-2), with GOV.UK form markup."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import F, Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountStatus, Platform
from accounts.register_queries import CREDENTIALS_MISSING, OPEN_ACCOUNT, register_rows
from governance.models import ServiceArea

SORTS = {
    "name": ("name", "Name (A to Z)"),
    "platform": ("platform", "Platform"),
    "service_area": ("service_area__name", "Service area"),
    "status": ("status", "Status"),
    "review": ("next_review_due", "Next review due (soonest first)"),
    "moderators": ("active_moderators", "Active moderators (fewest first)"),
}


OPEN = "open"


def status_is(value: str) -> Q:
    """The register's status filter: one status, or any status but closed (``open``)."""
    return Q(status__in=OPEN_ACCOUNT) if value == OPEN else Q(status=value)


def review_overdue_on(day: datetime.date) -> Q:
    """Active accounts whose next review was due before ``day`` (REG-4)."""
    return Q(status=AccountStatus.ACTIVE, next_review_due__lt=day)


def _flag(label: str) -> django_filters.BooleanFilter:
    return django_filters.BooleanFilter(
        label=label, widget=forms.CheckboxInput, method="filter_flag"
    )


class RegisterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search by name, handle or web address", method="filter_search"
    )
    platform = django_filters.ChoiceFilter(
        choices=Platform.choices, empty_label="Any platform", label="Platform"
    )
    service_area = django_filters.ModelChoiceFilter(
        queryset=ServiceArea.objects.order_by("name"),
        empty_label="Any service area",
        label="Service area",
    )
    status = django_filters.ChoiceFilter(
        choices=[(OPEN, "Open (any status but closed)"), *AccountStatus.choices],
        empty_label="Any status",
        label="Status",
        method="filter_status",
    )
    review_overdue = _flag("Review overdue")
    few_moderators = _flag("Fewer than two active moderators")
    credentials_missing = _flag("Credential details missing")
    tasks_outstanding = _flag("Password change or access removal outstanding")
    unsigned_moderators = _flag("A moderator without a current declaration")
    closure_recommended = _flag("A review recommends closing it")
    branding_missing = _flag("Active without branding approved by Communications")
    sessions_off = _flag("Secure sessions or two-step verification not turned on")
    published = _flag("Shown on the public register of official accounts")
    sort = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (_, label) in SORTS.items()],
        empty_label=None,
        label="Sort by",
        method="filter_sort",
    )

    def __init__(self, *args: Any, reference_date: datetime.date | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.reference_date = reference_date or timezone.localdate()
        form = self.form
        form.fields["q"].validators.append(
            MaxLengthValidator(100, "Search for 100 characters or fewer")
        )
        form.fields["sort"].required = False
        for name, label in (
            ("platform", "a platform"),
            ("service_area", "a service area"),
            ("status", "a status"),
            ("sort", "an order"),
        ):
            message = f"Select {label} from the list"  # noqa: S608 - words, not SQL
            form.fields[name].error_messages["invalid_choice"] = message
        helper = FormHelper()
        helper.form_tag = False
        # A GET form: crispy would add a CSRF token, which then sits in the address, the
        # browser's history and the export links built from the query.
        helper.form_method = "get"
        helper.layout = Layout(
            Field.text("q"),
            Field.select("platform"),
            Field.select("service_area"),
            Field.select("status"),
            Field.checkbox("review_overdue", small=True),
            Field.checkbox("few_moderators", small=True),
            Field.checkbox("credentials_missing", small=True),
            Field.checkbox("tasks_outstanding", small=True),
            Field.checkbox("unsigned_moderators", small=True),
            Field.checkbox("closure_recommended", small=True),
            Field.checkbox("branding_missing", small=True),
            Field.checkbox("sessions_off", small=True),
            Field.checkbox("published", small=True),
            Field.select("sort"),
            Button.secondary("apply", "Apply filters"),
        )
        form.helper = helper

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip().lstrip("@")
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(handle__icontains=value) | Q(url__icontains=value)
        )

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(status_is(value))

    def filter_flag(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        if not value:
            return queryset
        if name == "review_overdue":
            return queryset.filter(review_overdue_on(self.reference_date))
        if name == "few_moderators":
            return queryset.filter(status__in=OPEN_ACCOUNT, active_moderators__lt=2)
        if name == "tasks_outstanding":
            return queryset.filter(open_credential_tasks__gt=0)
        if name == "unsigned_moderators":
            return queryset.filter(unsigned_moderators__gt=0)
        if name == "closure_recommended":
            return queryset.filter(closure_recommended=True).exclude(status=AccountStatus.CLOSED)
        if name == "branding_missing":
            return queryset.filter(status=AccountStatus.ACTIVE, branding_approved_at__isnull=True)
        if name == "sessions_off":
            return queryset.filter(status__in=OPEN_ACCOUNT, secure_sessions_enabled=False)
        if name == "published":
            return queryset.filter(status=AccountStatus.ACTIVE, published=True)
        return queryset.filter(CREDENTIALS_MISSING, status__in=OPEN_ACCOUNT)

    def filter_sort(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset

    def sorted_qs(self) -> QuerySet[Any]:
        rows = self.qs  # validates the form
        key = getattr(self.form, "cleaned_data", {}).get("sort") or "name"
        column = F(SORTS.get(key, SORTS["name"])[0]).asc(nulls_last=True)
        return rows.order_by(column, "name", "pk")

    @property
    def active_filters(self) -> bool:
        return any(self.data.get(name) for name in self.filters if name not in {"sort", "page"})


def register_count(user: Any, query: str, as_of: datetime.date | None = None) -> tuple[int, str]:
    """How many accounts the register lists for the filters in ``query`` (as it stood on
    ``as_of``), and the address of that list: a count and the list its link opens can never
    disagree (the dashboard's cards, the compliance statement's figures)."""
    if as_of is not None:
        query = f"{query}&as_of={as_of.isoformat()}" if query else f"as_of={as_of.isoformat()}"
    rows = register_rows(user, as_of)
    count = RegisterFilter(QueryDict(query), queryset=rows, reference_date=as_of).qs.count()
    return count, f"{reverse('register')}?{query}"
