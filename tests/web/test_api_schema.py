"""A bounded schemathesis run against the OpenAPI document: no 500s, answers match the schema.

Driven through schemathesis' Python API (its pytest plugin does not run on pytest 9).
"""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from web.models import ApiToken

# Not among them: "schema-valid data is accepted". Two rules cannot be said in JSON Schema
# (town must be a Danish town we know; hours_max >= hours_min), so such requests rightly
# get a 422 naming the field. tests/web/test_api.py checks those answers one by one.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


def test_every_operation_conforms_to_the_document(app, db, make):
    consultant = make.user("consultant")
    make.participant(consultant)
    row, clear = ApiToken.issue(consultant, "fuzz")
    db.session.add(row)
    db.session.commit()
    headers = {"Authorization": f"Bearer {clear}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
