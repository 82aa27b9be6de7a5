# ruff: noqa: E501  (a table of one-line sentences reads best unwrapped)
"""Lint problems in Vietnamese for the designer's pages, each with a stable code (the checks speak English for the
API's ``message_en``, the CLI and the logs).

Each code has an English pattern (what the check writes) and a Vietnamese sentence; ``{el}`` in the sentence
names the element the problem is at — its name, its id in parentheses: «Xác minh» (verify_report).
"""

import re
from dataclasses import dataclass

TAGS = {
    "userTask": "bước", "task": "bước", "manualTask": "bước thủ công", "scriptTask": "bước kịch bản",
    "serviceTask": "bước dịch vụ", "sendTask": "bước gửi", "receiveTask": "bước nhận", "businessRuleTask": "bước quy tắc",
    "callActivity": "quy trình gọi", "subProcess": "quy trình con", "transaction": "giao dịch",
    "adHocSubProcess": "quy trình con tùy biến", "startEvent": "sự kiện bắt đầu", "endEvent": "sự kiện kết thúc",
    "intermediateCatchEvent": "sự kiện chờ", "intermediateThrowEvent": "sự kiện phát", "boundaryEvent": "sự kiện biên",
    "exclusiveGateway": "cổng rẽ nhánh", "inclusiveGateway": "cổng rẽ nhánh bao hàm", "parallelGateway": "cổng song song",
    "eventBasedGateway": "cổng theo sự kiện", "process": "quy trình", "lane": "làn", "participant": "bên tham gia", "complexGateway": "cổng phức hợp", "sequenceFlow": "luồng",
}  # fmt: skip
EVENTS = {"start event": "sự kiện bắt đầu", "end event": "sự kiện kết thúc", "intermediate catch event": "sự kiện chờ",
          "intermediate throw event": "sự kiện phát", "boundary event": "sự kiện biên"}  # fmt: skip
WHAT = {"script": "kịch bản", "preScript": "kịch bản trước (preScript)", "postScript": "kịch bản sau (postScript)",
        "condition expression": "điều kiện", "event condition": "điều kiện của sự kiện", "loop condition": "điều kiện lặp"}  # fmt: skip


@dataclass(frozen=True)
class Text:
    """One kind of lint problem: its stable code, the English pattern the check writes, the Vietnamese sentence."""

    code: str
    english: re.Pattern[str]
    vietnamese: str


def _texts(*rows: tuple[str, str, str]) -> tuple[Text, ...]:
    return tuple(Text(code, re.compile(pattern, re.S), vietnamese) for code, pattern, vietnamese in rows)


