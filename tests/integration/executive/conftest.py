"""The executive e-mail tests' small warehouse, shared with the unit tests of the same domain."""

from tests.unit.executive.conftest import mini_warehouse  # noqa: F401 (a fixture)
