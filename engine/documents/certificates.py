"""The units' signing keys and the instance's trust roots; the demo CA that ``phananh demo`` and the tests make.

A unit signs with ``<PHANANH_SIGNING_P12_DIR>/<unit code>.p12`` (password ``PHANANH_SIGNING_P12_PASSWORD``) when
that file exists, else with its demo key kept in ``signing_certificates`` (made by ``phananh demo``: a demo key is
no secret and its PKCS#12 has no password; real keys are files, readable only by the service's account).
Signatures are trusted when they chain to a root of that table or to one of the PEM files listed in
``PHANANH_SIGNING_TRUST_ROOTS``. Demo certificates say so in their name: "… (DEMO)".
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import DomainError
from engine.core.models import SigningCertificate, Unit
from engine.core.settings import Settings

DEMO_MARK = "(DEMO)"
DEMO_CA_NAME = f"Phản Ánh CA thử nghiệm {DEMO_MARK}"
DEMO_YEARS = 5


class CertificateRole(StrEnum):
    """What a row of ``signing_certificates`` is."""

    ROOT = "root"
    UNIT = "unit"


class SigningKeyMissing(DomainError):
    """The unit has no signing key: neither a PKCS#12 file in the settings' directory nor one in the database."""


@dataclass(frozen=True)
class UnitSigningKey:
    """A unit's PKCS#12 and the password that opens it."""

    p12: bytes
    password: bytes | None
    source: str  # "file" or "database"


def unit_signing_key(session: Session, *, unit_id: int, settings: Settings) -> UnitSigningKey:
    """The key a unit signs with: its file in ``signing_p12_dir`` first, else its row; ``SigningKeyMissing``."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise SigningKeyMissing(f"Không có đơn vị số {unit_id} để ký văn bản.")
    if settings.signing_p12_dir is not None:
        path = Path(settings.signing_p12_dir) / f"{unit.code}.p12"
        if path.is_file():
            return UnitSigningKey(path.read_bytes(), settings.signing_p12_password.encode() or None, "file")
    row = session.scalar(
        select(SigningCertificate).where(
            SigningCertificate.role == CertificateRole.UNIT, SigningCertificate.unit_id == unit_id
        )
    )
    if row is None or row.p12 is None:
        raise SigningKeyMissing(
            f"Đơn vị «{unit.name}» chưa có chứng thư số để ký: đặt tệp {unit.code}.p12 vào thư mục "
            "PHANANH_SIGNING_P12_DIR (hoặc chạy `phananh demo` để có chứng thư thử nghiệm)."
        )
    return UnitSigningKey(row.p12, None, "database")


def trust_roots(session: Session, settings: Settings) -> list[asn1_x509.Certificate]:
    """The certificates a signature must chain to: the roots of the table and the PEM files of the settings."""
    roots = [
        asn1_x509.Certificate.load(der)
        for der in session.scalars(
            select(SigningCertificate.certificate).where(SigningCertificate.role == CertificateRole.ROOT)
        )
    ]
    for name in (part.strip() for part in settings.signing_trust_roots.split(",")):
        if not name:
            continue
        data = Path(name).read_bytes()
        if pem.detect(data):
            roots.extend(asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True))
        else:
            roots.append(asn1_x509.Certificate.load(data))
    return roots


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(
    *, subject: x509.Name, issuer: x509.Name, public_key, issuer_key, now: datetime, ca: bool
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * DEMO_YEARS))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if ca:
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    else:
        usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)  # signature, non-repudiation
    return builder.add_extension(usage, critical=True).sign(issuer_key, hashes.SHA256())


def make_unit_key(
    *, unit_name: str, ca_certificate: x509.Certificate, ca_key, now: datetime, password: bytes | None, demo: bool
) -> tuple[x509.Certificate, bytes]:
    """A new key and certificate for a unit, issued by ``ca_key``, as (certificate, PKCS#12)."""
    key = ec.generate_private_key(ec.SECP256R1())
    common_name = f"{unit_name} {DEMO_MARK}" if demo else unit_name
    certificate = _certificate(
        subject=_name(common_name, unit_name), issuer=ca_certificate.subject, public_key=key.public_key(),
        issuer_key=ca_key, now=now, ca=False,
    )  # fmt: skip
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    p12 = pkcs12.serialize_key_and_certificates(common_name.encode(), key, certificate, [ca_certificate], encryption)
    return certificate, p12


def make_ca(*, name: str, now: datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A self-signed certification authority (for the demo and the tests)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(name, "Phản Ánh")
    certificate = _certificate(
        subject=subject, issuer=subject, public_key=key.public_key(), issuer_key=key, now=now, ca=True
    )
    return certificate, key


def make_demo_certificates(session: Session, *, now: datetime) -> int:
    """Give every unit without a key a demo certificate from a fresh demo CA (kept as a trust root).

    The CA's private key is not kept: a later unit gets its own demo CA. Returns how many units got a key.
    """
    have_key = set(
        session.scalars(select(SigningCertificate.unit_id).where(SigningCertificate.role == CertificateRole.UNIT))
    )
    units = [u for u in session.scalars(select(Unit).order_by(Unit.id)) if u.id not in have_key]
    if not units:
        return 0
    ca_certificate, ca_key = make_ca(name=DEMO_CA_NAME, now=now)
    session.add(_row(CertificateRole.ROOT, None, ca_certificate, None, now))
    for unit in units:
        certificate, p12 = make_unit_key(
            unit_name=unit.name, ca_certificate=ca_certificate, ca_key=ca_key, now=now, password=None, demo=True
        )
        session.add(_row(CertificateRole.UNIT, unit.id, certificate, p12, now))
    session.flush()
    return len(units)


def _row(
    role: CertificateRole, unit_id: int | None, certificate: x509.Certificate, p12: bytes | None, now: datetime
) -> SigningCertificate:
    return SigningCertificate(
        role=role, unit_id=unit_id, subject=certificate.subject.rfc4514_string()[:255],
        certificate=certificate.public_bytes(serialization.Encoding.DER), p12=p12, demo=True,
        not_after=certificate.not_valid_after_utc, created_at=now,
    )  # fmt: skip
