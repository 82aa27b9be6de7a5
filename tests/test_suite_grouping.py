"""The suite's own set-up: under ``--dist loadgroup`` a module whose tests share a module-scoped fixture runs on one
xdist worker, so its browser, server or converter starts once (see ``pytest_collection_modifyitems`` in conftest)."""

import pytest


@pytest.fixture(scope="module")
def started_once() -> list[str]:
    """Stands for a module's browser or server: what its tests share."""
    return []


def test_a_module_sharing_a_fixture_is_grouped_on_one_worker(request, started_once):
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("the suite is not run by pytest-xdist with --dist loadgroup")
    group = request.node.get_closest_marker("xdist_group")
    assert group is not None and group.args == ("tests/test_suite_grouping.py",)
    assert request.node.nodeid.endswith("@tests/test_suite_grouping.py"), (
        "pytest-xdist did not write the group into the test's id: with this pytest every test is its own group "
        "(pytest is pinned below 9.2 in pyproject.toml)"
    )
