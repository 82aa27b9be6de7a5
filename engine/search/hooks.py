"""The search index's observer of case actions; importing this module registers it."""

from engine.cases.hooks import HOOKS, CaseSaved
from engine.search.index import save_document
from engine.search.text import document_of


@HOOKS.after_case_saved
def index_case_text(saved: CaseSaved) -> None:
    """Keep the case's searchable text (code, title, subject, description) in step, in the action's transaction.

    When the action kept the case as it was before (a fired timer) and neither its unit nor its searchable text
    changed, the index already holds this text (every earlier save indexed it): no statement at all.
    """
    case = saved.case
    document = document_of(case.tracking_code, case.title, saved.data)
    before = saved.before
    if before is not None and before.unit_id == case.unit_id:
        if document_of(case.tracking_code, before.title, before.data) == document:
            return
    save_document(saved.session, case.id, case.unit_id, document)
