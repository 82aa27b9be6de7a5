"""The federation's observer of case actions; importing this module registers it."""

from engine.cases.hooks import HOOKS, CaseSaved
from engine.federation.fingerprints import petitioner_name, publish_fingerprint
from engine.federation.transfer_flow import report_back_to_the_sender
from engine.petitions.matters import TRIAGE_PROCESS


@HOOKS.after_case_saved
def publish_petition_fingerprint(saved: CaseSaved) -> None:
    """A petition with a named petitioner and a subject publishes its matter's fingerprint to the peers, once.

    Nothing is published while the federation key is not set.
    """
    key = saved.services.federation_key
    case = saved.case
    if not key or case.process_key != TRIAGE_PROCESS or not case.subject_name:
        return
    name = petitioner_name(saved.services.identities.open(saved.session, case))
    if name:
        publish_fingerprint(saved.session, key=key, case=case, petitioner=name, subject=case.subject_name,
                            now=saved.now)  # fmt: skip


@HOOKS.after_case_saved
def report_transfer_progress(saved: CaseSaved) -> None:
    """A petition that came by transfer reports its progress and its result to the body that sent it."""
    report_back_to_the_sender(saved)
