from accounts.models.platforms import Platform, platform_label
from accounts.models.register import Account, AccountStatus, TwoFactorMethod
from accounts.models.requests import (
    AccountRequest,
    ApprovalStep,
    FacebookPurpose,
    RequestStatus,
    StepStatus,
)

__all__ = [
    "Account",
    "AccountRequest",
    "AccountStatus",
    "ApprovalStep",
    "FacebookPurpose",
    "Platform",
    "RequestStatus",
    "StepStatus",
    "TwoFactorMethod",
    "platform_label",
]
