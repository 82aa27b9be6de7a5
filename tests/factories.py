"""Factory helpers shared by the tests: a migrated database, services with a manual clock, people and cases."""

import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.core.clock import ManualClock
from engine.core.db import make_engine, make_session_factory, transaction
from engine.core.migrate import upgrade_to_head
from engine.core.models import HumanTask, Unit, User
from engine.core.settings import PROJECT_ROOT, Settings
from engine.documents.certificates import make_demo_certificates
from engine.people.auth import Actor, actor_for, create_user
from engine.people.units import create_unit
from engine.processes.deployment import deploy_path
from engine.services import EngineServices, build_services

PASSWORD = "phananh-test-pw"
# One signing secret for every test world and the processes started on it (never a published default).
TEST_SECRET_KEY = "test-only-signing-secret-" + "0123456789abcdef" * 3
FIXTURES = Path(__file__).parent / "fixtures"
PROCESSES = PROJECT_ROOT / "processes"

INTAKE = {
    "source": "press",
    "behaviour_group": "duty",
    "field": "land",
    "title": "Cán bộ địa chính gây khó dễ khi cấp giấy chứng nhận",
    "description": "Báo phản ánh cán bộ địa chính phường yêu cầu chi phí ngoài quy định.",
    "subject": {"name": "Nguyễn Văn X", "position": "Cán bộ địa chính", "unit": "UBND phường Bến Nghé"},
    "reporter": {"name": "Trần Thị Y", "phone": "0900000000"},
}
UNIT_PARENTS = (("d1", "city"), ("d2", "city"), ("w11", "d1"), ("w12", "d1"), ("w21", "d2"), ("w22", "d2"))
PEOPLE = (
    ("officer1", ["officer"], "d1", "Nguyễn Văn An"),
    ("officer2", ["officer"], "d1", "Trần Thị Bình"),
    ("lead1", ["team_lead"], "d1", "Lê Văn Cường"),
    ("supervisor1", ["supervisor"], "d1", "Phạm Thị Dung"),
    ("designer1", ["designer"], "d1", "Hoàng Văn Em"),
    ("admin1", ["admin"], "d1", "Quản trị viên"),
    ("officer_d2", ["officer"], "d2", "Đỗ Văn Hải"),
    ("supervisor_d2", ["supervisor"], "d2", "Bùi Thị Lan"),
    ("custodian1", ["custodian"], "city", "Võ Thị Giang"),
)
"""Username, roles, unit and full name of the seeded people (pages show the name, the username on hover)."""


def monday_morning_after(moment: datetime, days: int = 7) -> datetime:
    """A Monday 09:00 (UTC) at least ``days`` after ``moment``: a stable start for timer tests."""
    day = (moment + timedelta(days=days)).date()
    while day.weekday() != 0:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def migrated_copy(template: Path, target: Path) -> str:
    """A fresh SQLite database copied from a migrated template; returns its URL."""
    shutil.copy(template, target)
    return f"sqlite:///{target}"


def migrate_template(path: Path) -> Path:
    """Create a migrated and seeded SQLite file once per test session."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()
    seed_world(f"sqlite:///{path}")
    return path


@dataclass
class World:
    """Everything a test needs: database, services with a manual clock, the unit tree and the people."""

    factory: sessionmaker[Session]
    services: EngineServices
    clock: ManualClock
    settings: Settings
    units: dict[str, int] = field(default_factory=dict)

    def actor(self, username: str) -> Actor:
        """The Actor of a seeded user."""
        with self.factory() as session:
            user = session.scalars(select(User).where(User.username == username)).one()
            return actor_for(session, user)

    def ready_task(self, case_id: int, spec_name: str | None = None) -> HumanTask:
        """The (first) open task of a case, optionally of a given BPMN id."""
        with self.factory() as session:
            query = select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == "ready")
            if spec_name:
                query = query.where(HumanTask.spec_name == spec_name)
            return session.scalars(query.order_by(HumanTask.created_at)).first()


def seed_world(database_url: str, *, deploy: tuple[Path, ...] = (PROCESSES,)) -> None:
    """Create the unit tree and the people, and deploy processes (done once into the template database)."""
    settings = Settings(database_url=database_url, scheduler_enabled=False, secret_key=TEST_SECRET_KEY)
    services = build_services(settings)
    engine = make_engine(database_url)
    with transaction(make_session_factory(engine)) as session:
        units = {"city": create_unit(session, code="city", name="Thành phố")}
        for code, parent in UNIT_PARENTS:
            units[code] = create_unit(session, code=code, name=f"Đơn vị {code}", parent=units[parent])
        for username, roles, unit, full_name in PEOPLE:
            create_user(
                session, username=username, password=PASSWORD, roles=roles, units=[units[unit]], full_name=full_name
            )
        for path in deploy:
            deploy_path(session, path, forms=services.forms)
        make_demo_certificates(session, now=datetime.now(UTC))  # every unit can sign its documents
    engine.dispose()


def open_world(database_url: str, *, start: datetime | None = None) -> World:
    """Services with a manual clock over an already seeded database."""
    settings = Settings(database_url=database_url, scheduler_enabled=False, secret_key=TEST_SECRET_KEY)
    clock = ManualClock(start or monday_morning_after(datetime.now(UTC)))
    factory = make_session_factory(make_engine(database_url))
    services = build_services(settings, clock, session_factory=factory)
    with factory() as session:
        units = {u.code: u.id for u in session.scalars(select(Unit))}
    return World(factory=factory, services=services, clock=clock, settings=settings, units=units)


def unit_id(world: World, code: str) -> int:
    """The id of a seeded unit."""
    with world.factory() as session:
        return session.scalars(select(Unit.id).where(Unit.code == code)).one()
