"""Request and response bodies of reception by leaders and of case categories."""

from datetime import date, datetime

from pydantic import BaseModel, Field


class ReceptionDayIn(BaseModel):
    """A day to put in a unit's reception schedule."""

    unit_id: int
    held_on: date
    kind: str = Field(description="regular, periodic or unscheduled")
    leader_name: str
    leader_title: str
    place: str
    online: bool = False
    partner_unit_id: int | None = Field(None, description="the other unit of an online session")


class ReceptionDayOut(BaseModel):
    """A day of the reception schedule."""

    id: int
    unit_id: int
    unit_name: str
    held_on: date
    kind: str
    leader_name: str
    leader_title: str
    place: str
    online: bool
    partner_unit_id: int | None
    partner_unit_name: str | None


class PublicReceptionDayOut(BaseModel):
    """A reception day as the portal publishes it."""

    unit_name: str
    held_on: date
    kind: str
    leader_name: str
    leader_title: str
    place: str
    online: bool


class ReceptionSessionIn(BaseModel):
    """A reception session held, with what it counted."""

    unit_id: int
    held_on: date
    kind: str = Field(description="regular, periodic or unscheduled")
    received_by: str
    visits: int = Field(ge=0)
    people: int = Field(ge=0)
    matters: int = Field(ge=0)
    group_sizes: list[int] = Field(default_factory=list, description="the size of each group of many people")
    day_id: int | None = None
    online: bool = False
    partner_unit_id: int | None = None
    tracking_codes: list[str] = Field(default_factory=list, description="petitions registered during the session")


class ReceptionSessionOut(BaseModel):
    """A reception session recorded."""

    id: int
    day_id: int | None
    unit_id: int
    partner_unit_id: int | None
    held_on: date
    kind: str
    level: str
    online: bool
    received_by: str
    visits: int
    people: int
    matters: int
    group_sizes: list[int]
    tracking_codes: list[str]


class TallyOut(BaseModel):
    """Sessions, visits, people, matters, groups of many people and the people in them."""

    sessions: int
    visits: int
    people: int
    matters: int
    groups: int
    group_people: int


class FigureRowOut(BaseModel):
    """A line of the figures: regular reception, the leaders' periodic and unscheduled reception, total."""

    label: str
    regular: TallyOut
    leaders: TallyOut
    total: TallyOut


class ReceptionFiguresOut(BaseModel):
    """The figures of a unit tree over a period, ward-level sessions totalled apart."""

    unit_name: str
    start: date
    end: date
    rows: list[FigureRowOut]
    ward: FigureRowOut
    total: FigureRowOut


class CategoriesIn(BaseModel):
    """The categories a case is to have (mass, complex, prolonged); an empty list clears them."""

    categories: list[str]


class CategoriesOut(BaseModel):
    """The categories of a case."""

    case_id: int
    categories: list[str]


class CategorizedCaseOut(BaseModel):
    """A flagged case on the supervisors' dashboard."""

    case_id: int
    tracking_code: str
    title: str
    unit_id: int
    unit_name: str
    status: str
    categories: list[str]
    deadline: datetime | None


class CategoryDashboardOut(BaseModel):
    """The flagged cases of my units and how many of each category (all, and still open)."""

    cases: list[CategorizedCaseOut]
    counts: dict[str, int]
    open_counts: dict[str, int]


class GroupReportIn(BaseModel):
    """The report whose matter this one joins."""

    with_case_id: int


class GroupedOut(BaseModel):
    """The matter a report now belongs to, and how many reports it holds."""

    matter_id: int
    reports: int
