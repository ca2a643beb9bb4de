"""The extension singletons, unbound: ``create_app`` binds them to each zone's app."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from portal.security import client_key


class Base(DeclarativeBase):
    # Stable constraint names, so Alembic produces the same migrations on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()


def new_limiter() -> Limiter:
    """A limiter for one app: Flask-Limiter keeps its settings and limits on the instance,
    so a shared one would let the staff zone's settings overwrite the public zone's."""
    return Limiter(key_func=client_key)
