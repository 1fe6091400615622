"""merge the Lab job queue, notifications, group settings and calendar, search, member identities

Joins the five branches begun from 0008 into one head; changes no table.

Revision ID: 0014
Revises: 0009_lab_job_queue, 0010_notifications, 0011_group_settings_calendar, 0012_search_index,
    0013_member_identities
Create Date: 2026-12-03 08:40:00
"""

from collections.abc import Sequence

revision: str = "0014"
down_revision: str | Sequence[str] | None = (
    "0009_lab_job_queue",
    "0010_notifications",
    "0011_group_settings_calendar",
    "0012_search_index",
    "0013_member_identities",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
