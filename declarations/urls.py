from django.urls import path

from declarations.views import compliance, policy, signing

urlpatterns = [
    path("declarations/", signing.declaration_home, name="declarations"),
    path("declarations/verify/", signing.declaration_verify, name="declaration_verify"),
    path(
        "declarations/compliance/",
        compliance.declaration_compliance,
        name="declaration_compliance",
    ),
    path(
        "declarations/compliance/export.<str:fmt>",
        compliance.declaration_compliance_export,
        name="declaration_compliance_export",
    ),
    path(
        "declarations/versions/<int:version_pk>/questions/",
        signing.declaration_questions,
        name="declaration_questions",
    ),
    path(
        "declarations/versions/<int:version_pk>/sign/",
        signing.declaration_sign_view,
        name="declaration_sign",
    ),
    path("declarations/<int:pk>/receipt/", signing.declaration_receipt, name="declaration_receipt"),
    path("policy/versions/", policy.policy_versions, name="policy_versions"),
    path("policy/versions/new/", policy.policy_version_new, name="policy_version_new"),
    path("policy/versions/<int:pk>/", policy.policy_version, name="policy_version"),
    path("policy/versions/<int:pk>/edit/", policy.policy_version_edit, name="policy_version_edit"),
    path(
        "policy/versions/<int:pk>/publish/",
        policy.policy_version_publish,
        name="policy_version_publish",
    ),
    path(
        "policy/versions/<int:pk>/questions/new/",
        policy.policy_question_new,
        name="policy_question_new",
    ),
    path(
        "policy/versions/<int:pk>/questions/<int:question_pk>/edit/",
        policy.policy_question_edit,
        name="policy_question_edit",
    ),
    path(
        "policy/versions/<int:pk>/questions/<int:question_pk>/delete/",
        policy.policy_question_delete,
        name="policy_question_delete",
    ),
]
