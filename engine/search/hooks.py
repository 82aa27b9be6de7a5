"""The search index's observer of case actions; importing this module registers it."""

from engine.cases.hooks import HOOKS, CaseSaved
from engine.search.index import save_document
from engine.search.text import document_of


@HOOKS.after_case_saved
def index_case_text(saved: CaseSaved) -> None:
    """Keep the case's searchable text (code, title, subject, description) in step, in the action's transaction."""
    document = document_of(saved.case.tracking_code, saved.case.title, saved.data)
    save_document(saved.session, saved.case.id, saved.case.unit_id, document)
