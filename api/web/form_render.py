"""Render a task's JSON Schema form as HTML fields, and turn the posted HTML form back into JSON data.

The same schema in ``forms/`` drives both directions: :func:`form_fields` describes the widgets for the
``_form.html`` macro, :func:`parse_submission` rebuilds typed JSON from the posted fields, and the server's
validator (``FormCatalog``) stays the only judge of what is valid. Parsing therefore never rejects
anything: empty optional fields are left out and unparseable numbers are passed on as text, so the validator
reports them next to the right field with its usual Vietnamese message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from engine.processes.forms import enum_titles, schema_title

FORM_LEVEL = "(form)"
"""The field name the validator uses for problems of the form as a whole."""

LONG_TEXT_NAMES = frozenset(
    {
        "description",
        "findings",
        "conclusion",
        "summary",
        "instructions",
        "instruction",
        "comment",
        "note",
        "reason",
        "evidence",
        "recommendation",
    }
)
"""Property names shown as a multi-line text area when the schema gives no ``maxLength``."""

SHORT_TEXT_MAX_LENGTH = 300
"""A string whose ``maxLength`` is above this is shown as a text area, up to it as a single-line text box."""

RADIO_MAX_OPTIONS = 3
"""An enum with at most this many options is shown as radio buttons, otherwise as a drop-down list."""

BOOLEAN_OPTIONS = [("true", "Có"), ("false", "Không")]
"""Value and label of the yes/no radio pair of a boolean field."""

STRING_LIST_HELP = "Mỗi dòng một mục."
"""Help shown under a list typed in a text area when the schema has no ``description``."""

_INPUT_TYPES = {
    "text": "text",
    "date": "date",
    "email": "email",
    "url": "url",
    "number": "number",
    "integer": "number",
}
_STRING_FORMATS = {"date": "date", "email": "email", "uri": "url"}
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


PeopleFor = Callable[[str | None], list[tuple[str, str]]]
"""For a person field's role (``x-role``), the eligible people as (username, full name), e.g. of the case's unit."""


class _HasFieldError(Protocol):
    field: str
    message: str


@dataclass
class FieldView:
    """One widget of a rendered form, described for the ``render_fields`` macro of ``_form.html``."""

    name: str
    label: str
    kind: str
    required: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)
    value: Any = None
    error: str | None = None
    help: str | None = None
    children: list[FieldView] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The HTML id of the widget: ``f-`` and the dotted path with dots replaced by dashes."""
        return "f-" + self.name.replace(".", "-")

    @property
    def error_id(self) -> str:
        """The HTML id of the element holding the error message."""
        return self.id + "-error"

    @property
    def help_id(self) -> str:
        """The HTML id of the element holding the help text."""
        return self.id + "-help"

    @property
    def described_by(self) -> str:
        """The ``aria-describedby`` value: the ids of the help text and error shown with the field, or ''."""
        ids = [self.help_id] if self.help else []
        if self.error:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def input_type(self) -> str:
        """The ``type`` attribute of an ``<input>`` for the single-line kinds."""
        return _INPUT_TYPES.get(self.kind, "text")

    @property
    def text(self) -> str:
        """The value as text for an ``<input value>`` or a ``<textarea>`` (one item per line for lists)."""
        if isinstance(self.value, list):
            return "\n".join(_option_value(item) for item in self.value)
        return _option_value(self.value)

    def is_selected(self, option: str) -> bool:
        """Whether the option (its value as posted) is the current value, or one of them for checkboxes."""
        if isinstance(self.value, list):
            return option in {_option_value(item) for item in self.value}
        return self.value is not None and _option_value(self.value) == option

    def option_id(self, index: int) -> str:
        """The HTML id of the ``index``-th radio button or checkbox of the field."""
        return f"{self.id}-{index}"


# --- schema helpers -------------------------------------------------------------------------------------------


def _option_value(value: Any) -> str:
    """A JSON value as it travels in an HTML form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _schema_type(schema: Mapping[str, Any]) -> str | None:
    """The single JSON type of a schema (the first non-null one of a type list), or None when not given."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None and "properties" in schema:
        return "object"
    return kind if isinstance(kind, str) else None


def _properties(schema: Mapping[str, Any]) -> dict[str, dict]:
    """The ``properties`` of an object schema, ignoring anything that is not a sub-schema and ``readOnly`` ones
    (set by the system, e.g. the matter of a petition: neither shown nor read from a post)."""
    props = schema.get("properties")
    if not isinstance(props, Mapping):
        return {}
    return {name: sub for name, sub in props.items() if isinstance(sub, Mapping) and not sub.get("readOnly")}


def _options(schema: Mapping[str, Any], lang: str = "vi") -> list[tuple[str, str]]:
    """(value, label) of each enum member, the label from the parallel ``x-enum-titles`` list when present
    (``x-enum-titles-en`` on an English page)."""
    values = schema.get("enum") or []
    titles = enum_titles(schema, lang)
    options = []
    for index, value in enumerate(values):
        label = titles[index] if index < len(titles) and titles[index] else _option_value(value)
        options.append((_option_value(value), str(label)))
    return options


