"""The app takes the routers' routes as they were built: no per-app copy or wrapper to build again on the first
request (see ``api.routers.add_routes``)."""

from fastapi.routing import APIRoute

from api.app import create_app
from api.routes import cases, health, tasks
from api.web import routes_admin, routes_inbox
from engine.core.settings import Settings


def _app(tmp_path):
    return create_app(Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", secret_key="k" * 32),
                      run_scheduler=False)  # fmt: skip


def test_every_app_serves_the_routers_own_route_objects_each_once(tmp_path):
    first, second = _app(tmp_path), _app(tmp_path)
    for router in (health.router, cases.router, tasks.router, routes_inbox.router, routes_admin.router):
        for route in router.routes:
            assert sum(candidate is route for candidate in first.routes) == 1, route.path
            assert any(candidate is route for candidate in second.routes), route.path
    api_routes = [route for route in first.routes if isinstance(route, APIRoute)]
    assert len(api_routes) == len({(route.path, frozenset(route.methods)) for route in api_routes})
