"""Column types and defaults shared by every model."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum, Index
from sqlalchemy.schema import SchemaItem
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_public_id() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on the way in and out; SQLite would otherwise hand back naive values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    """Stored as its text value with a CHECK constraint, the same on SQLite and PostgreSQL."""
    return Enum(enum_class, name=name, native_enum=False, create_constraint=True,
                values_callable=lambda members: [member.value for member in members], length=20)


def trigram_index(name: str, column: str) -> Index:
    """Lets PostgreSQL answer the queue's ``ILIKE '%term%'`` search from an index (pg_trgm) instead
    of reading every row. SQLite has no such index and scans, which is fast enough at its scale."""
    return Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"},
                 info={"only_on": "postgresql"}).ddl_if(dialect="postgresql")


def exists_on(item: SchemaItem, dialect_name: str) -> bool:
    """Whether a schema item built with ``ddl_if`` belongs on this database; Alembic's comparison
    does not read ``ddl_if`` itself, so the item says so in its ``info`` too."""
    return item.info.get("only_on", dialect_name) == dialect_name
