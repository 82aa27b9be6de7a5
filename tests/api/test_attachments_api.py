"""Evidence files over REST: upload, list, download and completing a task with files, like the task page."""

import hashlib
import json

from engine.cases.attachments import PROTECTED_FILE_NAME
from engine.cases.audit import verify_chain
from engine.cases.queries import case_events
from tests.cases import VERIFY, start_report, walk_to_verification

CONTENT = b"bien ban xac minh"


def upload(api, case_id: int, user: str = "officer1", content: bytes = CONTENT, **form):
    files = {"file": ("bien-ban.txt", content, "text/plain")}
    return api.post(f"/api/cases/{case_id}/attachments", user, files=files, data=form)


def test_an_officer_uploads_a_file_that_is_listed_with_its_sha256_downloaded_and_audited(api, world):
    case_id = start_report(world)
    response = upload(api, case_id)
    assert response.status_code == 201, response.text
    stored = response.json()
    assert stored["file_name"] == "bien-ban.txt" and stored["size"] == len(CONTENT)
    assert stored["sha256"] == hashlib.sha256(CONTENT).hexdigest()
    assert stored["uploaded_by"] == "officer1" and stored["identity_bearing"] is False

    listed = api.get(f"/api/cases/{case_id}/attachments", "supervisor1")
    assert listed.status_code == 200
    assert [(a["id"], a["sha256"], a["uploaded_at"]) for a in listed.json()] == [
        (stored["id"], stored["sha256"], stored["uploaded_at"])
    ]
    download = api.get(f"/api/attachments/{stored['id']}", "officer2")
    assert download.status_code == 200 and download.content == CONTENT
    assert download.headers["content-type"].startswith("text/plain")

    with world.factory() as session:
        added = [e for e in case_events(session, case_id) if e.kind == "attachment_added"]
        assert [(e.actor, e.payload["sha256"]) for e in added] == [("officer1", stored["sha256"])]
        assert verify_chain(session, case_id).valid


def test_the_case_page_names_the_upload_in_its_timeline(api, web, world):
    case_id = start_report(world)
    assert upload(api, case_id).status_code == 201
    page = web().login("officer1").get(f"/cases/{case_id}")
    assert page.status_code == 200 and "Bổ sung tài liệu" in page.text
    assert hashlib.sha256(CONTENT).hexdigest()[:16] in page.text


def test_anonymous_callers_wrong_roles_and_other_units_are_refused(api, world):
    case_id = start_report(world)
    attachment_id = upload(api, case_id).json()["id"]
    anonymous = api.client
    assert anonymous.get(f"/api/cases/{case_id}/attachments").status_code == 401
    assert anonymous.get(f"/api/attachments/{attachment_id}").status_code == 401
    files = {"file": ("a.txt", b"x", "text/plain")}
    assert anonymous.post(f"/api/cases/{case_id}/attachments", files=files).status_code == 401

    assert upload(api, case_id, "designer1").status_code == 403
    assert api.get(f"/api/cases/{case_id}/attachments", "designer1").status_code == 403
    assert api.get(f"/api/attachments/{attachment_id}", "designer1").status_code == 403

    for response in (
        upload(api, case_id, "officer_d2"),
        api.get(f"/api/cases/{case_id}/attachments", "officer_d2"),
        api.get(f"/api/attachments/{attachment_id}", "officer_d2"),
        upload(api, 999999),
        api.get("/api/cases/999999/attachments", "officer1"),
        api.get("/api/attachments/999999", "officer1"),
    ):
        assert response.status_code == 404, response.text
        assert "does not exist" in response.json()["detail"]


def test_oversized_empty_and_missing_files_are_refused_and_nothing_is_stored(api, world):
    case_id = start_report(world)
    world.settings.max_attachment_bytes = 50
    too_big = upload(api, case_id, content=b"x" * 51)
    assert too_big.status_code == 413
    assert "bien-ban.txt" in too_big.json()["detail"] and "50 bytes" in too_big.json()["detail"]
    empty = upload(api, case_id, content=b"")
    assert empty.status_code == 400 and "empty" in empty.json()["detail"]
    missing = api.post(f"/api/cases/{case_id}/attachments", "officer1", data={"protected": "true"})
    assert missing.status_code == 422 and "file" in missing.json()["detail"]
    assert upload(api, case_id, protected="maybe").status_code == 422
    assert api.get(f"/api/cases/{case_id}/attachments", "officer1").json() == []


def test_an_identity_bearing_file_downloads_only_for_the_resolver_and_custodians(api, world):
    case_id = start_report(world)
    stored = upload(api, case_id, content=b"ID card", protected="true").json()
    assert stored["identity_bearing"] is True
    assert api.get(f"/api/attachments/{stored['id']}", "officer1").status_code == 403
    assert api.get(f"/api/attachments/{stored['id']}", "supervisor1").content == b"ID card"
    assert api.get(f"/api/attachments/{stored['id']}", "custodian1").content == b"ID card"
    copy = upload(api, case_id, content=b"ID card (redacted)", redacted_copy_of=str(stored["id"]))
    assert copy.status_code == 201 and copy.json()["redacted_copy_of"] == stored["id"]
    not_protected = upload(api, case_id, redacted_copy_of=str(copy.json()["id"]))
    assert not_protected.status_code == 400 and "identity-bearing" in not_protected.json()["detail"]
    with world.factory() as session:
        reads = [e.actor for e in case_events(session, case_id) if e.kind == "identity_read"]
        assert reads == ["supervisor1", "custodian1"]


def test_completing_a_task_with_evidence_keeps_the_files_or_nothing(api, world):
    case_id = walk_to_verification(world)
    task_id = world.ready_task(case_id, "verify_report").id
    url = f"/api/tasks/{task_id}/complete-with-evidence"
    world.settings.max_attachment_bytes = 50
    too_big = api.post(url, "officer1", data={"data": '{"findings": "Có cơ sở"}'},
                       files=[("evidence", ("big.pdf", b"x" * 51, "application/pdf"))])  # fmt: skip
    assert too_big.status_code == 413 and "big.pdf" in too_big.json()["detail"]
    assert world.ready_task(case_id, "verify_report").id == task_id
    assert api.post(url, "officer1", data={"data": "{not json"}).status_code == 422
    assert api.post(url, "officer1", data={"data": "{}"}).status_code == 422  # findings is required
    assert api.client.post(url, data={"data": "{}"}).status_code == 401
    assert api.post(url, "designer1", data={"data": "{}"}).status_code == 403
    unknown = api.post("/api/tasks/no-such-task/complete-with-evidence", "officer1", data={"data": "{}"})
    assert unknown.status_code == 404

    files = [
        ("evidence", ("bien-ban.txt", CONTENT, "text/plain")),
        ("protected_evidence", ("cccd.jpg", b"ID", "image/jpeg")),
    ]
    done = api.post(url, "officer1", data={"data": json.dumps(VERIFY)}, files=files)
    assert done.status_code == 200, done.text
    assert "verify_report" not in {t["spec_name"] for t in done.json()["open_tasks"]}
    listed = api.get(f"/api/cases/{case_id}/attachments", "officer1").json()
    assert [(a["file_name"], a["task_id"], a["identity_bearing"]) for a in listed] == [
        ("bien-ban.txt", task_id, False),
        (PROTECTED_FILE_NAME + ".jpg", task_id, True),  # an identity-bearing file keeps no name of its own
    ]
    assert listed[0]["sha256"] == hashlib.sha256(CONTENT).hexdigest()
