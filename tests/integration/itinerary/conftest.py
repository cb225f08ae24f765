"""The itinerary tests' seeded catalogue, shared with the unit tests of the same domain."""

from tests.unit.itinerary.conftest import catalogue_url, seeded_template, sessions  # noqa: F401 (fixtures)
