"""Case search as people type at 1,000,000 cases (goal: p95 ≤ 100 ms on SQLite and PostgreSQL).

Setup (untimed, its duration is printed): a fresh database per backend (SQLite file in a temporary folder;
PostgreSQL a throwaway ``phananh_bench_search_<random>`` database on the server named by
PHANANH_BENCH_POSTGRES_URL, default the local ``test`` database, dropped afterwards), migrated, a unit tree
(1 city, 4 districts, 5 wards each). Then the BENCHMARK FIXTURE, written straight into the tables — not through
the workflow engine, which would take hours for a million cases: N ``cases`` rows spread over the 20 wards and
their searchable text in ``case_search_documents`` plus the backend's index, written the way the engine's save
hook writes it (SQLite: the same ``insert_documents`` as the migration's back-fill, 5,000 rows per transaction;
PostgreSQL: COPY of the rows and of their words, then one UPDATE with the index's own ``VECTOR_OF``
expression, then the GIN index is rebuilt). Texts are Vietnamese: titles "Phản ánh ông/bà <name> <wrongdoing>
<field>", subjects (name, position, unit), descriptions of 20–60 common words around a place and a field, so
common words ("đất đai", "phường", "cán bộ") are in a large share of the cases, as in real petitions. ``ANALYZE``
afterwards.

Measured: ``engine.cases.queries.list_cases`` with ``q`` — the engine function behind ``GET /api/cases?q=`` and
the cases page, with the ranking, the page's cases and the highlights — in a fresh session per query (wall time
in process, no HTTP). The queries are what people type: growing prefixes ("d", "da", "dat", "dat d", "dat da",
"dat dai"), names, units, fields with and without diacritics or in capitals, tracking codes whole and begun,
words in no case; each asked by a supervisor of the city (all 25 units), of a district (6) or an officer of a
ward (1), in turn. It prints machine facts and backend | cases | queries | p50 | p95 | max | within 100 ms.

Usage: ``python bench/bench_search.py [--cases N] [--queries Q] [--backend sqlite|postgresql|both]
[--database URL]`` (``--database``: set up the given database once and keep it; later runs reuse its cases).
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from importlib.metadata import version

from machine import cpu_model
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from text_table import aligned_table
from throwaway_databases import admin_connection, postgres_database, sqlite_database

from engine.cases.queries import CaseFilters, list_cases
from engine.core.db import make_engine, make_session_factory, transaction
from engine.core.migrate import upgrade_to_head
from engine.core.models import Case, ProcessDefinition
from engine.people.auth import Actor
from engine.people.units import create_unit
from engine.search.index import FIELDS, VECTOR_OF, insert_documents
from engine.search.query import CANDIDATES, candidates_statement
from engine.search.schema import DOCUMENTS_TABLE, VECTOR_COLUMN, VECTOR_INDEX
from engine.search.text import SearchDocument, index_words, parse_query

GOAL_MS = 100.0
CHUNK = 5_000
NOW = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)
SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE = "Văn Thị Hữu Đức Minh Thanh Quang Ngọc Xuân Hồng Công Đình".split()
GIVEN = ("An Bình Cường Dũng Đạt Giang Hà Hải Hạnh Hiếu Hoa Hùng Hương Khánh Lan Linh Long Mai Nam Nga Phong Phúc "
         "Quân Sơn Tâm Thảo Thắng Trung Tuấn Vân Việt Yến").split()  # fmt: skip
POSITIONS = ("Chủ tịch UBND phường", "Phó Chủ tịch UBND phường", "Cán bộ địa chính", "Kế toán",
             "Bí thư chi bộ", "Trưởng phòng Tài nguyên và Môi trường", "Công chức tư pháp - hộ tịch",
             "Trưởng công an phường")  # fmt: skip
UNITS = ("UBND phường {n}", "Phòng Tài nguyên và Môi trường quận {n}", "Đảng ủy phường {n}",
         "Ban quản lý dự án quận {n}", "Trường THCS {n}", "Trạm y tế phường {n}")  # fmt: skip
FIELDS_OF_WORK = ("đất đai", "xây dựng trái phép", "tài chính, ngân sách", "tham nhũng, tiêu cực", "đạo đức, lối sống",
                  "thu chi sai quy định", "cấp giấy chứng nhận quyền sử dụng đất", "bồi thường giải phóng mặt bằng",
                  "trật tự đô thị", "môi trường", "tuyển dụng công chức", "giáo dục", "y tế", "an ninh trật tự",
                  "chính sách người có công", "hộ nghèo")  # fmt: skip
WRONGDOINGS = ("vi phạm quy định về", "có dấu hiệu sai phạm trong", "nhận tiền khi giải quyết hồ sơ",
               "gây khó khăn cho người dân về", "thiếu trách nhiệm trong", "chậm giải quyết",
               "lợi dụng chức vụ trong", "không công khai")  # fmt: skip
PLACES = ("tổ dân phố {n}", "khu phố {n}", "đường Lê Lợi", "đường Trần Hưng Đạo", "chợ Bến Thành",
          "khu tái định cư", "dự án khu dân cư mới", "trường tiểu học")  # fmt: skip
COMMON_WORDS = (
    "người dân phản ánh rằng trong thời gian qua tại khu phố việc thực hiện chưa đúng quy trình gây bức xúc kéo dài "
    "đề nghị cơ quan có thẩm quyền kiểm tra xác minh làm rõ xử lý nghiêm theo quy định của pháp luật và công khai "
    "kết quả hồ sơ tài liệu kèm theo gồm đơn ảnh chụp biên bản làm việc hợp đồng hóa đơn chứng từ liên quan đến số "
    "tiền khoảng triệu đồng năm ngoái tổ dân phố đã họp nhiều lần nhưng chưa được trả lời thỏa đáng lãnh đạo phường "
    "hứa sẽ giải quyết sớm cán bộ đo đạc ranh giới thửa đất mương thoát nước lối đi chung hàng rào lấn chiếm"
).split()
TYPED = (
    "d", "da", "dat", "dat d", "dat da", "dat dai", "đất đai", "DAT DAI", "Đất Đai", "tranh chap dat",
    "xay dung trai", "xây dựng trái phép", "tham nh", "tham nhung tieu cuc", "ngan sach", "thu chi sai",
    "nguyen van", "nguyen van hung", "Trần Thị Mai", "le quang", "pham ngoc lan", "vo thanh tuan",
    "ubnd phuong 12", "phong tai nguyen", "can bo dia chinh", "chu tich ubnd", "ke toan", "bi thu chi bo",
    "giai phong mat bang", "boi thuong", "ho ngheo", "nguoi co cong", "tuyen dung cong chuc", "truong thcs 7",
    "le loi", "tran hung dao", "ben thanh", "khu tai dinh cu", "muong thoat nuoc", "lan chiem loi di",
    "phuong", "ho so", "kiem tra xac minh", "hop dong hoa don", "bien ban lam viec", "vi pham quy dinh",
    "qwerty", "zzz không có", "nguyen thi zzz",
)  # fmt: skip


def person(rng: random.Random) -> str:
    """A Vietnamese full name."""
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def document(rng: random.Random, code: str, bodies: list[str]) -> SearchDocument:
    """BENCHMARK FIXTURE: the searchable text of one case, as an intake form would give it."""
    name, work, wrong = person(rng), rng.choice(FIELDS_OF_WORK), rng.choice(WRONGDOINGS)
    unit = rng.choice(UNITS).format(n=rng.randint(1, 20))
    place = rng.choice(PLACES).format(n=rng.randint(1, 30))
    return SearchDocument(
        code=code,
        title=f"Phản ánh ông/bà {name} {wrong} {work}",
        subject=f"{name} · {rng.choice(POSITIONS)} · {unit}",
        body=f"Tại {place}, {name} {wrong} {work}. {rng.choice(bodies)} Liên quan {rng.choice(FIELDS_OF_WORK)}.",
    )


def fixture(count: int, wards: list[int], definition_id: int):
    """BENCHMARK FIXTURE: (case row, document) chunks, seeded and reproducible, oldest case first."""
    rng = random.Random(1374)
    bodies = [" ".join(rng.choice(COMMON_WORDS) for _ in range(rng.randint(20, 60))) for _ in range(5000)]
    start = NOW - timedelta(days=730)
    for first in range(1, count + 1, CHUNK):
        cases, documents = [], []
        for case_id in range(first, min(count, first + CHUNK - 1) + 1):
            created = start + timedelta(seconds=case_id * 63_072_000 / count)
            code = f"PA-{created.year}-{case_id:07d}"
            cases.append({
                "id": case_id, "tracking_code": code, "process_key": "report_1374", "definition_id": definition_id,
                "process_version": 1, "unit_id": rng.choice(wards), "status": "in_progress", "title": "",
                "state": "{}", "version": 1, "created_by": "officer1", "created_at": created,
                "updated_at": created, "audit_seq": 0, "audit_head": "0" * 64, "published_writing": False,
                "published_media": False, "published_portal": False,
            })  # fmt: skip
            documents.append((case_id, cases[-1]["unit_id"], document(rng, code, bodies)))
        for row, (_, _, doc) in zip(cases, documents, strict=True):
            row["title"], row["subject_name"] = doc.title[:512], doc.subject.split(" · ")[0]
        yield cases, documents


def set_up(database_url: str, count: int) -> tuple[dict[str, Actor], int]:
    """Migrate, make the unit tree and write the fixture; returns the actors who search and the case count."""
    engine = make_engine(database_url)
    try:
        upgrade_to_head(engine)
        factory = make_session_factory(engine)
        with transaction(factory) as session:
            city = create_unit(session, code="bench-city", name="Thành phố")
            districts = [create_unit(session, code=f"bench-d{d}", name=f"Quận {d}", parent=city) for d in range(1, 5)]
            wards = {d.id: [create_unit(session, code=f"bench-d{n}-w{w}", name=f"Phường {w}", parent=d).id
                            for w in range(1, 6)] for n, d in enumerate(districts, 1)}  # fmt: skip
            definition = ProcessDefinition(
                key="report_1374", version=1, name="Phản ánh 1374", filename="report_1374.bpmn", content="<x/>",
                content_sha256="0" * 64, catalog={}, deployed_at=NOW, deployed_by="bench",
            )  # fmt: skip
            session.add(definition)
            session.flush()
            definition_id = definition.id
        all_wards = [ward for ids in wards.values() for ward in ids]
        write = write_postgresql if engine.dialect.name == "postgresql" else write_sqlite
        write(engine, fixture(count, all_wards, definition_id))
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        return bench_actors(engine)
    finally:
        engine.dispose()


def bench_actors(engine: Engine) -> tuple[dict[str, Actor], int]:
    """The city and district supervisors and the ward officer of a set-up database, and its case count."""
    with engine.connect() as connection:
        ids = dict(connection.execute(text("SELECT code, id FROM units WHERE code LIKE 'bench-%'")).all())
        count = connection.execute(text("SELECT count(*) FROM cases")).scalar_one()
    city_id, district_id = ids["bench-city"], ids["bench-d1"]
    every = frozenset(ids.values())
    district = frozenset([district_id, *(ids[f"bench-d1-w{w}"] for w in range(1, 6))])
    ward = ids["bench-d1-w1"]
    actors = {
        "city": Actor("supervisor", frozenset({"supervisor"}), frozenset({city_id}), every),
        "district": Actor("lead", frozenset({"team_lead"}), frozenset({district_id}), district),
        "ward": Actor("officer", frozenset({"officer"}), frozenset({ward}), frozenset({ward})),
    }
    return actors, count


def write_sqlite(engine: Engine, chunks) -> None:
    """Cases with executemany; documents and FTS5 rows with the migration's ``insert_documents``."""
    for cases, documents in chunks:
        with engine.begin() as connection:
            connection.execute(Case.__table__.insert(), cases)
            insert_documents(connection, documents)


