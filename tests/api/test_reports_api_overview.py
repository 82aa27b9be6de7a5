"""The supervisor overview over REST: the same figures as the Tổng quan page, from the same engine function."""

import re

from tests.cases import start_report, walk_to_verification


def test_the_overview_api_gives_the_figures_of_the_page(api, web, world):
    walk_to_verification(world, days=1)
    start_report(world)
    assert api.get("/api/reports/overview", "officer1").status_code == 403
    overview = api.get("/api/reports/overview", "supervisor1").json()
    page = web().login("supervisor1").get("/overview").text
    cards = [int(n) for n in re.findall(r'class="card__number">(\d+)<', page)]
    figures = [overview[name] for name in ("open_cases", "overdue_cases", "due_this_week", "completed_this_month")]
    assert figures == cards[:4] and overview["open_cases"] == 2
    assert len(overview["weeks"]) == 12 and sum(map(sum, overview["received_by_field"].values())) == 2
