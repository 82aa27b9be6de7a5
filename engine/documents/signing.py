"""PAdES signatures (pyHanko) of issued documents, with a visible signature block on the last page.

The unit's key comes from ``engine.documents.certificates``; the block says who signed (title and name), for
which unit and on which day, in a font with the Vietnamese letters (``PHANANH_SIGNING_FONT``).
"""

import asyncio
import hashlib
import io
import logging
import os
import tempfile
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.orm import Session

from engine.core.errors import BadRequest, DomainError
from engine.core.models import Unit
from engine.core.settings import Settings, get_settings
from engine.documents.certificates import UnitSigningKey, unit_signing_key

if TYPE_CHECKING:  # pyHanko and fontTools are imported on first signature: the worker and the CLI start without them
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.sign.signers.pdf_cms import SimpleSigner

logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "FFTM NOT subset" on every signature

T = TypeVar("T")
FIELD_PREFIX = "ChuKySo"
BLOCK_WIDTH, BLOCK_HEIGHT, MARGIN = 250, 52, 6  # points, at the bottom right of the last page


class NotAPdf(BadRequest):
    """The bytes given are not a PDF that can be read."""


class SigningFailed(DomainError):
    """The signing key cannot be opened (wrong password, damaged file)."""


def outside_event_loop(function: Callable[[], T]) -> T:
    """Call ``function`` here, or in a worker thread when this thread runs an event loop (an async page handler):
    pyHanko's synchronous calls start their own loop, which a running loop forbids."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


def day_text(day: date) -> str:
    """A date as people write it: 14/01/2027."""
    return day.strftime("%d/%m/%Y")


def _signer(key: UnitSigningKey) -> "SimpleSigner":
    signer = _load_signer(key.p12, key.password)
    if signer is None:
        raise SigningFailed("Không mở được khóa ký của đơn vị (mật khẩu sai hoặc tệp PKCS#12 hỏng).")
    return signer


@lru_cache(maxsize=64)
def _load_signer(p12: bytes, password: bytes | None) -> "SimpleSigner | None":
    """The signer of a PKCS#12, loaded once per process (the key derivation is slow on purpose)."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.signers.pdf_cms import (
        SimpleSigner,
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    try:
        private_key, certificate, chain = pkcs12.load_key_and_certificates(p12, password)
    except (ValueError, TypeError):
        return None
    if private_key is None or certificate is None:
        return None
    store = SimpleCertificateStore()
    store.register_multiple([translate_pyca_cryptography_cert_to_asn1(c) for c in chain])
    return SimpleSigner(
        signing_key=translate_pyca_cryptography_key_to_asn1(private_key),
        signing_cert=translate_pyca_cryptography_cert_to_asn1(certificate),
        cert_registry=store,
    )


BLOCK_CHARACTERS = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x324),
    *range(0x1EA0, 0x1EFA),
    *range(0x2010, 0x2027),
]
"""Latin with every Vietnamese letter (precomposed and combining) and the usual punctuation."""


@lru_cache(maxsize=4)
def _font(path: str) -> "GlyphAccumulatorFactory":
    """The block's font, cut once to the Latin and Vietnamese letters without shaping tables (each signature
    subsets it again, so it must be small) and drawn on 1000 units (pyHanko writes glyph widths as they are)."""
    from fontTools.subset import Options, Subsetter
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

    digest = hashlib.sha256(f"{path}|{len(BLOCK_CHARACTERS)}|noshaping".encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / "phananh-fonts"
    prepared = folder / f"{Path(path).stem}-{digest}.ttf"
    if not prepared.is_file():
        font = TTFont(path)
        options = Options(layout_features=[], name_IDs=["*"], notdef_outline=True)
        options.drop_tables += ["GPOS", "GSUB", "GDEF", "kern"]  # precomposed letters need no shaping tables
        subsetter = Subsetter(options)
        subsetter.populate(unicodes=BLOCK_CHARACTERS)
        subsetter.subset(font)
        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        folder.mkdir(exist_ok=True)
        partial = prepared.with_suffix(f".{os.getpid()}.tmp")
        font.save(str(partial))
        partial.replace(prepared)
    return GlyphAccumulatorFactory(str(prepared), font_size=8)


def _escaped(text: str) -> str:
    return text.replace("%", "%%")  # pyHanko fills the stamp text with %-parameters


def sign_pdf(
    pdf: bytes,
    *,
    unit_id: int,
    signer_name: str,
    signer_title: str,
    session: Session,
    signed_on: date | None = None,
    settings: Settings | None = None,
) -> bytes:
    """The PDF signed (PAdES B-B) with the unit's key and a visible block: title, name, unit, date of signing.

    ``signed_on`` is the date the block shows (today by default); ``settings`` those of the process by default.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    settings = settings or get_settings()
    unit = session.get(Unit, unit_id)
    signer = _signer(unit_signing_key(session, unit_id=unit_id, settings=settings))
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        page_ref = writer.prev.find_page_for_modification(-1)[0]
        media_box = page_ref.get_object().get("/MediaBox") or (0, 0, 595, 842)  # inherited: A4
        x0, y0, x1, _y1 = (float(v) for v in media_box)
        existing = len(writer.prev.embedded_signatures)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise NotAPdf(f"Không đọc được tệp PDF để ký: {exc}") from exc
    field_name = f"{FIELD_PREFIX}{existing + 1}"
    right, bottom = int(x1 - MARGIN - 30), int(y0 + MARGIN)
    box = (right - BLOCK_WIDTH, bottom, right, bottom + BLOCK_HEIGHT)
    day = signed_on or date.today()
    unit_name = unit.name if unit is not None else ""
    lines = [
        f"Ký số bởi: {signer_title} {signer_name}".strip(),
        f"Đơn vị: {unit_name}",
        f"Ngày ký: {day_text(day)}",
    ]
    style = TextStampStyle(
        stamp_text=_escaped(unicodedata.normalize("NFC", "\n".join(lines))),
        text_box_style=TextBoxStyle(font=_font(str(settings.signing_font)), font_size=8),
        border_width=1,
        background=None,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=signer_name,
        location=unit_name,
        reason=f"{signer_title} {signer_name} ký ban hành".strip(),
    )
    pdf_signer = signers.PdfSigner(
        meta, signer, stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=-1, box=box),
    )  # fmt: skip
    return outside_event_loop(lambda: pdf_signer.sign_pdf(writer).getvalue())