def _copy(cursor, statement: str, rows) -> None:
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def write_postgresql(engine: Engine, chunks) -> None:
    """COPY of cases, documents and their words; one UPDATE computes every vector; the GIN index rebuilt after."""
    columns = [c.key for c in Case.__table__.columns]
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"DROP INDEX {VECTOR_INDEX}")
        cursor.execute(f"CREATE TEMPORARY TABLE words (case_id bigint, {', '.join(f'{n} text' for n in FIELDS)})")
        for cases, documents in chunks:
            _copy(cursor, f"COPY cases ({', '.join(columns)}) FROM STDIN", ([r.get(c) for c in columns] for r in cases))
            _copy(cursor, f"COPY {DOCUMENTS_TABLE} (case_id, unit_id, {', '.join(FIELDS)}) FROM STDIN",
                  ((i, u, *(getattr(d, n) for n in FIELDS)) for i, u, d in documents))  # fmt: skip
            _copy(cursor, f"COPY words (case_id, {', '.join(FIELDS)}) FROM STDIN",
                  ((i, *(index_words(getattr(d, n)) for n in FIELDS)) for i, _, d in documents))  # fmt: skip
        vector = VECTOR_OF.format(**{n: f"w.{n}" for n in FIELDS})
        cursor.execute(
            f"UPDATE {DOCUMENTS_TABLE} d SET {VECTOR_COLUMN} = {vector} FROM words w WHERE w.case_id = d.case_id"
        )
        cursor.execute(f"CREATE INDEX {VECTOR_INDEX} ON {DOCUMENTS_TABLE} USING gin (unit_id, {VECTOR_COLUMN})")
        cursor.execute("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))")
        raw.commit()
    finally:
        raw.close()


