"""The service operators of the petition processes; importing this module registers them.

* ``open_matter``, ``join_matter``, ``record_guidance``, ``open_follow_up_case``: petition triage
  (see ``engine/petitions/triage.py`` and ``engine/petitions/matters.py``);
* ``start_second_instance``: a complaint's second instance (see ``engine/petitions/second_instance.py``).
"""

from engine.petitions.matters import join_matter, open_matter, record_guidance
from engine.petitions.second_instance import start_second_instance
from engine.petitions.triage import open_follow_up_case
from engine.processes.operators import OperatorContext, register_operator


@register_operator("open_matter")
def open_matter_operator(context: OperatorContext, data: dict, _params: dict) -> int:
    """Every new petition opens its own matter; returns the matter's id."""
    case = context.case
    subject = given if isinstance(given := data.get("subject"), dict) else {}
    title = str(data.get("title") or case.title)
    now = context.services.clock.now()
    return open_matter(context.session, case, title=title, subject_name=subject.get("name"), at=now).id


@register_operator("join_matter")
def join_matter_operator(context: OperatorContext, data: dict, _params: dict) -> int:
    """A duplicate petition joins the matter named in ``duplicate_of``; returns the matter's id."""
    return join_matter(context.session, context.case, int(data["duplicate_of"])).id


@register_operator("record_guidance")
def record_guidance_operator(context: OperatorContext, _data: dict, _params: dict) -> bool:
    """Record that the sender was guided (once per matter)."""
    record_guidance(context.session, context.case, context.services.clock.now())
    return True


@register_operator("open_follow_up_case")
def open_follow_up_case_operator(context: OperatorContext, data: dict, _params: dict) -> str:
    """An accepted complaint or denunciation starts its own case; returns that case's tracking code."""
    return open_follow_up_case(context.runtime, context.case, data)


@register_operator("start_second_instance")
def start_second_instance_operator(context: OperatorContext, data: dict, params: dict) -> dict:
    """The complainant disagrees with the first decision: open the second-instance case."""
    return start_second_instance(context.runtime, context.case, data, params)