def _string_kind(name: str, schema: Mapping[str, Any]) -> str:
    """The widget of a plain string: ``x-widget: textarea``, then by format, then by length or name."""
    if schema.get("x-widget") == "textarea":
        return "textarea"
    fmt = schema.get("format")
    if fmt in _STRING_FORMATS:
        return _STRING_FORMATS[fmt]
    max_length = schema.get("maxLength")
    if isinstance(max_length, int):
        return "textarea" if max_length > SHORT_TEXT_MAX_LENGTH else "text"
    return "textarea" if name.rsplit(".", 1)[-1] in LONG_TEXT_NAMES else "text"


def field_kind(name: str, schema: Mapping[str, Any]) -> str:
    """The widget kind of the property at dotted path ``name`` with sub-schema ``schema``."""
    kind = _schema_type(schema)
    if schema.get("x-widget") == "user" and kind in ("string", None):
        return "person"
    if "enum" in schema and kind != "array":
        return "radio" if len(schema["enum"]) <= RADIO_MAX_OPTIONS else "select"
    if kind == "object":
        return "group"
    if kind == "boolean":
        return "boolean"
    if kind in ("integer", "number"):
        return kind
    if kind == "array":
        items = schema.get("items")
        return "checkboxes" if isinstance(items, Mapping) and "enum" in items else "string_list"
    return _string_kind(name, schema)


def _help(kind: str, schema: Mapping[str, Any]) -> str | None:
    """The schema's ``description``; a list typed in a text area says how to type it."""
    description = schema.get("description")
    if isinstance(description, str) and description:
        return description
    return STRING_LIST_HELP if kind == "string_list" else None


def _attrs(kind: str, schema: Mapping[str, Any]) -> dict[str, str]:
    """HTML attributes that mirror the schema's limits (the validator still has the last word)."""
    attrs: dict[str, str] = {}
    if kind in ("text", "textarea", "email", "url") and isinstance(schema.get("maxLength"), int):
        attrs["maxlength"] = str(schema["maxLength"])
    if kind in ("integer", "number"):
        for key, attr in (("minimum", "min"), ("maximum", "max")):
            if isinstance(schema.get(key), int | float) and not isinstance(schema.get(key), bool):
                attrs[attr] = _option_value(schema[key])
        attrs["step"] = "1" if kind == "integer" else "any"
    return attrs


# --- schema -> widgets ----------------------------------------------------------------------------------------


def _error_for(name: str, kind: str, errors: Mapping[str, str]) -> str | None:
    """The message for a field; list fields also take the errors of their items (``channels.0``)."""
    if name in errors:
        return errors[name]
    if kind in ("checkboxes", "string_list"):
        prefix = name + "."
        return next((message for key, message in errors.items() if key.startswith(prefix)), None)
    return None


def _field_view(
    name: str,
    schema: Mapping[str, Any],
    required: bool,
    values: Mapping[str, Any] | None,
    errors: Mapping[str, str],
    people: PeopleFor | None = None,
    lang: str = "vi",
) -> FieldView:
    """Describe one property (recursively for nested objects), labelled in ``lang``."""
    kind = field_kind(name, schema)
    key = name.rsplit(".", 1)[-1]
    view = FieldView(
        name=name,
        label=schema_title(schema, lang) or key,
        kind=kind,
        required=required,
        error=_error_for(name, kind, errors),
        help=_help(kind, schema),
        attrs=_attrs(kind, schema),
    )
    if kind == "group":
        nested = None if values is None else values.get(key)
        if values is not None and not isinstance(nested, Mapping):
            nested = {}
        view.children = _object_fields(schema, nested, errors, name + ".", people, lang)
        return view
    if kind == "boolean":
        view.options = list(BOOLEAN_OPTIONS)
    elif kind == "checkboxes":
        view.options = _options(schema["items"], lang)
    elif kind in ("radio", "select"):
        view.options = _options(schema, lang)
    elif kind == "person":
        role = schema.get("x-role")
        view.options = people(role if isinstance(role, str) else None) if people is not None else []
    view.value = values.get(key) if values is not None else schema.get("default")
    return view


def _object_fields(
    schema: Mapping[str, Any],
    values: Mapping[str, Any] | None,
    errors: Mapping[str, str],
    prefix: str,
    people: PeopleFor | None = None,
    lang: str = "vi",
) -> list[FieldView]:
    """The widgets of every property of an object schema, in schema order."""
    required = schema.get("required") if isinstance(schema.get("required"), list) else []
    return [
        _field_view(prefix + key, sub, key in required, values, errors, people, lang)
        for key, sub in _properties(schema).items()
    ]


