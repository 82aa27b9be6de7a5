"""Whether a DOCX is a usable template: a Word document whose placeholders (docxtpl/Jinja) parse."""

import io
import zipfile
from functools import lru_cache

from jinja2 import TemplateSyntaxError

from engine.core.errors import BadRequest


class TemplateRefused(BadRequest):
    """An uploaded template that is not a usable DOCX template (the message says why)."""


def template_variables(docx: bytes) -> list[str]:
    """The placeholders a DOCX template uses, sorted; TemplateRefused when it is no DOCX or does not parse."""
    return list(_parsed_variables(docx))


@lru_cache(maxsize=32)
def _parsed_variables(docx: bytes) -> tuple[str, ...]:
    """The placeholders of one DOCX, parsed once per process (every lint of a process reads its templates)."""
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
