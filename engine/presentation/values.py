"""The presenter: case data shown through the form schemas that collected it.

Given the JSON Schemas of a process's forms and a case's data, :class:`Presenter` gives an ordered list of
:class:`ShownField`: the field's ``title``, its value as a person reads it (enum titles from ``x-enum-titles``,
booleans as Có/Không, dates as 14/01/2027, times in the unit's zone as 14/01/2027 22:09, numbers written the
Vietnamese way, people by full name with the username on hover), nested objects as groups and lists item by item.
Fields no form names come after the others, labelled from the table of computed fields or by their key in words;
their values are still never a raw ISO time, ``True`` or an enum code.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.presentation.labels import computed_field_label
from engine.processes.forms import TITLE_EN, enum_titles, schema_title

HIDDEN_FIELDS = frozenset({"statistics_record", "anonymous"})
"""Data kept for the system, never shown (the statistics record, the anonymity flag)."""

EMPTY = "—"
_YES_NO = {"vi": ("Có", "Không"), "en": ("Yes", "No")}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")


@dataclass
class ShownField:
    """One field as a person reads it: a label and a text, or a group of fields (``children``)."""

    key: str
    label: str
    text: str = EMPTY
    hover: str | None = None
    children: list["ShownField"] = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        """Whether the field is a nested object or a list of objects, shown as its own list of fields."""
        return bool(self.children)

    def inline(self) -> str:
        """The field's value on one line (a group as "label: value; …")."""
        if not self.children:
            return self.text
        return "; ".join(f"{child.label}: {child.inline()}" for child in self.children)


@dataclass(frozen=True)
class ShownChange:
    """One changed field of a task's submission: its label, and the old and new values as a person reads them."""

    key: str
    label: str
    old: str
    new: str
    old_hover: str | None = None
    new_hover: str | None = None


