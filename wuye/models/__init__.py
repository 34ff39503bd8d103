"""All models, imported here so Alembic and `db.create_all()` see every table."""
from .audit import AuditEvent
from .complaint import (Complaint, ComplaintContact, ComplaintCounter, ComplaintEscalation, ComplaintForwarding,
                        CorrectiveAction)
from .delivery import (Delivery, DeliveryAddress, DeliveryAttempt, DeliveryPreference, DeliveryState, DigestDay,
                       PushSubscription, ResidentConsent, ResidentMessage)
from .deadline import Deadline, DeadlineNotice, DeadlinePolicy, NoticeKind, WatcherHeartbeat
from .job import (FeeHandover, Invoice, Payment, Photo, PriceItem, Quote, QuoteLine, SheetRevision, Signature,
                  Visit, WorkNote)
from .notification import Notification
from .offline import IdempotencyRecord, RefusedAction
from .org import (AppointmentWindow, Building, ContactKind, Department, LoginAttempt, LoginSession, Project,
                  RepairCategory, Role, Unit, UnitContact, UnitStatus, User)
from .repair import RepairCounter, RepairOrder, Source, Urgency
from .warranty import ChargeType, CostClaim, WarrantyItem
from .resident import AppointmentRequest, LinkHit, ResidentLink, ReturnVisit, ServiceForm

__all__ = [
    "AuditEvent", "Building", "Deadline", "DeadlineNotice", "DeadlinePolicy", "Department", "LoginAttempt",
    "LoginSession", "NoticeKind", "Notification", "Project", "RepairCategory", "RepairCounter", "RepairOrder",
    "Role", "Source", "Unit", "Urgency", "User", "WatcherHeartbeat",
    "AppointmentRequest", "LinkHit", "ResidentLink", "ReturnVisit", "ServiceForm",
    "Complaint", "ComplaintContact", "ComplaintCounter", "ComplaintEscalation", "ComplaintForwarding",
    "CorrectiveAction", "AppointmentWindow", "ContactKind", "UnitContact", "UnitStatus",
    "ChargeType", "CostClaim", "WarrantyItem",
    "Delivery", "DeliveryAddress", "DeliveryAttempt", "DeliveryPreference", "DeliveryState",
    "DigestDay", "PushSubscription", "ResidentConsent", "ResidentMessage",
]