TEXTS = _texts(
    ("xml-encoding", r"^the encoding (.+) is not accepted: save the file as UTF-8$", "Bảng mã {0} không được chấp nhận: hãy lưu tệp dạng UTF-8"),
    ("xml-doctype", r"^DOCTYPE declarations and XML entities are not allowed$", "Không được dùng khai báo DOCTYPE và thực thể XML"),
    ("xml-syntax", r"^XML is not well-formed: (.*)$", "Tệp XML sai cú pháp: {0}"),
    ("xml-root", r"^the root element must be bpmn:definitions$", "Phần tử gốc phải là bpmn:definitions"),
    ("bpmn-schema", r"^BPMN schema: (.*)$", "{el} không đúng lược đồ BPMN: {0}"),
    ("check-failed", r"^the (\S+) check could not run: (.*)$", "Không chạy được bước kiểm tra «{0}»: {1}"),
    ("no-executable-process", r"^the file has no executable process", "Tệp không có quy trình chạy được: mọi quy trình đều rỗng hoặc có isExecutable=\"false\""),
    ("several-executable-processes", r"^several executable processes \((.*)\); keep one", "{el} là một trong nhiều quy trình chạy được ({0}); chỉ giữ một quy trình chạy được, đánh dấu các quy trình khác isExecutable=\"false\""),
    ("unsupported-gateway", r"^complexGateway .* is not supported: ", "{el}: cổng phức hợp không được hỗ trợ (SpiffWorkflow không đọc được); hãy dùng cổng rẽ nhánh hoặc cổng bao hàm"),
    ("unsupported-event", r"^\w+ '[^']*'(?: \(.*\))?: a (\w+) (.+ event) is not supported by SpiffWorkflow \(supported here: (.*)\)$", "{el}: {1} loại «{0}» không được SpiffWorkflow hỗ trợ (hỗ trợ ở đây: {2})"),
    ("unsupported-ad-hoc", r"^.*: sequential ad-hoc sub-processes are not supported$", "{el}: quy trình con tùy biến tuần tự không được hỗ trợ"),
    ("service-task-implementation", r"^.* has no spiffworkflow:serviceTaskOperator; ", "{el} không có spiffworkflow:serviceTaskOperator; cách cài đặt của trình thiết kế khác (camunda:class, camunda:expression, zeebe:taskDefinition...) không chạy được ở đây"),
    ("compensation", r"^.* is a compensation handler; compensation is not supported$", "{el} là bước bù trừ (compensation); bù trừ không được hỗ trợ"),
    ("unknown-operator", r"^serviceTask '[^']*' calls the service operator '(.*)', which does not exist; registered operators: (.*)$", "{el} gọi toán tử dịch vụ «{0}» không tồn tại; các toán tử đã đăng ký: {1}"),
    ("spiffworkflow", r"^SpiffWorkflow: (.*)$", "{el}: SpiffWorkflow từ chối: {0}"),
    ("spiffworkflow-parse", r"^SpiffWorkflow cannot parse the file: (.*)$", "SpiffWorkflow không đọc được tệp: {0}"),
    ("startable-by-empty", r"^startableBy names no role; write roles \((.*)\)$", "{el}: startableBy không nêu vai trò nào; hãy ghi các vai trò ({0})"),
    ("startable-by-unknown", r"^startableBy names '(.*)', which is not a role \((.*)\)$", "{el}: startableBy nêu «{0}», đây không phải là vai trò ({1})"),
    ("startable-by-system-mixed", r"^startableBy mixes '(\w+)' with roles", "{el}: startableBy trộn «{0}» với các vai trò; hệ thống vẫn luôn mở được mọi quy trình nên «{0}» không có tác dụng ở đây"),
    ("startable-by-idle", r"^startableBy names (.*); only (.*) register cases, so these roles cannot start it$", "{el}: startableBy nêu {0}; chỉ {1} mới vào sổ hồ sơ, nên các vai trò này không mở được quy trình"),
    ("timer-iso-literal", r"^timer (\w+) '(.*)' is an ISO 8601 literal, but SpiffWorkflow evaluates timer expressions as Python; write it as a quoted string, e\.g\. (.*)$", "{el}: hẹn giờ {0} «{1}» là chuỗi ISO 8601 viết trần, nhưng SpiffWorkflow tính biểu thức hẹn giờ bằng Python; hãy đặt trong dấu nháy, ví dụ {2}"),
    ("document-on-non-user-task", r"^documentKinds is only read on a user task$", "{el}: thuộc tính documentKinds chỉ có tác dụng ở bước người dùng"),
    ("document-kind-unknown", r"^document kind '(.*)' does not exist \(kinds: (.*)\)$", "{el}: không có loại văn bản «{0}» (các loại: {1})"),
    ("document-template-missing", r"^document kind '(.*)' has no template$", "{el}: loại văn bản «{0}» chưa có mẫu"),
    ("document-template-unreadable", r"^the template of '(.*)' cannot be read: (.*)$", "{el}: không đọc được mẫu văn bản «{0}»: {1}"),
    ("document-field-unfilled", r"^the template of '(.*)' prints fields no form up to this step fills: (.*)$", "{el}: mẫu văn bản «{0}» in các trường mà chưa biểu mẫu nào đến bước này điền: {1}"),
    ("timer-python", r"^timer (\w+): (.*)$", "{el}: biểu thức hẹn giờ {0} sai: {1}"),
    ("timer-zone", r"^timer date (.*) has no time zone; ", "{el}: ngày hẹn giờ {0} không có múi giờ; SpiffWorkflow sẽ hiểu theo múi giờ của máy chủ. Hãy thêm múi giờ, ví dụ +07:00 cho Asia/Ho_Chi_Minh"),
    ("python", r"^(script|preScript|postScript|condition expression|event condition|loop condition): (.*?)( — this is a (JUEL|FEEL) expression.*)?$", "{el}: {0} sai: {1}{2}"),
    ("form-missing", r"^form '(.*)' does not exist in (.*)$", "{el}: biểu mẫu «{0}» không có trong {1}"),
    ("form-invalid", r"^form '(.*)' is not a valid JSON Schema: (.*)$", "{el}: biểu mẫu «{0}» không phải JSON Schema hợp lệ: {1}"),
    ("form-absent", r"^user task '[^']*' has no form ", "{el} chưa có biểu mẫu (thuộc tính formJsonSchemaFilename); khi mở sẽ là trang trống"),
    ("lane-none", r"^user task '[^']*' is in no lane; the lane names the role that may claim it \((.*)\)$", "{el} không nằm trong làn nào; làn cho biết vai trò được nhận việc ({0})"),
    ("lane-not-role", r"^user task '[^']*' is in lane '(.*)', which is not a role$", "{el} nằm trong làn «{0}», đây không phải là vai trò"),
    ("unreachable", r"^\w+ '[^']*' cannot be reached from a start event$", "{el} không thể tới được từ sự kiện bắt đầu"),
    ("no-path-to-end", r"^\w+ '[^']*' has no path to an end event$", "{el} không có đường đi tới sự kiện kết thúc"),
    ("unbounded-loop", r"^loop (.*) has no bound: ", "{el}: vòng lặp {0} không có giới hạn: hãy đếm số vòng trong một kịch bản và kiểm tra biến đếm trong điều kiện, thêm hẹn giờ ngắt, hoặc ghi giới hạn vào thuộc tính «loopBound»"),
    ("unbounded-loop-activity", r"^looping activity '[^']*' has no loopMaximum", "{el} lặp mà không có loopMaximum và không có thuộc tính «loopBound»"),
    ("gateway-default", r"^gateway '[^']*' has no default flow and its conditions may all be false \((.*)\); ", "{el} không có luồng mặc định và mọi điều kiện có thể cùng sai ({0}); khi đó hồ sơ sẽ dừng lại do lỗi. Hãy thêm luồng mặc định"),
    ("gateway-condition", r"^flow '[^']*' leaves gateway '(.*)' without a condition and is not its default flow", "{el} ra khỏi cổng «{0}» mà không có điều kiện và không phải luồng mặc định; hãy đặt điều kiện hoặc chọn làm luồng mặc định của cổng"),
)  # fmt: skip
DETAILS = tuple(
    (re.compile(pattern), text)
    for pattern, text in (
        (r"^e\.g\. when (.*)$", "ví dụ khi {0}"),
        (r"^the conditions are too many to check every case$", "quá nhiều điều kiện để xét hết mọi trường hợp"),
        (r"^the expression is empty$", "biểu thức trống"),
        (r"^Python syntax error on line (\d+): (.*)$", "lỗi cú pháp Python ở dòng {0}: {1}"),
        (r"^'(.*)' is not allowed in BPMN scripts \(line (\d+)\)$", "không được dùng «{0}» trong kịch bản BPMN (dòng {1})"),
        (r"^name '(.*)' is not allowed in BPMN scripts \(line (\d+)\)$", "không được dùng tên «{0}» trong kịch bản BPMN (dòng {1})"),
        (r"^attribute '(.*)' is not allowed in BPMN scripts \(line (\d+)\)$", "không được dùng thuộc tính «{0}» trong kịch bản BPMN (dòng {1})"),
    )
)  # fmt: skip
OTHER = "other"


