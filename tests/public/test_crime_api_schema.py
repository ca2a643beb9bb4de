"""The API's OpenAPI document, checked by schemathesis against the running app: for every
documented operation, generated requests, valid and invalid, get a documented status, content
type, headers and body, and never a server error.

Strategies are drawn per operation inside the test (``as_strategy``) rather than through
``schemathesis.pytest.from_fixture``, whose lazy loader reads a pytest internal that pytest 9
no longer has.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.public.test_crime_api import INCIDENTS, import_export

DOCUMENT = json.loads((Path(__file__).parents[2] / "portal" / "public" / "openapi.json").read_text(encoding="utf-8"))
PATHS = sorted(DOCUMENT["paths"])
# Invalid requests need a query parameter to be invalid in: an If-None-Match header takes any text.
FILTERED = [path for path in PATHS if any("/parameters/If-None-Match" not in parameter["$ref"]
                                          for parameter in DOCUMENT["paths"][path]["get"]["parameters"])]
CASES = [(path, GenerationMode.POSITIVE) for path in PATHS] + [(path, GenerationMode.NEGATIVE) for path in FILTERED]


@pytest.fixture
def api_schema(make_app, tmp_path):
    app = make_app("public")
    import_export(app, tmp_path / "export.csv", INCIDENTS)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.mark.parametrize(("path", "mode"), CASES)
def test_the_api_answers_as_its_openapi_document_says(api_schema, path, mode):
    operation = api_schema[path]["GET"]

    # No example database: every run starts afresh, and a failure names its seed to replay it.
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    def answers_as_documented(case):
        # Rules across parameters (to not before from, west < east) are beyond what a schema states,
        # so a request valid by the schema alone may rightly get a 400; every other check applies.
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    answers_as_documented()
