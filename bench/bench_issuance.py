"""Issuing one signed document (goal: ≤ 500 ms p95 with a warm converter): render, number, fill, convert, sign,
store, audit — ``issue_document`` as a step's completion calls it.

Setup (untimed): a fresh database, ``processes/`` deployed, the demo units, people and cases; one verification
conclusion issued first, so the converter is warm and every module loaded.

Measured, each ``--repeat`` times, each in its own transaction on a demo 1374 case of Quận 1: the whole issuance
(``issue_document``, committed), and apart from it the three costly steps on the same input: the draft
(``render_draft``), the PDF (``docx_to_pdf``) and the signature (``sign_pdf``). Printed: p50 and p95 of the wall
clock and of the CPU time of this process (LibreOffice converts in its own process, so its time shows in the wall
clock only), and the verdict.

Usage: ``python bench/bench_issuance.py [--repeat R] [--backend sqlite|postgresql]``
"""

import argparse
import sys
import time

from text_table import aligned_table
from throwaway_databases import postgres_database, sqlite_database

from engine.core.db import make_engine, make_session_factory, transaction
from engine.core.migrate import upgrade_to_head
from engine.core.models import Case, User
from engine.core.settings import PROJECT_ROOT, Settings
from engine.demo import load_demo
from engine.documents.converter import docx_to_pdf
from engine.documents.issuance import issue_document
from engine.documents.signing import sign_pdf
from engine.documents.templates import render_draft
from engine.people.auth import actor_for
from engine.processes.deployment import deploy_path
from engine.services import build_services

GOAL_MS = 500.0
KIND = "verification_conclusion"


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def timed(action) -> tuple[float, float, object]:
    """Wall and CPU milliseconds of ``action()``, and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, result


def time_steps(factory, case_id: int, steps: dict[str, list[tuple[float, float]]]) -> None:
    """Time the draft, the conversion and the signature of one document apart (nothing stored)."""
    with factory() as session:
        actor = actor_for(session, session.query(User).filter(User.username == "supervisor1").one())
        wall, cpu, draft = timed(lambda: render_draft(session, case_id=case_id, kind=KIND, actor=actor))
        steps["render"].append((wall, cpu))
        wall, cpu, pdf = timed(lambda: docx_to_pdf(draft))
        steps["convert"].append((wall, cpu))
        unit_id = session.get(Case, case_id).unit_id
        wall, cpu, _ = timed(lambda: sign_pdf(pdf, unit_id=unit_id, signer_name="Phạm Thị Dung",
                                              signer_title="Quận ủy Quận 1", session=session))  # fmt: skip
        steps["sign"].append((wall, cpu))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed issuances (default 20)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with (postgres_database if args.backend == "postgresql" else sqlite_database)() as url:
        engine = make_engine(url)
        upgrade_to_head(engine)
        factory = make_session_factory(engine)
        services = build_services(Settings(database_url=url, secret_key="bench-" + "x" * 40), session_factory=factory)
        with transaction(factory) as session:
            deploy_path(session, PROJECT_ROOT / "processes", forms=services.forms)
        load_demo(factory, services)
        with factory() as session:
            case_id = session.query(Case.id).filter(Case.process_key == "report_1374").order_by(Case.id).first()[0]

        def issue() -> object:
            with transaction(factory) as session:
                actor = actor_for(session, session.query(User).filter(User.username == "supervisor1").one())
                case = session.get(Case, case_id)
                return issue_document(session, services, actor=actor, case=case, task_id=None, kind=KIND).number

        started = time.perf_counter()
        issue()  # warm-up: the converter starts, the modules load
        print(f"warm-up issuance (converter start included): {(time.perf_counter() - started) * 1000:.0f} ms")
        steps: dict[str, list[tuple[float, float]]] = {"render": [], "convert": [], "sign": [], "issue (total)": []}
        for _ in range(args.repeat):
            time_steps(factory, case_id, steps)
            wall, cpu, _ = timed(issue)
            steps["issue (total)"].append((wall, cpu))
        engine.dispose()
    print(f"\none {KIND} issued {args.repeat} times, {args.backend} (ms):")
    lines = [["step", "p50 wall", "p95 wall", "p50 CPU", "p95 CPU"]]
    for step, runs in steps.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        cells = (percentile(walls, 0.5), percentile(walls, 0.95), percentile(cpus, 0.5), percentile(cpus, 0.95))
        lines.append([step, *(f"{cell:.0f}" for cell in cells)])
    print(aligned_table(lines, numeric={1, 2, 3, 4}))
    p95 = percentile([w for w, _ in steps["issue (total)"]], 0.95)
    print(f"\ngoal p95 issuance ≤ {GOAL_MS:.0f} ms: {'met' if p95 <= GOAL_MS else 'NOT met'} ({p95:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
