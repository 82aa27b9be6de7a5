"""Migration refusals read in Vietnamese on the pages: each reason the engine gives has its Vietnamese sentence."""

import pytest

from engine.processes.migration_reasons import reason_for, reason_in_vietnamese


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("Its current step 'Chuyển hoặc lưu đơn' (forward_or_archive) does not exist in version 2",
         "Bước hiện tại «Chuyển hoặc lưu đơn» không còn trong phiên bản 2"),
        ("Case PA-2027-00001 is completed; only running cases can move",
         "Hồ sơ PA-2027-00001 đã kết thúc; chỉ hồ sơ đang xử lý mới chuyển được phiên bản"),
        ("Case PA-2027-00001 is cancelled; only running cases can move",
         "Hồ sơ PA-2027-00001 đang ở trạng thái «đã hủy»; chỉ hồ sơ đang xử lý mới chuyển được phiên bản"),
        ("Version 2 needs 'board_reviewed' at Ý kiến phê duyệt?, which the case does not have and no step ahead "
         "provides",
         "Phiên bản 2 cần dữ liệu «board_reviewed» tại Ý kiến phê duyệt?, nhưng hồ sơ chưa có và không bước "
         "nào phía trước cung cấp"),
        ("Step 'Xác minh' (verify_report) (ready) has no counterpart in version 3",
         "Bước «Xác minh» (đang mở) không có bước tương ứng trong phiên bản 3"),
        ("Case PA-2027-00002 cannot move to version 2: Case PA-2027-00002 is already on version 2; "
         "It has passed step 'Phân loại' (screen_report), which version 2 removes",
         "Hồ sơ PA-2027-00002 không chuyển được sang phiên bản 2: Hồ sơ PA-2027-00002 đã ở phiên bản 2; "
         "Hồ sơ đã qua bước «Phân loại», bước này không còn trong phiên bản 2"),
    ],
)  # fmt: skip
def test_each_refusal_has_a_vietnamese_sentence(english, vietnamese):
    assert reason_in_vietnamese(english) == vietnamese
    assert reason_for(english, "en") == english


def test_an_unknown_reason_is_shown_as_it_is():
    assert reason_in_vietnamese("Something new") == "Something new"
