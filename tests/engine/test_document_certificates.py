"""The demo CA and the units' demo certificates (marked DEMO, made once per unit), and the doctor's document checks."""

import shutil

import pytest
from cryptography import x509
from sqlalchemy import delete, select

from engine.core.models import SigningCertificate, Unit
from engine.demo import load_demo_certificates
from engine.doctor import check_converter, check_signing_keys
from engine.documents.certificates import CertificateRole
from engine.documents.converter import Converter
from engine.people.units import create_unit


def _rows(world, role: CertificateRole) -> list[SigningCertificate]:
    with world.factory() as session:
        return list(session.scalars(select(SigningCertificate).where(SigningCertificate.role == role)))


def test_the_seed_gives_every_unit_a_demo_certificate_chained_to_a_demo_root(world):
    units, roots = _rows(world, CertificateRole.UNIT), _rows(world, CertificateRole.ROOT)
    assert sorted(row.unit_id for row in units) == sorted(world.units.values())
    assert len(roots) == 1 and roots[0].p12 is None, "the CA's private key is not kept"
    root = x509.load_der_x509_certificate(roots[0].certificate)
    assert root.subject.rfc4514_string().startswith("CN=Phản Ánh CA thử nghiệm (DEMO)")
    for row in units:
        certificate = x509.load_der_x509_certificate(row.certificate)
        assert certificate.issuer == root.subject and row.demo
        assert certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value.endswith("(DEMO)")


def test_demo_certificates_are_made_once_and_a_new_unit_gets_its_own(world):
    assert load_demo_certificates(world.factory, world.services) == 0, "every unit has one already"
    with world.factory() as session:
        create_unit(session, code="w13", name="Phường mới", parent=session.get(Unit, world.units["d1"]))
        session.commit()
    assert load_demo_certificates(world.factory, world.services) == 1
    assert len(_rows(world, CertificateRole.ROOT)) == 2, "a new demo CA for the new unit, trusted as well"


def test_the_doctor_names_units_without_a_signing_key(world):
    with world.factory() as session:
        assert check_signing_keys(session, world.settings)[0].ok
        assert "DEMO" in check_signing_keys(session, world.settings)[0].message
        session.execute(delete(SigningCertificate).where(SigningCertificate.unit_id == world.units["w11"]))
        finding = check_signing_keys(session, world.settings)[0]
    assert not finding.ok and "w11" in finding.message


def test_the_doctor_reports_a_missing_libreoffice_and_a_working_one():
    missing = check_converter(Converter(soffice="/nonexistent/soffice", python="/usr/bin/python3"))[0]
    assert not missing.ok and "libreoffice-writer-nogui" in missing.message
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    converter = Converter(soffice="soffice", python="/usr/bin/python3")
    working = check_converter(converter)[0]
    assert working.ok and "LibreOffice converts DOCX to PDF" in working.message
    assert not converter.running, "the doctor stops the LibreOffice it started"
