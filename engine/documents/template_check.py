"""Whether a DOCX is a usable template: a Word document whose placeholders (docxtpl/Jinja) parse."""

import hashlib
import io
import threading
import zipfile

from jinja2 import TemplateSyntaxError

from engine.core.errors import BadRequest


class TemplateRefused(BadRequest):
    """An uploaded template that is not a usable DOCX template (the message says why)."""


PARSED_KEPT = 64
"""How many templates' placeholders a process remembers (by content digest; the oldest is forgotten first)."""
_parsed: dict[bytes, tuple[str, ...]] = {}
_parsed_lock = threading.Lock()


def template_variables(docx: bytes) -> list[str]:
    """The placeholders a DOCX template uses, sorted; TemplateRefused when it is no DOCX or does not parse.

    Each content is parsed once per process (every lint of a process reads its templates again); the
    placeholders are remembered by the content's SHA-256, so no uploaded file is kept in memory.
    """
    digest = hashlib.sha256(docx).digest()
    with _parsed_lock:
        known = _parsed.get(digest)
    if known is None:
        known = _parse_variables(docx)
        with _parsed_lock:
            _parsed[digest] = known
            while len(_parsed) > PARSED_KEPT:
                del _parsed[next(iter(_parsed))]
    return list(known)


def _parse_variables(docx: bytes) -> tuple[str, ...]:
    from docxtpl import DocxTemplate  # on first use: python-docx is slow to import

    if not zipfile.is_zipfile(io.BytesIO(docx)):
        raise TemplateRefused("Tệp mẫu không phải tệp DOCX (Word 2007 trở lên)")
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise TemplateRefused("Tệp mẫu không phải văn bản Word: thiếu word/document.xml")
        template = DocxTemplate(io.BytesIO(docx))
        return tuple(sorted(template.get_undeclared_template_variables()))
    except TemplateSyntaxError as exc:
        raise TemplateRefused(f"Trường trộn trong mẫu sai cú pháp (dòng {exc.lineno}): {exc.message}") from exc
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TemplateRefused(f"Không đọc được tệp mẫu DOCX: {exc}") from exc
