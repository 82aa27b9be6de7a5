"""Published results on the portal: the redacted summary and sanctions of concluded cases, by unit and field."""

from tests.cases import CONCLUDE, VERIFY, complete, walk_to_verification
from tests.factories import INTAKE, World
from tests.portal import portal_client

SUMMARY = "Kết luận: cán bộ địa chính phường vi phạm quy định về thu phí; đã xử lý kỷ luật khiển trách."


def publish(world: World, channels: list[str], summary: str = SUMMARY) -> int:
    """A 1374 case walked to its end and publicized on ``channels``; returns its id."""
    case_id = walk_to_verification(world)
    complete(world, case_id, "verify_report", "officer1", VERIFY)
    complete(world, case_id, "conclude_verification", "officer1", CONCLUDE)
    complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "approve"})
    publicize = {"channels": channels, "published_on": "2027-01-15", "summary": summary}
    complete(world, case_id, "publicize_result", "officer1", publicize)
    return case_id


def test_a_case_published_on_the_portal_shows_its_summary_and_sanctions_but_no_names(world):
    publish(world, ["writing", "portal"])
    with portal_client(world) as client:
        response = client.get("/portal/cong-khai")
    assert response.status_code == 200
    assert SUMMARY in response.text and "Đất đai" in response.text and "Đơn vị d1" in response.text
    assert "Khiển trách" in response.text, "the sanction's Vietnamese label"
    assert "15/01/2027" in response.text, "the publication date"
    for private in (INTAKE["subject"]["name"], INTAKE["reporter"]["name"], INTAKE["title"], "officer1"):
        assert private not in response.text


def test_cases_published_only_in_writing_are_not_on_the_portal(world):
    publish(world, ["writing"])
    with portal_client(world) as client:
        response = client.get("/portal/cong-khai")
    assert SUMMARY not in response.text and "Chưa có kết quả nào" in response.text


def test_filters_by_unit_and_field_and_text_search(world):
    publish(world, ["portal"], summary="Kết quả về thu phí đất đai")
    d1, d2 = world.units["d1"], world.units["d2"]
    with portal_client(world) as client:
        assert "thu phí" in client.get(f"/portal/cong-khai?unit={d1}&field=land").text
        assert "thu phí" not in client.get(f"/portal/cong-khai?unit={d2}").text
        assert "thu phí" not in client.get("/portal/cong-khai?field=education").text
        assert "thu phí" in client.get("/portal/cong-khai?q=THU PHÍ").text
        assert "thu phí" not in client.get("/portal/cong-khai?q=không-có").text


def test_results_come_in_pages(world):
    for number in range(21):
        publish(world, ["portal"], summary=f"Kết quả số {number:02d}")
    with portal_client(world) as client:
        first = client.get("/portal/cong-khai")
        second = client.get("/portal/cong-khai?p=2")
    assert "21 kết quả" in first.text and first.text.count('class="published"') == 20
    assert second.text.count('class="published"') == 1 and "Kết quả số 00" in second.text
