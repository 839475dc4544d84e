"""The JSON API under /api/v1, for the municipality's own case systems."""

from __future__ import annotations

import http

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from web.api.errors import PROBLEM, register_problem_handler
from web.api.schemas import ProblemSchema


class MentorMatchApi(Api):
    """flask-smorest's Api with RFC 9457 errors; errors outside /api keep the pages' handlers."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        register_problem_handler(self._app)

    def _register_responses(self):
        """Document every error answer as application/problem+json, as it is sent."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


api = MentorMatchApi()


def init_api(app: Flask) -> None:
    from web.api import routes
    from web.extensions import csrf

    app.config.setdefault("API_TITLE", "Mentor Match API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": (
            "Token-authenticated API (Authorization: Bearer <token>; create tokens under "
            "'API tokens' in the app). Errors are application/problem+json (RFC 9457) naming "
            "the field. A request body is a JSON object sent as Content-Type: application/json; "
            "anything else (a form, a list, no valid JSON) is one 400. Lists are paginated "
            "with ?page=&page_size= and an X-Pagination header. "
            "Updates need If-Match with the ETag from a GET. Error messages are always in "
            "English, whatever the token's user's language or Accept-Language; a proposal's "
            "and an unmatched participant's reasons come in both English and Danish.")},
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    })
    api.init_app(app)
    from web.api.docs import bp as docs_bp

    app.register_blueprint(docs_bp)
    for bp in routes.BLUEPRINTS:
        api.register_blueprint(bp, url_prefix="/api/v1")
        csrf.exempt(bp)  # token auth only, never cookies: no cross-site request can carry it