def vietnamese_number(value: float | int, lang: str = "vi") -> str:
    """A number written the Vietnamese way (1.234.567,5), or the English way with ``lang="en"``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")
    if lang != "vi":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _merged_properties(schemas: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """The properties of several object schemas, in order; the first schema naming a property wins."""
    merged: dict[str, Mapping[str, Any]] = {}
    for schema in schemas:
        properties = schema.get("properties") if isinstance(schema, Mapping) else None
        if isinstance(properties, Mapping):
            for key, sub in properties.items():
                if isinstance(sub, Mapping):
                    merged.setdefault(key, sub)
    return merged


def _enum_titles(schema: Mapping[str, Any], lang: str = "vi") -> dict[str, str]:
    values = schema.get("enum") or []
    titles = enum_titles(schema, lang)
    return {str(v): str(titles[i]) for i, v in enumerate(values) if i < len(titles) and titles[i]}


def _all_enum_titles(schemas: Iterable[Mapping[str, Any]], lang: str = "vi") -> dict[str, str]:
    """Every enum code of the schemas (at any depth) and its title: the fallback for fields no form names."""
    found: dict[str, str] = {}

    def walk(node: object) -> None:
        if isinstance(node, Mapping):
            if "enum" in node:
                for code, title in _enum_titles(node, lang).items():
                    found.setdefault(code, title)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    for schema in schemas:
        walk(schema)
    return found


class Presenter:
    """Turns data into :class:`ShownField` lists through form schemas (see the module's docstring)."""

    def __init__(
        self,
        schemas: Iterable[Mapping[str, Any]],
        *,
        zone: ZoneInfo,
        lang: str = "vi",
        people: Mapping[str, str] | None = None,
        known_codes: Iterable[Mapping[str, Any]] = (),
    ) -> None:
        """``schemas`` order and label the fields; ``known_codes`` (e.g. every form) only lends enum titles to
        fields the schemas do not name; ``people`` maps usernames to full names."""
        self.schemas = list(schemas)
        self.properties = _merged_properties(self.schemas)
        self.lang = lang if lang in _YES_NO else "vi"
        self.codes = _all_enum_titles([*self.schemas, *known_codes], self.lang)
        self.zone = zone
        self.people = dict(people or {})

    # --- values ---------------------------------------------------------------------------------------------

    def moment(self, value: datetime) -> str:
        """A time in the unit's zone, 14/01/2027 22:09 (a naive time is taken as UTC)."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo("UTC"))
        return value.astimezone(self.zone).strftime("%d/%m/%Y %H:%M")

    def _string(self, schema: Mapping[str, Any], value: str) -> tuple[str, str | None]:
        titles = _enum_titles(schema, self.lang)
        if value in titles:
            return titles[value], None
        if value in self.people:
            return self.people[value], value
        if _ISO_DAY.fullmatch(value):
            try:
                return date.fromisoformat(value).strftime("%d/%m/%Y"), None
            except ValueError:
                return value, None
        if _ISO_TIME.fullmatch(value):
            try:
                return self.moment(datetime.fromisoformat(value.replace("Z", "+00:00"))), None
            except ValueError:
                return value, None
        if "enum" not in schema and value in self.codes:
            return self.codes[value], None
        return value, None

    def value_text(self, schema: Mapping[str, Any], value: object) -> tuple[str, str | None]:
        """(text, hover) of one scalar value: the hover is the username of a person shown by name."""
        if value is None or value == "":
            return EMPTY, None
        if isinstance(value, bool):
            yes, no = _YES_NO[self.lang]
            return (yes if value else no), None
        if isinstance(value, int | float):
            return vietnamese_number(value, self.lang), None
        if isinstance(value, datetime):
            return self.moment(value), None
        if isinstance(value, date):
            return value.strftime("%d/%m/%Y"), None
        if isinstance(value, str):
            return self._string(schema, value)
        return str(value), None

    # --- fields ---------------------------------------------------------------------------------------------

    def label(self, key: str, schema: Mapping[str, Any] | None = None) -> str:
        """The title of a field in its schema, else the title of the enum code it is (a table keyed by codes),
        else the computed field's label or the key in words."""
        title = schema_title(schema, self.lang) if schema is not None else None
        if title:
            return str(title)
        return self.codes.get(key) or computed_field_label(key, self.lang)

    def field(self, key: str, schema: Mapping[str, Any], value: object, path: str = "") -> ShownField:
        """One field, recursively for objects and lists."""
        shown = ShownField(key=path + key, label=self.label(key, schema))
        if isinstance(value, Mapping):
            shown.children = self._fields(_merged_properties([schema]), value, shown.key + ".")
            if not shown.children:
                shown.text = EMPTY
            return shown
        if isinstance(value, list | tuple):
            found = schema.get("items")
            items: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
            if any(isinstance(item, Mapping) for item in value):
                numbered = {**items, TITLE_EN: ""}
                shown.children = [
                    self.field(str(number), {**numbered, "title": f"{number}"}, item, shown.key + ".")
                    for number, item in enumerate(value, start=1)
                ]
                return shown
            texts = [self.value_text(items, item)[0] for item in value]
            shown.text = ", ".join(texts) if texts else EMPTY
            return shown
        shown.text, shown.hover = self.value_text(schema, value)
        return shown

    def _fields(self, properties: Mapping[str, Mapping[str, Any]], data: Mapping, prefix: str) -> list[ShownField]:
        named = [key for key in properties if key in data and key not in HIDDEN_FIELDS]
        others = sorted(
            (key for key in data if key not in properties and key not in HIDDEN_FIELDS and isinstance(key, str)),
            key=lambda key: self.label(key),
        )
        return [self.field(key, properties.get(key, {}), data[key], prefix) for key in [*named, *others]]

    def present(self, data: Mapping[str, Any]) -> list[ShownField]:
        """Every field of ``data`` (except the hidden ones): the forms' fields in form order, then the others."""
        return self._fields(self.properties, data, "")

    def changes(self, diff: Mapping[str, Any]) -> list[ShownChange]:
        """The changed fields of an audit event's ``data_diff`` (``{key: {"old": …, "new": …}}``), labelled."""
        shown = []
        for key, change in diff.items():
            if key in HIDDEN_FIELDS or not isinstance(change, Mapping):
                continue
            schema = self.properties.get(key, {})
            old = self.field(key, schema, change.get("old"))
            new = self.field(key, schema, change.get("new"))
            shown.append(ShownChange(key, new.label, old.inline(), new.inline(), old.hover, new.hover))
        order = {key: index for index, key in enumerate(self.properties)}
        return sorted(shown, key=lambda change: order.get(change.key, len(order)))
