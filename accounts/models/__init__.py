from accounts.models.platforms import Platform, platform_label
from accounts.models.register import AccessModel, Account, AccountStatus, TwoFactorMethod
from accounts.models.requests import (
    AccountRequest,
    ApprovalStep,
    FacebookPurpose,
    RequestStatus,
    StepStatus,
)
from accounts.models.reviews import AccountReview, ReviewOutcome

__all__ = [
    "AccessModel",
    "Account",
    "AccountRequest",
    "AccountReview",
    "AccountStatus",
    "ApprovalStep",
    "FacebookPurpose",
    "Platform",
    "RequestStatus",
    "ReviewOutcome",
    "StepStatus",
    "TwoFactorMethod",
    "platform_label",
]