def element_label(element_id: str | None, name: str | None, tag: str | None = None) -> str:
    """The element as the designer knows it: «name» (id), with its kind in front when known."""
    kind = TAGS.get(tag or "", "phần tử")
    if not element_id:
        return "Tệp"
    shown = f"«{name}» ({element_id})" if name else f"({element_id})"
    return f"{kind.capitalize()} {shown}"


def _word(value: str | None) -> str:
    value = value or ""
    for pattern, text in DETAILS:
        found = pattern.match(value)
        if found:
            return text.format(*found.groups())
    if value.startswith(" — this is a JUEL"):
        return " — đây là biểu thức JUEL (Camunda 7); SpiffWorkflow tính biểu thức Python, ví dụ approved == True"
    if value.startswith(" — this is a FEEL"):
        return " — đây là biểu thức FEEL (Camunda 8); SpiffWorkflow tính biểu thức Python"
    return EVENTS.get(value, WHAT.get(value, value)).replace(", or system alone", ", hoặc chỉ system")


def code_of(message: str) -> str:
    """The stable code of a problem, read from the check's English message."""
    return next((text.code for text in TEXTS if text.english.match(message)), OTHER)


def in_vietnamese(message: str, label: str) -> str:
    """The problem in Vietnamese, naming the element by ``label``; an unknown message is kept after the label."""
    for text in TEXTS:
        found = text.english.match(message)
        if found:
            sentence = text.vietnamese.format(*(_word(v) for v in found.groups()), el=label)
            return sentence[:1].upper() + sentence[1:]
    return f"{label}: {message}"
