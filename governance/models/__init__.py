from governance.models.events import Event, EventChainHead
from governance.models.notifications import Notification
from governance.models.people import ServiceArea, StaffImport, User
from governance.models.profile import BusinessCaseField, PolicyProfile, Preset, StepKind

__all__ = [
    "BusinessCaseField",
    "Event",
    "EventChainHead",
    "Notification",
    "PolicyProfile",
    "Preset",
    "ServiceArea",
    "StaffImport",
    "StepKind",
    "User",
]
