"""JSON answers of already-validated models, for the hot routes.

A sync route's return value goes back to the thread pool to be validated against its ``response_model`` and
serialized there: one more hop for an object the route built from that very model. A ``Response`` is passed through
as it is, so a route returns ``json_answer(model)`` and keeps ``response_model`` for the OpenAPI document only.
"""

from fastapi import Response
from pydantic import BaseModel


def json_answer(model: BaseModel, *, status_code: int = 200) -> Response:
    """The model as a JSON response, serialized once by pydantic (as FastAPI would: by alias)."""
    return Response(model.model_dump_json(by_alias=True), status_code=status_code, media_type="application/json")
