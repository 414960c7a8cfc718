from django.contrib import admin
from django.urls import include, path

from governance import views, views_audit

urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notification_list, name="notifications"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/areas/<slug:code>/", views.service_area_detail, name="service_area"),
    path("organisation/import/", views.staff_import, name="staff_import"),
    path("organisation/imports/<int:pk>/", views.staff_import_detail, name="staff_import_detail"),
    path("policy-profile/", views.policy_profile, name="policy_profile"),
    path("policy-profile/preset/", views.policy_profile_preset, name="policy_profile_preset"),
    path("policy-profile/edit/", views.policy_profile_edit, name="policy_profile_edit"),
    path("audit/checkpoint/", views_audit.event_checkpoint, name="event_checkpoint"),
    path(
        "audit/checkpoint/download/",
        views_audit.event_checkpoint_download,
        name="event_checkpoint_download",
    ),
    # Work email addresses come from the HR feed, so allauth's page for changing them is off.
    path("auth/email/", views.email_managed_by_hr, name="account_email"),
    path("", include("accounts.urls")),
    path("", include("moderation.urls")),
    path("", include("declarations.urls")),
    path("", include("breaches.urls")),
    path("", include("official.urls")),
    path("", include("compliance.urls")),
    path("auth/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
