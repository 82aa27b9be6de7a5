"""Reception figures: visits, people, matters and groups of many people, for a period and a unit tree.

Regular reception (thường xuyên) is counted apart from the leaders' periodic and unscheduled reception, as the
reporting form does; ward-level sessions are also totalled apart. The screen and the XLSX export
(``engine.reception.form``) read the same ``ReceptionFigures``.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from engine.core.errors import BadRequest, NotFound
from engine.core.models import ReceptionSession, Unit
from engine.people.auth import Actor
from engine.people.permissions import can_read_reception_figures, require
from engine.people.units import subtree_unit_ids, units_by_ids
from engine.reception.schedule import ReceptionKind
from engine.reception.sessions import ReceptionLevel, sessions_between


@dataclass
class Tally:
    """Sessions, visits (lượt), people (người), matters (vụ việc), groups (đoàn) and the people in the groups."""

    sessions: int = 0
    visits: int = 0
    people: int = 0
    matters: int = 0
    groups: int = 0
    group_people: int = 0

    def add(self, record: ReceptionSession) -> None:
        """Count one session in."""
        self.sessions += 1
        self.visits += record.visits
        self.people += record.people
        self.matters += record.matters
        self.groups += len(record.group_sizes or [])
        self.group_people += sum(record.group_sizes or [])

    def values(self) -> tuple[int, int, int, int, int]:
        """The five figures of the form: visits, people, matters, groups, people in the groups."""
        return self.visits, self.people, self.matters, self.groups, self.group_people


@dataclass
class FigureRow:
    """One line of the figures: a unit, or a total."""

    label: str
    regular: Tally = field(default_factory=Tally)
    leaders: Tally = field(default_factory=Tally)
    total: Tally = field(default_factory=Tally)

    def add(self, record: ReceptionSession) -> None:
        """Count a session in its column (regular, or the leaders' periodic and unscheduled) and in the total."""
        (self.regular if record.kind == ReceptionKind.REGULAR else self.leaders).add(record)
        self.total.add(record)


@dataclass
class ReceptionFigures:
    """The figures of a unit tree over a period: one row per unit, the ward-level total and the grand total."""

    unit_name: str
    start: date
    end: date
    rows: list[FigureRow]
    ward: FigureRow
    total: FigureRow


def reception_figures(session: Session, actor: Actor, *, unit_id: int, start: date, end: date) -> ReceptionFigures:
    """Count the sessions held in [start, end] by the unit and every unit below it."""
    require(can_read_reception_figures, actor, unit_id)
    root = session.get(Unit, unit_id)
    if root is None:
        raise NotFound(f"Đơn vị {unit_id} không có")
    if end < start:
        raise BadRequest("Ngày kết thúc trước ngày bắt đầu")
    unit_ids = subtree_unit_ids(session, [root])
    rows = {unit.id: FigureRow(label=unit.name) for unit in units_by_ids(session, unit_ids)}
    ward, total = FigureRow(label="Trong đó: cấp xã"), FigureRow(label="Tổng cộng")
    for record in sessions_between(session, unit_ids, start=start, end=end):
        rows[record.unit_id].add(record)
        total.add(record)
        if record.level == ReceptionLevel.WARD:
            ward.add(record)
    return ReceptionFigures(
        unit_name=root.name, start=start, end=end, ward=ward, total=total,
        rows=[row for row in rows.values() if row.total.sessions],
    )  # fmt: skip