def form_fields(
    schema: dict,
    values: dict | None = None,
    errors: dict[str, str] | None = None,
    *,
    people: PeopleFor | None = None,
    lang: str = "vi",
) -> list[FieldView]:
    """The widgets of a form schema, filled with ``values`` and annotated with ``errors``.

    ``values`` is the JSON data to show (as stored, or as parsed from the last post). When it is None or empty
    the form is shown for the first time and each field shows its schema ``default``; otherwise fields missing
    from it are shown empty (the person cleared them).

    ``errors`` maps dotted field paths to one message each (see :func:`errors_by_field`); an error on ``(form)``
    or on a path with no widget is not attached to any field (see :func:`unplaced_errors`).

    ``people`` gives the options of a person field (``"x-widget": "user"``, ``"x-role"``): a drop-down list of
    full names whose values are usernames; without it the list is empty.

    ``lang`` is the page's language: in English, labels and options take the form's ``x-title-en`` and
    ``x-enum-titles-en`` where it gives them.
    """
    return _object_fields(schema, values or None, errors or {}, "", people, lang)


def _walk(fields: Iterable[FieldView]) -> Iterable[FieldView]:
    """Every field, depth first, groups included."""
    for view in fields:
        yield view
        yield from _walk(view.children)


def unplaced_errors(fields: list[FieldView], errors: Mapping[str, str]) -> list[str]:
    """The messages of ``errors`` that no field shows (``(form)``, unknown paths), for the top of the page."""
    names = {view.name for view in _walk(fields)}
    lists = [view.name + "." for view in _walk(fields) if view.kind in ("checkboxes", "string_list")]
    return [
        message
        for key, message in errors.items()
        if key not in names and not any(key.startswith(prefix) for prefix in lists)
    ]


def errors_by_field(field_errors: Iterable[_HasFieldError]) -> dict[str, str]:
    """The first message per field of a list of ``FieldError``-like objects (``.field``, ``.message``)."""
    found: dict[str, str] = {}
    for error in field_errors:
        found.setdefault(str(error.field), str(error.message))
    return found


# --- posted form -> JSON --------------------------------------------------------------------------------------


def _getlist(form: Any, key: str) -> list[str]:
    """All text values posted under ``key`` from a Starlette ``FormData`` or a dict of str / list of str."""
    if hasattr(form, "getlist"):
        raw: Any = form.getlist(key)
    else:
        raw = form.get(key) if isinstance(form, Mapping) else None
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        raw = [raw]
    return [item.replace("\r\n", "\n") for item in raw if isinstance(item, str)]


def _first(values: list[str]) -> str:
    """The first posted value, stripped, or '' when nothing was posted."""
    return values[0].strip() if values else ""


def parse_scalar(schema: Mapping[str, Any], raw: str) -> Any:
    """One posted text as the schema's type; text that does not parse is returned unchanged."""
    kind = _schema_type(schema)
    if "enum" in schema:
        return next((member for member in schema["enum"] if _option_value(member) == raw), raw)
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw.lower(), raw)
    if kind == "integer" or (kind == "number" and _INTEGER.fullmatch(raw)):
        return _parse_integer(raw)
    if kind == "number":
        return _parse_number(raw)
    return raw


def _parse_integer(raw: str) -> int | str:
    """An integer from ASCII digits, else the raw text."""
    if not _INTEGER.fullmatch(raw):
        return raw
    try:
        return int(raw)
    except ValueError:  # more digits than Python converts
        return raw


def _parse_number(raw: str) -> float | str:
    """A finite decimal number, else the raw text."""
    if not _NUMBER.fullmatch(raw):
        return raw
    number = float(raw)
    return number if math.isfinite(number) else raw


def _parse_array(schema: Mapping[str, Any], posted: list[str]) -> list[Any]:
    """Checkboxes (one value per ticked box) or a text area with one item per line, empty items dropped."""
    items = schema.get("items") if isinstance(schema.get("items"), Mapping) else {}
    lines = [line.strip() for value in posted for line in value.split("\n")]
    return [parse_scalar(items, line) for line in lines if line]


def _parse_object(schema: Mapping[str, Any], form: Any, prefix: str) -> dict[str, Any]:
    """The JSON object of a schema from posted fields named by dotted path; empty fields are left out."""
    data: dict[str, Any] = {}
    for key, sub in _properties(schema).items():
        name = prefix + key
        kind = _schema_type(sub)
        if kind == "object":
            value: Any = _parse_object(sub, form, name + ".")
        elif kind == "array":
            value = _parse_array(sub, _getlist(form, name))
        else:
            raw = _first(_getlist(form, name))
            value = parse_scalar(sub, raw) if raw else None
        if value not in (None, {}, []):
            data[key] = value
    return data


def parse_submission(schema: dict, form: Mapping[str, str | list[str]] | Any) -> dict:
    """The JSON data of a posted HTML form, typed after ``schema``; never raises on bad input.

    ``form`` is a Starlette ``FormData`` (read with ``getlist``) or a plain dict of str / list of str, keyed by
    dotted paths (``subject.name``). Numbers and booleans ("true"/"false") are converted when they parse and
    kept as text otherwise; list fields come from ticked checkboxes or from a text area, one item per line.
    Empty fields, empty lists and empty nested objects are left out, so that ``required`` is reported by the
    validator. Posted names that are not in the schema are ignored.
    """
    return _parse_object(schema, form, "")
