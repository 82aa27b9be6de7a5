"""Reception desk (tiếp công dân): the register forms of TT 04/2021/TT-TTCP mapped onto the petition intake."""

from engine.people.auth import Actor
from engine.people.permissions import can_read_identity, can_read_visits_register, can_receive_petitions, require

VISIT_FORM = "register_visit.schema.json"
WRITTEN_FORM = "register_written_petition.schema.json"
PETITIONER_FIELDS = ("name", "address", "id_number", "phone")
COPIED_FIELDS = (
    "received_on", "kind_claimed", "field", "title", "content", "number_of_people", "previously_handled_by",
    "forwarded_by",
)  # fmt: skip


def _relative(line: str) -> dict:
    name, _, relationship = line.partition(",")
    relative = {"name": name.strip()}
    if relationship.strip():
        relative["relationship"] = relationship.strip()
    return relative


def petition_intake(register: dict, *, channel: str) -> dict:
    """The receive_petition data of a register entry (a visit, or a petition by post or forwarded)."""
    data = {"channel": channel, **{name: register[name] for name in COPIED_FIELDS if register.get(name)}}
    subject = {"name": register.get("subject_name", "")}
    for part in ("position", "unit"):
        if register.get(f"subject_{part}"):
            subject[part] = register[f"subject_{part}"]
    data["subject"] = subject
    petitioner = {name: register[name] for name in PETITIONER_FIELDS if register.get(name)}
    if petitioner:
        data["petitioner"] = petitioner
    relatives = [_relative(line) for line in register.get("relatives", []) if line.strip(" ,")]
    if relatives:
        data["relatives"] = relatives
    return data


REGISTER_FORMS = {"visit": VISIT_FORM, "written": WRITTEN_FORM}
"""The reception desk's register forms: a citizen's visit, a petition by post or forwarded by another body."""
REGISTER_ROWS = 100
"""How many visits the register shows, newest first."""


def require_reception_desk(actor: Actor) -> None:
    """Raise Forbidden unless the actor works at the reception desk (registers visits and petitions)."""
    require(can_receive_petitions, actor)


def require_register_reader(actor: Actor, *, reveal: bool = False) -> None:
    """Raise Forbidden unless the actor may read the visits register (``reveal``: with identities)."""
    require(can_read_visits_register, actor)
    if reveal:
        require(can_read_identity, actor)
