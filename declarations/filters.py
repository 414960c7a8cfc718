"""The compliance view's search and filters (issue 9 item 7), with GOV.UK form markup. They
filter people annotated by declarations.selectors.with_status."""

from __future__ import annotations

from typing import Any

import django_filters
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Q, QuerySet

from declarations.models import PolicyVersion, VersionState
from declarations.selectors import Status

# The version filter's choice for a declaration signed on paper before the portal.
ON_PAPER = "paper"


class ComplianceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search by name or email address", method="filter_search")
    status = django_filters.ChoiceFilter(
        choices=Status.choices,
        empty_label="Any status",
        label="Declaration",
        field_name="declaration_status",
    )
    version = django_filters.ChoiceFilter(
        empty_label="Any version", label="Version signed", method="filter_version"
    )
    suspended = django_filters.BooleanFilter(
        label="Suspended only", widget=forms.CheckboxInput, method="filter_suspended"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form = self.form
        versions = PolicyVersion.objects.exclude(state=VersionState.DRAFT).values_list(
            "version", flat=True
        )
        form.fields["version"].choices = [
            *((label, f"Version {label}") for label in versions),
            (ON_PAPER, "On paper"),
        ]
        form.fields["q"].validators.append(
            MaxLengthValidator(100, "Search for 100 characters or fewer")
        )
        form.fields["status"].error_messages["invalid_choice"] = "Select a status from the list"
        form.fields["version"].error_messages["invalid_choice"] = "Select a version from the list"
        helper = FormHelper()
        helper.form_tag = False
        # A GET form: no CSRF token in the address or in the export links built from it.
        helper.form_method = "get"
        helper.layout = Layout(
            Field.text("q"),
            Field.select("status"),
            Field.select("version"),
            Field.checkbox("suspended", small=True),
            Button.secondary("apply", "Apply filters"),
        )
        form.helper = helper

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(full_name__icontains=value) | Q(email__icontains=value))

    def filter_version(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == ON_PAPER:
            return queryset.filter(declaration_on_paper=True)
        return queryset.filter(declaration_version=value)

    def filter_suspended(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset.filter(is_suspended=True) if value else queryset

    @property
    def active_filters(self) -> bool:
        return any(self.data.get(name) for name in self.filters)
