"""The shape of a report: sections of figures, each with its previous-period value, change and drill-down."""

from dataclasses import dataclass, field
from datetime import datetime

from engine.reports.periods import Period


@dataclass(frozen=True)
class Figure:
    """One reported number, compared with the previous period of the same length."""

    key: str
    label: str
    value: int | float
    previous: int | float
    drilldown: str | None = None

    @property
    def change(self) -> int | float:
        """The absolute change against the previous period."""
        return round(self.value - self.previous, 2)

    @property
    def change_pct(self) -> float | None:
        """The change in % of the previous value (None when there was nothing to compare with)."""
        if not self.previous:
            return None
        return round((self.value - self.previous) * 100 / self.previous, 2)


@dataclass
class Section:
    """A table of the report: one breakdown."""

    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    process: str = ""
    """The name of the process whose cases the section counts."""


@dataclass
class Summary:
    """The report of a unit (and the units below it) for a period."""

    unit_id: int
    unit_name: str
    period: Period
    previous: Period
    generated_at: datetime
    sections: list[Section] = field(default_factory=list)
    parent_name: str = ""
    """The name of the unit above, for the printed header ("" for the top unit)."""

    @property
    def processes(self) -> list[str]:
        """The names of the processes the report counts, in the order of its sections."""
        return list(dict.fromkeys(section.process for section in self.sections if section.process))

    def figure(self, key: str) -> Figure:
        """The figure with ``key`` (KeyError when absent)."""
        for section in self.sections:
            for figure in section.figures:
                if figure.key == key:
                    return figure
        raise KeyError(key)
