"""Alembic environment: uses the connection handed in by engine.core.migrate, or the configured URL."""

from alembic import context
from sqlalchemy import create_engine

from engine.core.models import Base
from engine.search.schema import belongs_to_the_models

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run migrations on the connection handed in by ``engine.core.migrate``, or on the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_name=belongs_to_the_models,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("no database: set sqlalchemy.url or run the migrations through engine.core.migrate")
    engine = create_engine(url)
    with engine.connect() as conn:
        context.configure(
            connection=conn, target_metadata=target_metadata, render_as_batch=True, include_name=belongs_to_the_models
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
