"""JSON Schema forms: loading from forms/, and validating submitted data with errors per field, in Vietnamese."""

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from engine.core.errors import FieldError, InvalidFormData, NotFound

if TYPE_CHECKING:  # jsonschema is imported on first validation: the worker and the CLI start without it
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

TITLE_EN = "x-title-en"
"""The English title of a schema (a form or one of its fields), beside its Vietnamese ``title``."""
ENUM_TITLES_EN = "x-enum-titles-en"
"""The English titles of an enum's codes, in the order of ``enum``, beside the Vietnamese ``x-enum-titles``."""


def schema_title(schema: Mapping[str, Any], lang: str = "vi") -> str | None:
    """The title of a form or field in the page's language: ``x-title-en`` in English when the form gives one,
    else the Vietnamese ``title`` (None when it has neither)."""
    title = schema.get(TITLE_EN) if lang == "en" else None
    title = title if isinstance(title, str) and title else schema.get("title")
    return title if isinstance(title, str) and title else None


def enum_titles(schema: Mapping[str, Any], lang: str = "vi") -> list[Any]:
    """The titles of an enum's codes in the page's language (``x-enum-titles-en`` in English when complete, else
    ``x-enum-titles``), parallel to ``enum``; [] when the schema names none."""
    titles = schema.get("x-enum-titles")
    english = schema.get(ENUM_TITLES_EN) if lang == "en" else None
    if isinstance(english, list) and isinstance(titles, list) and len(english) == len(titles):
        titles = english
    return titles if isinstance(titles, list) else []


_MESSAGES = {
    "required": "Trường bắt buộc chưa được nhập",
    "type": "Sai kiểu dữ liệu (cần {expected})",
    "enum": "Giá trị không nằm trong danh sách cho phép: {allowed}",
    "const": "Giá trị phải là {allowed}",
    "minLength": "Quá ngắn (tối thiểu {limit} ký tự)",
    "maxLength": "Quá dài (tối đa {limit} ký tự)",
    "minimum": "Nhỏ hơn giá trị tối thiểu {limit}",
    "maximum": "Lớn hơn giá trị tối đa {limit}",
    "minItems": "Cần chọn ít nhất {limit} mục",
    "uniqueItems": "Các mục không được trùng nhau",
    "format": "Sai định dạng ({expected})",
    "additionalProperties": "Trường không được phép: {extra}",
}


def _field_path(error: "ValidationError") -> str:
    path = ".".join(str(part) for part in error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return f"{path}.{missing}" if path else missing
    return path or "(form)"


def _message(error: "ValidationError") -> str:
    template = _MESSAGES.get(str(error.validator))
    if template is None:
        return error.message
    value = error.validator_value
    extra = ""
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set((error.schema or {}).get("properties", {}))
        extra = ", ".join(sorted(set(error.instance) - allowed))
    return template.format(
        expected=value,
        allowed=value if not isinstance(value, list) else ", ".join(map(str, value)),
        limit=value,
        extra=extra,
    )


class StoredFormSource(Protocol):
    """Where forms saved from the designer live (form_store.StoredForms reads form_schemas)."""

    def schema_of(self, name: str) -> dict | None: ...

    def names(self) -> list[str]: ...


class FormCatalog:
    """The JSON Schema forms of one forms/ folder (plus stored forms when a source is given), read once and cached."""

    def __init__(self, forms_dir: Path, stored: StoredFormSource | None = None) -> None:
        self.forms_dir = forms_dir
        self.stored = stored
        self._validators: dict[str, Draft202012Validator] = {}

    def _path(self, name: str) -> Path | None:
        if "/" in name or "\\" in name or name.startswith("."):
            return None
        return self.forms_dir / name

    def names(self) -> list[str]:
        """The names of every form: the folder's files and the stored forms, sorted."""
        files = (
            [path.name for path in self.forms_dir.glob("*.json") if path.is_file()] if self.forms_dir.is_dir() else []
        )
        stored = self.stored.names() if self.stored is not None else []
        return sorted({*files, *stored})

    def _load(self, name: str) -> tuple[object | None, str | None]:
        """(schema, None), or (None, why it cannot be used)."""
        path = self._path(name)
        if path is not None and path.is_file():
            try:
                return json.loads(path.read_text(encoding="utf-8")), None
            except json.JSONDecodeError as exc:
                return None, f"form '{name}' is not a valid JSON Schema: {str(exc).splitlines()[0]}"
        stored = self.stored.schema_of(name) if self.stored is not None and path is not None else None
        if stored is None:
            return None, f"form '{name}' does not exist in {self.forms_dir.name}/"
        return stored, None

    def problem_with(self, name: str) -> str | None:
        """Why the form ``name`` cannot be used, or None when it exists and is a valid schema."""
        schema, problem = self._load(name)
        if problem:
            return problem
        error = schema_error(json.dumps(schema, sort_keys=True, ensure_ascii=False))
        return f"form '{name}' is not a valid JSON Schema: {error}" if error else None

    def schema(self, name: str) -> dict:
        """The JSON Schema of a form."""
        return self._validator(name).schema

    def _validator(self, name: str) -> "Draft202012Validator":
        if name not in self._validators:
            from jsonschema import Draft202012Validator, FormatChecker

            problem = self.problem_with(name)
            if problem:
                raise NotFound(problem)
            schema, _ = self._load(name)
            self._validators[name] = Draft202012Validator(schema, format_checker=FormatChecker())
        return self._validators[name]

    def field_errors(self, name: str, data: object) -> list[FieldError]:
        """Every problem of ``data`` against the form, one entry per field and rule."""
        errors = sorted(self._validator(name).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
        found: list[FieldError] = []
        for error in errors:
            leaves = error.context if error.context else [error]
            for leaf in leaves:
                found.append(FieldError(field=_field_path(leaf), message=_message(leaf)))
        return found

    def validate(self, name: str, data: object) -> None:
        """Raise ``InvalidFormData`` listing every bad field."""
        errors = self.field_errors(name, data)
        if errors:
            raise InvalidFormData(name, errors)

    def enum_labels(self, name: str) -> dict[str, dict[str, str]]:
        """For each enum property of a form, its codes and their labels (``x-enum-titles``), e.g. fields."""
        labels = {}
        for prop_name, prop in self.schema(name).get("properties", {}).items():
            prop = prop.get("items", prop) if prop.get("type") == "array" else prop
            if "enum" in prop:
                titles = prop.get("x-enum-titles", prop["enum"])
                labels[prop_name] = dict(zip(prop["enum"], titles, strict=False))
        return labels


@functools.lru_cache(maxsize=1024)
def schema_error(schema_text: str) -> str | None:
    """The first line of why a JSON Schema (as canonical JSON text) is invalid, or None.

    Checking a schema against the metaschema is slow; the same forms are checked again by every catalog (each
    deployment lint, each set of services), so the verdict is kept per schema text.
    """
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(json.loads(schema_text))
    except SchemaError as exc:
        return str(exc).splitlines()[0]
    return None
