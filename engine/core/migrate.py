"""Apply the Alembic migrations to a database."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at our migrations folder."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default), keeping the data.

    SQLite alters a table by copying it, which foreign keys would refuse while other tables point at it, so they
    are switched off for the migration (outside any transaction, as SQLite requires) and back on afterwards.
    """
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        if sqlite and driver is not None:
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        finally:
            if sqlite and driver is not None:
                driver.execute("PRAGMA foreign_keys=ON")


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to the newest revision."""
    upgrade_to(engine, "head")
