"""How the app takes the routers' routes: as they were built, once per process."""

from fastapi import APIRouter, FastAPI


def add_routes(app: FastAPI, *routers: APIRouter) -> None:
    """Give ``app`` the routes of ``routers`` themselves, in order.

    ``include_router`` would wrap each router for this app, and FastAPI then builds every route's handler,
    dependencies and response models again on the app's first request (0.15–0.3 s per app on a 2-core machine,
    paid by every test that makes an app, and by the first request after a server starts). Our routers are
    complete as declared — their prefix, dependencies and tags are given to ``APIRouter`` and the app adds none
    of its own, nor lifespan handlers — so their routes, built when their module was loaded, serve any app as
    they are.
    """
    for router in routers:
        app.router.routes.extend(router.routes)
