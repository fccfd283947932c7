"""Three agencies with keys and directives between them, for the API tests."""

import datetime
from dataclasses import dataclass

from rest_framework.test import APIClient

from directives.models import ApiKey

from .factories import AgencyFactory

GIVEN = datetime.date(2024, 7, 10)


@dataclass
class Caller:
    agency: object
    key: ApiKey
    raw_key: str
    client: APIClient


def make_caller(agency=None, name="Hệ thống báo cáo"):
    agency = agency or AgencyFactory()
    key, raw = ApiKey.issue(agency=agency, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return Caller(agency, key, raw, client)
