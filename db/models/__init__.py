"""All ORM models; importing this package registers every table on `Base.metadata`.

Each domain has its own module; add new modules to the import list below.
"""

from db.base import Base
from db.models.calendar import CalendarFeed
from db.models.curriculum import Answer, Attendance, Material, Note, Question, Retro, Seminar, Week
from db.models.lab import LabRun
from db.models.lab_jobs import LabJob, LabJobEvent
from db.models.members import AuthSession, LoginThrottle, Member
from db.models.meta import AppMeta
from db.models.notify import Delivery, Notice, NotifyChannel, NotifyPref
from db.models.reviews import (
    Assignment,
    Paper,
    Review,
    ReviewComment,
    ReviewDraft,
    ReviewRevision,
    ReviewTemplate,
    TemplateVersion,
)
from db.models.rooms import LabRoom, LabRoomMember, LabRoomRun
from db.models.search import SearchDoc

__all__ = [
    "Answer",
    "AppMeta",
    "Assignment",
    "Attendance",
    "AuthSession",
    "Base",
    "CalendarFeed",
    "Delivery",
    "LabJob",
    "LabJobEvent",
    "LabRoom",
    "LabRoomMember",
    "LabRoomRun",
    "LabRun",
    "LoginThrottle",
    "Material",
    "Member",
    "Note",
    "Notice",
    "NotifyChannel",
    "NotifyPref",
    "Paper",
    "Question",
    "Retro",
    "SearchDoc",
    "Review",
    "ReviewComment",
    "ReviewDraft",
    "ReviewRevision",
    "ReviewTemplate",
    "Seminar",
    "TemplateVersion",
    "Week",
]
