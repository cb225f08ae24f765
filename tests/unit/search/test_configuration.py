"""Settings pick the backend; search.yaml is validated when read; analysis is the same both ways."""

from __future__ import annotations

import copy

import pytest
import yaml
from importlib import resources

from tourstack.search import SearchUnavailable
from tourstack.search.analysis import analyse, synonym_map
from tourstack.search.config import default_config, parse_config
from tourstack.search.runtime import build_backend
from tourstack.search.tantivy_backend import TantivyBackend
from tourstack.search.typesense_backend import TypesenseBackend
from tourstack.settings import Settings


def test_tantivy_is_the_default_under_home(tmp_path):
    backend = build_backend(Settings(home=tmp_path))
    assert isinstance(backend, TantivyBackend) and backend.root == tmp_path / "search" / "tantivy"


def test_typesense_from_settings_keeps_the_key_out_of_sight(tmp_path):
    settings = Settings(home=tmp_path, search_backend="typesense", typesense_url="http://127.0.0.1:9",
                        typesense_api_key="s3cret-key")
    backend = build_backend(settings)
    assert isinstance(backend, TypesenseBackend)
    assert "s3cret-key" not in repr(settings) and "s3cret-key" not in backend.url


def test_typesense_without_a_key_is_refused(tmp_path):
    with pytest.raises(SearchUnavailable, match="TYPESENSE_API_KEY"):
        build_backend(Settings(home=tmp_path, search_backend="typesense"))


def test_unreachable_typesense_is_unavailable_not_a_crash(tmp_path):
    from tourstack.search import SearchRequest, SearchService

    backend = build_backend(Settings(home=tmp_path, search_backend="typesense", typesense_url="http://127.0.0.1:9",
                                     typesense_api_key="k"))
    backend.client.config.connection_timeout_seconds = 1
    with pytest.raises(SearchUnavailable):
        SearchService(backend).search(SearchRequest(index="sites", q="fort"))


def _shipped() -> dict:
    return yaml.safe_load(resources.files("tourstack.search").joinpath("search.yaml").read_text("utf-8"))


@pytest.mark.parametrize("breakage", [
    lambda raw: raw["synonyms"].append(["new delhi", "delhi"]),
    lambda raw: raw["indexes"]["sites"].update(scope="planet"),
    lambda raw: raw["indexes"]["sites"]["sorts"].update(relevance={"field": "name_sort"}),
    lambda raw: raw["indexes"]["bookings"].update(exact=["nowhere"]),
])
def test_a_broken_config_is_refused(breakage):
    raw = copy.deepcopy(_shipped())
    breakage(raw)
    with pytest.raises(ValueError):
        parse_config(raw)


def test_shipped_config_has_the_place_names_and_boosts():
    config = default_config()
    synonyms = synonym_map(config.synonyms)
    for old, new in [("bombay", "mumbai"), ("benar", "varanasi"), ("calcutta", "kolkata"), ("madra", "chennai"),
                     ("cochin", "kochi"), ("qila", "fort"), ("mandir", "templ")]:
        assert new in synonyms[old], old
    sites = config.index("sites").text
    assert sites["name"] > sites["category"] > sites["description"]


def test_analysis_folds_stems_and_keeps_possessives_whole():
    assert analyse("Bahá'í Temples") == ["bahai", "templ"]
    assert analyse("Humayun’s FORTS") == ["humayun", "fort"]
    assert analyse('"(*:\\') == []


def test_booking_refs_typed_with_spaces_dashes_case_or_look_alike_letters_become_the_ref():
    from tourstack.search.query import _as_identifier

    bookings = default_config().index("bookings")
    assert _as_identifier("tb 7enecnp", bookings) == "tb7enecnp"
    assert _as_identifier("TB-C0YG-4Y7", bookings) == "tbc0yg4y7"
    assert _as_identifier("TBO3T01YX", bookings) == "tb03t01yx"  # O is never used: it is a 0
    assert _as_identifier("Meera Iyer", bookings) == "Meera Iyer"  # not a reference: left alone
    assert _as_identifier("tb 7enecnp", default_config().index("sites")) == "tb 7enecnp"
