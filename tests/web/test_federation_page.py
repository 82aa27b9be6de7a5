"""The admin's federation page: this instance's key, registering a peer (with refusals explained), refusals."""

from html import unescape

import pytest

from engine.federation.inbox import MessageRefused, receive_message
from tests.federation import make_instance


def test_the_federation_page_shows_the_key_registers_a_peer_and_lists_refused_messages(web, world):
    admin = web().login("admin1")
    before = admin.get("/admin/federation")
    assert before.status_code == 200 and "chưa có tên và khóa liên thông" in before.text
    key = make_instance(world.factory, "quan-1", world.clock.now())
    page = admin.get("/admin/federation")
    assert "quan-1" in page.text and key in page.text and "Chưa đăng ký hệ thống liên thông nào." in page.text

    form = {"name": "thanh-pho", "url": "https://phananh.hcm.example", "public_key": "khóa sai"}
    refused = admin.post_form("/admin/federation/peers", form, csrf_from="/admin/federation")
    assert refused.status_code == 400 and "Khóa công khai không đúng dạng" in unescape(refused.text)
    assert 'value="https://phananh.hcm.example"' in refused.text  # what was typed stays
    added = admin.post_form("/admin/federation/peers", {**form, "public_key": key}, csrf_from="/admin/federation")
    assert added.status_code == 303 and added.headers["location"] == "/admin/federation?done=added"
    listed = admin.get("/admin/federation?done=added")
    assert "Đã đăng ký hệ thống liên thông." in listed.text and 'id="peer-thanh-pho"' in listed.text

    wire = {"format": "phananh-federation/1", "message_id": "m-1", "sender": "la-mat", "recipient": "quan-1",
            "kind": "transfer", "sent_at": world.clock.now().isoformat(), "body": {}, "signature": "AAAA"}  # fmt: skip
    with pytest.raises(MessageRefused):
        receive_message(world.factory, world.services, wire, now=world.clock.now(), remote_address="10.1.2.3")
    refusals = admin.get("/admin/federation")
    assert "Hệ thống gửi chưa được đăng ký" in refusals.text and "10.1.2.3" in refusals.text
    assert "unknown_peer" not in refusals.text


def test_only_admins_see_the_federation_page(web, world):
    supervisor = web().login("supervisor1")
    assert supervisor.get("/admin/federation").status_code == 403
