"""All ORM models; importing this package registers every table on `Base.metadata`.

Each domain has its own module; add new modules to the import list below.
"""

from db.base import Base
from db.models.curriculum import Answer, Attendance, Material, Note, Question, Retro, Seminar, Week  # noqa: F401  (curriculum, issue 4)
from db.models.lab import LabRun  # noqa: F401  (model lab, issue 6)
from db.models.members import AuthSession, LoginThrottle, Member
from db.models.meta import AppMeta
from db.models.reviews import (  # noqa: F401  (paper reviews, issue 5)
    Assignment,
    Paper,
    Review,
    ReviewComment,
    ReviewDraft,
    ReviewRevision,
    ReviewTemplate,
    TemplateVersion,
)

__all__ = ["AppMeta", "AuthSession", "Base", "LoginThrottle", "Member"]