def queries(count: int, number: int) -> list[tuple[str, str]]:
    """(actor, typed text) pairs: the typed list in turn, with tracking codes whole and begun among them."""
    rng = random.Random(42)
    typed = list(TYPED)
    for _ in range(max(4, number // 20)):
        case_id = rng.randint(1, count)
        year = (NOW - timedelta(days=730) + timedelta(seconds=case_id * 63_072_000 / count)).year
        code = f"PA-{year}-{case_id:07d}"
        typed += [code, code[:-2].lower()]
    scopes = ("city", "district", "ward")
    return [(scopes[n % 3], typed[n % len(typed)]) for n in range(number)]


def print_plan(engine: Engine, actor: Actor, typed: str) -> None:
    """The plan of the hot query, the candidates of a ward officer's common words, as the database ran it."""
    units = sorted(actor.visible_unit_ids)
    statement = candidates_statement(engine.dialect.name, parse_query(typed), units)
    statement = statement.where(Case.unit_id.in_(units)).limit(CANDIDATES)
    sql = str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with engine.connect() as connection:
        plan = connection.exec_driver_sql(explain + sql).all()
    alone = "" if engine.dialect.name == "sqlite" else " through the GIN index alone (the search reads windows first)"
    print(f"  plan of the candidates of {typed!r} for a ward officer{alone}:")
    for row in plan:
        print("    " + str(row[-1]))


def _has_cases(engine: Engine) -> bool:
    with engine.connect() as connection:
        if not inspect(connection).has_table("cases"):
            return False
        return connection.execute(text("SELECT count(*) FROM cases")).scalar_one() > 0


def run_backend(label: str, database_url: str, args: argparse.Namespace) -> list[str]:
    """Set up one backend and time every query; returns the table row."""
    start = time.perf_counter()
    engine = make_engine(database_url)
    if args.database and _has_cases(engine):
        actors, count = bench_actors(engine)
        print(f"{label}: reusing {count} cases already indexed in the given database", flush=True)
    else:
        actors, count = set_up(database_url, args.cases)
        print(f"{label}: setup {time.perf_counter() - start:.1f} s — {count} cases indexed", flush=True)
    factory = make_session_factory(engine)
    times: list[float] = []
    slowest: list[tuple[float, str, str]] = []
    try:
        asked = queries(count, args.queries)
        for scope, typed in asked[:10]:  # untimed warm-up
            with factory() as session:
                list_cases(session, actors[scope], CaseFilters(q=typed), now=NOW, page_size=25)
        partial = 0
        for scope, typed in asked:
            began = time.perf_counter()
            with factory() as session:
                page = list_cases(session, actors[scope], CaseFilters(q=typed), now=NOW, page_size=25)
            elapsed = (time.perf_counter() - began) * 1000
            partial += page.capped and page.total < CANDIDATES
            times.append(elapsed)
            slowest.append((elapsed, scope, typed))
        print_plan(engine, actors["ward"], "ke toan")
        print(f"  partial lists (fewer than {CANDIDATES} matches, may be more): {partial} of {len(asked)}")
    finally:
        engine.dispose()
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    print("  slowest: " + "; ".join(f"{typed!r} ({scope}) {ms:.0f} ms" for ms, scope, typed in sorted(slowest)[-5:]))
    return [label, f"{count:,}", str(len(times)), f"{statistics.median(times):.1f}", f"{p95:.1f}",
            f"{max(times):.1f}", "yes" if p95 <= GOAL_MS else "NO"]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--database", help="a database URL to set up once and keep (reused when it has cases)")
    args = parser.parse_args()
    if args.database:
        label = "SQLite" if args.database.startswith("sqlite") else "PostgreSQL"
        print(aligned_table([["backend", "cases", "queries", "p50 ms", "p95 ms", "max ms", f"p95 ≤ {GOAL_MS:.0f} ms"],
                             run_backend(label, args.database, args)], numeric={1, 2, 3, 4, 5}))  # fmt: skip
        return 0
    postgres = args.backend in ("postgresql", "both")
    facts = [("CPU", cpu_model()), ("CPU cores", str(os.cpu_count())), ("platform", platform.platform()),
             ("Python", platform.python_version()), ("SQLAlchemy", version("sqlalchemy")),
             ("SQLite library", __import__("sqlite3").sqlite_version)]  # fmt: skip
    if postgres:
        with admin_connection() as admin:
            facts.append(("PostgreSQL server", admin.execute("SHOW server_version").fetchone()[0]))
    for name, value in facts:
        print(f"{name}: {value}")
    rows = [["backend", "cases", "queries", "p50 ms", "p95 ms", "max ms", f"p95 ≤ {GOAL_MS:.0f} ms"]]
    if args.backend in ("sqlite", "both"):
        with sqlite_database("phananh_bench_search_") as url:
            rows.append(run_backend("SQLite", url, args))
    if postgres:
        with postgres_database("phananh_bench_search") as url:
            rows.append(run_backend("PostgreSQL", url, args))
    print()
    print(aligned_table(rows, numeric={1, 2, 3, 4, 5}))
    return 0  # the figures are the answer: a missed goal is read in the table, not in the exit status


if __name__ == "__main__":
    sys.exit(main())
