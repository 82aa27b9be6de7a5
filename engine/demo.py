"""Demo data: a unit tree, the demo users, 1374 cases at different steps, petitions at triage, a complaint and a
denunciation."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.cases.enums import TaskStatus
from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.models import HumanTask, Unit, User
from engine.documents.certificates import make_demo_certificates
from engine.people.auth import Actor, actor_for, create_user
from engine.people.roles import Role
from engine.people.units import create_unit
from engine.processes.deployment import latest_definition
from engine.services import EngineServices

DEMO_PASSWORD = "phananh-demo"
DEMO_USERS = (
    ("officer1", "Nguyễn Văn An", [Role.OFFICER]),
    ("officer2", "Trần Thị Bình", [Role.OFFICER]),
    ("lead1", "Lê Văn Cường", [Role.TEAM_LEAD]),
    ("supervisor1", "Phạm Thị Dung", [Role.SUPERVISOR]),
    ("designer1", "Hoàng Văn Em", [Role.DESIGNER]),
    ("admin", "Quản trị hệ thống", [Role.ADMIN]),
)
CUSTODIAN = ("custodian1", "Võ Thị Giang", [Role.CUSTODIAN], "hcm")  # keeps protected identities, city-wide
UNIT_TREE = (
    ("hcm", "Thành ủy TP. Hồ Chí Minh", None),
    ("q1", "Quận ủy Quận 1", "hcm"),
    ("q3", "Quận ủy Quận 3", "hcm"),
    ("q1-ben-nghe", "Đảng ủy phường Bến Nghé", "q1"),
    ("q1-ben-thanh", "Đảng ủy phường Bến Thành", "q1"),
    ("q3-vo-thi-sau", "Đảng ủy phường Võ Thị Sáu", "q3"),
    ("q3-ban-co", "Đảng ủy phường Bàn Cờ", "q3"),
)
INTAKE = {
    "source": "press",
    "behaviour_group": "duty",
    "field": "urban_order",
    "subject": {"name": "Nguyễn Văn X", "position": "Phó Chủ tịch UBND phường", "unit": "UBND phường Bến Nghé"},
}
SCREEN_IN = {"screening": "in_scope"}
ASSIGN = {"verifying_officer": "officer1", "verification_days": 45, "verification_day_type": "calendar"}
VERIFY = {"findings": "Đã làm việc với các bên liên quan; nội dung phản ánh có cơ sở một phần."}
CONCLUDE = {
    "violation": True,
    "party_sanction": "reprimand",
    "state_sanction": "reprimand",
    "conclusion": "Vi phạm chức trách",
}
APPROVE = {"decision": "approve"}
PUBLICIZE = {
    "channels": ["writing", "portal"],
    "published_on": "2026-11-20",
    "summary": "Kết luận: cán bộ được phản ánh vi phạm chức trách, công vụ; đã kỷ luật khiển trách.",
}


@dataclass
class DemoCase:
    """A demo case: its title and how far it goes."""

    title: str
    steps: tuple[tuple[str, dict], ...]
    field: str = "urban_order"
    source: str = "press"


DEMO_CASES = (
    DemoCase("Phản ánh lấn chiếm vỉa hè kéo dài tại đường Lê Lợi", ()),
    DemoCase(
        "Báo Tuổi Trẻ phản ánh cán bộ phường gây khó dễ cấp phép xây dựng",
        (("officer1", SCREEN_IN),),
        field="construction",
    ),
    DemoCase(
        "Cử tri phản ánh chậm giải quyết hồ sơ đất đai",
        (("officer1", SCREEN_IN), ("lead1", ASSIGN)),
        field="land",
        source="voter",
    ),
    DemoCase(
        "Mạng xã hội phản ánh thái độ tiếp dân",
        (("officer1", SCREEN_IN), ("lead1", ASSIGN), ("officer1", VERIFY), ("officer1", CONCLUDE)),
        source="social_media",
    ),
    DemoCase(
        "Tiếng còi: cán bộ địa chính nhận tiền của dân",
        (
            ("officer1", SCREEN_IN),
            ("lead1", ASSIGN),
            ("officer1", VERIFY),
            ("officer1", CONCLUDE),
            ("supervisor1", APPROVE),
            ("officer1", PUBLICIZE),
        ),
        field="land",
    ),
    DemoCase(
        "Đơn phản ánh tranh chấp dân sự giữa hai hộ gia đình",
        (
            ("officer2", {"screening": "out_of_scope", "reason": "Tranh chấp dân sự, không thuộc Quy định 1374"}),
            ("officer2", {"disposition": "forward", "reason": "Thuộc thẩm quyền Tòa án", "forward_to": "TAND Quận 1"}),
        ),
        field="other",
        source="people",
    ),
)


PETITION_INTAKE = {
    "channel": "visit",
    "received_on": "2026-11-20",
    "field": "land",
    "subject": {"name": "UBND phường Bến Thành", "unit": "Quận 1"},
    "petitioner": {"name": "Lê Thị Hoa", "address": "25 Lê Thánh Tôn, Quận 1", "phone": "0901111222"},
}
DEMO_FOLLOW_UP_CASES = (
    (
        "complaint",
        "Khiếu nại quyết định thu hồi đất tại hẻm 25 Lê Thánh Tôn",
        (("accept_complaint", "officer1", {"accepted": True, "accepted_on": "2026-11-21", "complex": False}),),
    ),
    ("denunciation", "Tố cáo cán bộ phường nhận tiền khi xác nhận hồ sơ", ()),
)
DEMO_PETITIONS = (
    (
        {
            "channel": "visit", "received_on": "2026-11-02", "kind_claimed": "denunciation", "field": "land",
            "title": "Tố cáo cán bộ địa chính phường Bến Nghé nhận tiền khi cấp giấy chứng nhận",
            "content": "Công dân trình bày cán bộ địa chính yêu cầu nộp thêm tiền ngoài quy định.",
            "subject": {"name": "Nguyễn Văn X", "position": "Cán bộ địa chính", "unit": "UBND phường Bến Nghé"},
            "petitioner": {"name": "Lê Thị Hoa", "address": "12 Lý Tự Trọng, Quận 1", "id_number": "079180001234"},
            "relatives": [{"name": "Trần Văn Hùng", "relationship": "chồng"}],
            "number_of_people": 2, "previously_handled_by": "UBND phường Bến Nghé",
        },
        (),
    ),
    (
        {
            "channel": "post", "received_on": "2026-11-05", "kind_claimed": "proposal", "field": "urban_order",
            "title": "Kiến nghị xử lý quán ăn lấn chiếm vỉa hè đường Nguyễn Huệ",
            "content": "Đề nghị chính quyền kiểm tra, xử lý việc lấn chiếm vỉa hè.",
            "subject": {"name": "UBND phường Bến Nghé"},
            "petitioner": {"name": "Phạm Minh Tâm", "address": "30 Nguyễn Huệ, Quận 1"},
        },
        (
            {"classification": "proposal"},
            {"decision": "guide", "guidance": "Gửi kiến nghị đến UBND phường Bến Nghé theo thẩm quyền."},
        ),
    ),
)  # fmt: skip


def load_demo(factory: sessionmaker[Session], services: EngineServices) -> bool:
    """Create the demo units, users and cases. Returns False when they already exist."""
    with transaction(factory) as session:
        if session.scalars(select(User).where(User.username == "admin")).first():
            return False
        units: dict[str, Unit] = {}
        for code, name, parent in UNIT_TREE:
            units[code] = create_unit(session, code=code, name=name, parent=units[parent] if parent else None)
        for username, full_name, roles in DEMO_USERS:
            create_user(
                session,
                username=username,
                password=DEMO_PASSWORD,
                roles=roles,
                units=[units["q1"]],
                full_name=full_name,
            )
        username, full_name, roles, unit = CUSTODIAN
        create_user(
            session, username=username, password=DEMO_PASSWORD, roles=roles, units=[units[unit]], full_name=full_name
        )
    load_demo_certificates(factory, services)  # the demo cases' steps issue signed documents
    for demo in DEMO_CASES:
        _walk_demo_case(factory, services, demo)
    for process_key, title, steps in DEMO_FOLLOW_UP_CASES:
        _walk_demo_follow_up_case(factory, services, process_key, title, steps)
    for intake, triage_steps in DEMO_PETITIONS:
        _walk_demo_petition(factory, services, intake, triage_steps)
    return True


def load_demo_certificates(factory: sessionmaker[Session], services: EngineServices) -> int:
    """A demo CA and a demo signing certificate ("… (DEMO)") for every unit without one; how many were made."""
    with transaction(factory) as session:
        return make_demo_certificates(session, now=services.clock.now())


def _walk_demo_petition(factory: sessionmaker[Session], services: EngineServices, intake: dict, steps) -> None:
    """Register a petition at the reception desk and take it through triage steps (when the process is deployed)."""
    with transaction(factory) as session:
        if latest_definition(session, "petition_triage") is None:
            return
        case = CaseRuntime(session, services).start_case(
            _actors(session)["officer1"], process_key="petition_triage", data=intake
        )
        case_id = case.id
    for form_data in steps:
        with transaction(factory) as session:
            task = session.scalars(
                select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == TaskStatus.READY)
            ).first()
            if task is None:
                raise RuntimeError(f"demo case {case_id} has no open step for {form_data}")
            CaseRuntime(session, services).complete_task(_actors(session)["officer1"], task.id, form_data)


def _actors(session: Session) -> dict[str, Actor]:
    return {u.username: actor_for(session, u) for u in session.scalars(select(User))}


def _walk_demo_case(factory: sessionmaker[Session], services: EngineServices, demo: DemoCase) -> None:
    with transaction(factory) as session:
        actors = _actors(session)
        data = {**INTAKE, "title": demo.title, "description": demo.title, "field": demo.field, "source": demo.source}
        case = CaseRuntime(session, services).start_case(actors["officer1"], process_key="report_1374", data=data)
        case_id = case.id
    for username, form_data in demo.steps:
        with transaction(factory) as session:
            task = session.scalars(
                select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == TaskStatus.READY)
            ).first()
            if task is None:
                raise RuntimeError(f"demo case {case_id} has no open step for {form_data}")
            CaseRuntime(session, services).complete_task(_actors(session)[username], task.id, form_data)


def _walk_demo_follow_up_case(
    factory: sessionmaker[Session], services: EngineServices, process_key: str, title: str, steps: tuple
) -> None:
    """A complaint or denunciation received at the desk and taken through ``steps`` (BPMN id, user, data)."""
    kind = "complaint" if process_key == "complaint" else "denunciation"
    data = {**PETITION_INTAKE, "kind_claimed": kind, "title": title, "content": title}
    with transaction(factory) as session:
        case_id = (
            CaseRuntime(session, services)
            .start_case(_actors(session)["officer1"], process_key=process_key, data=data)
            .id
        )
    for spec_name, username, form_data in steps:
        with transaction(factory) as session:
            task = session.scalars(
                select(HumanTask).where(
                    HumanTask.case_id == case_id, HumanTask.state == TaskStatus.READY, HumanTask.spec_name == spec_name
                )
            ).one()
            CaseRuntime(session, services).complete_task(_actors(session)[username], task.id, form_data)
