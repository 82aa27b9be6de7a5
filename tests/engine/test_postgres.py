"""Every world-based test runs on both backends; this one proves the PostgreSQL half is really PostgreSQL."""

import pytest
from sqlalchemy import text


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_postgresql_backend_is_really_postgresql(world):
    with world.factory() as session:
        assert session.bind.dialect.name == "postgresql"
        assert session.execute(text("SHOW synchronous_commit")).scalar() == "on"
