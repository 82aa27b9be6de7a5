"""Duplicate suggestions: petitions of the same unit subtree ranked by title similarity and same subject."""

from engine.core.models import Case
from engine.petitions.duplicates import duplicate_candidates, normalize, similarity
from tests.petitions import petition_data, register_petition


def test_normalize_drops_diacritics_and_punctuation():
    assert normalize("Đất đai: Cán bộ ĐỊA CHÍNH!") == "dat dai can bo dia chinh"


def test_similarity_is_token_set_jaccard_without_diacritics():
    assert similarity("Tố cáo cán bộ địa chính", "to cao can bo dia chinh") == 1.0
    assert similarity("Tố cáo cán bộ địa chính", "Khiếu nại về học phí") == 0.0
    assert 0 < similarity("cán bộ địa chính nhận tiền", "cán bộ địa chính gây khó dễ") < 1


def _candidates(world, case_id: int):
    with world.factory() as session:
        return duplicate_candidates(session, session.get(Case, case_id))


def test_the_same_petition_again_is_the_best_candidate_with_its_matter(world):
    first = register_petition(world)
    register_petition(world, petition_data(title="Khiếu nại về học phí", subject={"name": "Trường THCS A"}))
    again = register_petition(world, petition_data(title="Tố cáo cán bộ địa chính nhận tiền"))
    found = _candidates(world, again.id)
    assert [c.tracking_code for c in found] == [first.tracking_code]
    assert found[0].same_subject and found[0].matter_petitions == 1 and found[0].score > 0.5


def test_same_subject_alone_is_suggested_and_other_units_are_not(world):
    first = register_petition(world)
    register_petition(world, petition_data(title="Đơn khác hẳn"), username="officer_d2")
    other_title = register_petition(world, petition_data(title="Xây nhà không phép trên hẻm"))
    found = _candidates(world, other_title.id)
    assert [c.tracking_code for c in found] == [first.tracking_code]
    assert found[0].same_subject and found[0].score == 0.3


def test_duplicate_candidates_api_lists_them_for_staff_of_the_unit(api, world):
    first = register_petition(world)
    again = register_petition(world)
    response = api.get(f"/api/cases/{again.id}/duplicate-candidates", "officer1")
    assert response.status_code == 200
    assert response.json()[0]["tracking_code"] == first.tracking_code
    assert api.get(f"/api/cases/{again.id}/duplicate-candidates", "officer_d2").status_code == 404
