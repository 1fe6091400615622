"""Key/value rows the app keeps about itself (seed markers, ...)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class AppMeta(Base):
    """One setting or marker, e.g. key "seed:curriculum" once that demo content was loaded."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
