"""The search behaviour every backend must show, written once.

A test module imports these tests and defines a `backend` fixture (tantivy in
tests/unit/search, a real Typesense server in tests/integration/search); `service` builds the
small catalogue below into it. The catalogue is written for these behaviours, not a relevance
benchmark: each test names the documents it expects and the ones it must not see.
"""

from __future__ import annotations

import pytest

from tourstack.search import InvalidSearch, InvalidSearchCursor, SearchRequest, SearchService, UnknownIndex

A, B = 101, 202  # two agencies

SITES = [
    {"id": 1, "name": "Humayun's Tomb", "category": "monument", "location": "Delhi",
     "description": "Mughal garden tomb of the emperor", "price_range": "budget", "price_minor": 3500,
     "popularity": 70, "rank_signal": 60},
    {"id": 2, "name": "Red Fort", "category": "fort", "location": "Delhi",
     "description": "Sandstone fort of the Mughal emperors", "price_range": "budget", "price_minor": 3500,
     "popularity": 90, "rank_signal": 85},
    {"id": 3, "name": "Amber Fort", "category": "fort", "location": "Jaipur",
     "description": "Hilltop fort above Maota lake", "price_range": "moderate", "price_minor": 10000,
     "popularity": 85, "rank_signal": 80},
    {"id": 4, "name": "Gateway of India", "category": "monument", "location": "Mumbai",
     "description": "Arch on the Apollo Bunder waterfront", "price_range": "free", "price_minor": 0,
     "popularity": 80, "rank_signal": 75},
    {"id": 5, "name": "Bahá'í House of Worship", "category": "temple", "location": "Delhi",
     "description": "The Lotus Temple, open to all faiths", "price_range": "free", "price_minor": 0,
     "popularity": 75, "rank_signal": 70},
    {"id": 6, "name": "Kashi Vishwanath Mandir", "category": "temple", "location": "Varanasi",
     "description": "Golden spired shrine on the ghats", "price_range": "free", "price_minor": 0,
     "popularity": 88, "rank_signal": 82},
    {"id": 7, "name": "Chandni Chowk Walk", "category": "market", "location": "Delhi",
     "description": "Walk from the old fort gates through the spice lanes", "price_range": "budget",
     "price_minor": 2000, "popularity": 99, "rank_signal": 99},
    {"id": 8, "name": "Victoria Memorial", "category": "museum", "location": "Kolkata",
     "description": "Marble hall of the Raj", "price_range": "budget", "price_minor": 5000,
     "popularity": 60, "rank_signal": 55},
    {"id": 9, "name": "Sabarmati Ashram", "category": "museum", "location": "Ahmedabad",
     "description": "Memorial to Gandhi", "price_range": "free", "price_minor": 0,
     "popularity": 99, "rank_signal": 99},
]

BOOKINGS = [
    {"id": 11, "booking_ref": "BK-A-0001", "customer": "Meera Iyer", "destination": "Jaipur",
     "agent": "Asha Rao", "status": "confirmed", "agency_id": A, "price_minor": 4500000, "travellers": 2},
    {"id": 12, "booking_ref": "BK-A-0002", "customer": "Rohan Iyer", "destination": "Delhi",
     "agent": "Asha Rao", "status": "cancelled", "agency_id": A, "price_minor": 2500000, "travellers": 1},
    {"id": 21, "booking_ref": "BK-B-0001", "customer": "Iyer Holdings", "destination": "Jaipur",
     "agent": "Bilal Khan", "status": "confirmed", "agency_id": B, "price_minor": 9900000, "travellers": 6},
    {"id": 22, "booking_ref": "BK-B-0002", "customer": "Priya Iyer", "destination": "Goa",
     "agent": "Bilal Khan", "status": "pending", "agency_id": B, "price_minor": 1200000, "travellers": 3},
]

ITINERARIES = [
    {"id": 31, "title": "Golden Triangle Classic", "destination": "Delhi", "stops": "Red Fort Amber Fort",
     "duration": "5", "budget": "moderate", "kind": "template", "agency_id": None, "days": 5},
    {"id": 32, "title": "Golden Temple and Forts for Meera", "destination": "Jaipur", "stops": "Amber Fort",
     "duration": "3", "budget": "luxury", "kind": "generated", "agency_id": A, "days": 3},
    {"id": 33, "title": "Golden Beaches for Priya", "destination": "Goa", "stops": "Calangute",
     "duration": "4", "budget": "budget", "kind": "generated", "agency_id": B, "days": 4},
]


DESTINATIONS = [
    {"id": 41, "name": "Varanasi", "city": "Varanasi", "region": "Uttar Pradesh", "country": "India",
     "bookings_365d": 40, "rank_signal": 6},
    {"id": 42, "name": "Goa", "city": "Panaji", "region": "Goa", "country": "India", "bookings_365d": 90,
     "rank_signal": 14},
    {"id": 43, "name": "Jaipur", "city": "Jaipur", "region": "Rajasthan", "country": "India",
     "bookings_365d": 120, "rank_signal": 18},
]


def ids(result) -> list[str]:
    return [hit.id for hit in result.hits]


@pytest.fixture
def service(backend) -> SearchService:
    svc = SearchService(backend)
    svc.reindex({"sites": SITES, "bookings": BOOKINGS, "itineraries": ITINERARIES, "destinations": DESTINATIONS})
    return svc


def search(service: SearchService, q: str, index: str = "sites", **kw):
    return service.search(SearchRequest(index=index, q=q, **kw))


def test_typo_finds_the_intended_site(service):
    assert ids(search(service, "Humayon's Tomb"))[:1] == ["1"]


def test_a_typo_too_far_finds_nothing(service):
    assert search(service, "Hxmxyxn").total == 0


def test_synonym_qila_finds_forts(service):
    found = ids(search(service, "qila"))
    assert {"2", "3"} <= set(found) and "1" not in found


def test_old_place_name_finds_the_new_one(service):
    assert ids(search(service, "Bombay")) == ["4"]
    assert ids(search(service, "Calcutta")) == ["8"]
    assert "6" in ids(search(service, "Benares"))


def test_stemming_forts_finds_fort(service):
    assert {"2", "3"} <= set(ids(search(service, "forts")))


def test_ascii_folding_both_ways(service):
    assert ids(search(service, "bahai"))[:1] == ["5"]
    assert ids(search(service, "Bahá'í"))[:1] == ["5"]


def test_name_match_outranks_description_match(service):
    # "fort" is in the names of 2 and 3 and only in the description of 7, which is the most
    # popular site of all: the name boost must still win.
    found = ids(search(service, "fort"))
    assert set(found[:2]) == {"2", "3"} and found.index("7") > 1


def test_name_match_outranks_a_short_description_match_of_a_more_popular_site(service):
    assert ids(search(service, "memorial")) == ["8", "9"]


def test_every_word_must_match(service):
    assert ids(search(service, "amber fort")) == ["3"]


def test_facets_follow_the_filters(service):
    everything = search(service, "fort")
    assert everything.facets["location"] == {"Delhi": 2, "Jaipur": 1}
    delhi = search(service, "fort", filters={"location": "Delhi"})
    assert set(ids(delhi)) == {"2", "7"}
    assert delhi.facets["location"] == {"Delhi": 2}
    assert delhi.facets["category"] == {"fort": 1, "market": 1}


def test_highlighting_marks_the_matched_words(service):
    hit = search(service, "forts").hits[0]
    assert "<mark>Fort</mark>" in hit.highlights["name"]
    temple = search(service, "Bahai").hits[0]
    assert temple.highlights["name"].startswith("<mark>Bahá&#x27;í</mark>")


def test_sorting_by_price_and_name(service):
    by_price = search(service, "fort", sort="price")
    prices = [hit.document["price_minor"] for hit in by_price.hits]
    assert prices == sorted(prices)
    by_name = search(service, "delhi", sort="name")
    names = [hit.document["name"] for hit in by_name.hits]
    assert names == sorted(names, key=str.lower) and len(names) == 4


def test_sorting_by_popularity_uses_the_ranking_signal(service):
    # By relevance the forts (name matches) lead; by popularity the walk past the fort gates does.
    assert ids(search(service, "fort", sort="popularity")) == ["7", "2", "3"]
    assert ids(search(service, "fort"))[-1] == "7"


def test_cursor_pages_through_without_repeats(service):
    first = search(service, "delhi", limit=3)
    assert first.total == 4 and len(first.hits) == 3 and first.next_cursor
    second = search(service, "delhi", limit=3, cursor=first.next_cursor)
    assert len(second.hits) == 1 and second.next_cursor is None
    assert not set(ids(first)) & set(ids(second))


def test_a_cursor_from_another_query_is_refused(service):
    cursor = search(service, "delhi", limit=1).next_cursor
    with pytest.raises(InvalidSearchCursor):
        search(service, "fort", limit=1, cursor=cursor)
    with pytest.raises(InvalidSearchCursor):
        search(service, "delhi", limit=2, cursor=cursor)
    with pytest.raises(InvalidSearchCursor):
        search(service, "delhi", limit=1, cursor="not-a-cursor")


def test_agency_sees_only_its_bookings_hits_and_facets(service):
    found = search(service, "iyer", index="bookings", agency_id=A)
    assert set(ids(found)) == {"11", "12"} and found.total == 2
    assert found.facets["status"] == {"confirmed": 1, "cancelled": 1}
    assert found.facets["destination"] == {"Jaipur": 1, "Delhi": 1}
    other = search(service, "iyer", index="bookings", agency_id=B)
    assert set(ids(other)) == {"21", "22"}
    staff = search(service, "iyer", index="bookings")
    assert staff.total == 4


def test_agency_never_finds_another_agencys_booking_by_its_reference(service):
    assert search(service, "BK-B-0001", index="bookings", agency_id=A).total == 0


def test_itineraries_show_templates_and_own_agency_only(service):
    assert set(ids(search(service, "golden", index="itineraries", agency_id=A))) == {"31", "32"}
    assert set(ids(search(service, "golden", index="itineraries", agency_id=B))) == {"31", "33"}


def test_autocomplete_by_prefix_and_scoped(service):
    sites = service.suggest("humay", ["sites"], agency_id=None)
    assert [s.id for s in sites] == ["1"] and "<mark>" in sites[0].highlight
    mine = service.suggest("BK", ["bookings"], agency_id=A)
    assert {s.id for s in mine} == {"11", "12"}
    assert not service.suggest("bk-b-00", ["bookings"], agency_id=A)
    assert {s.id for s in service.suggest("bk-b-00", ["bookings"], agency_id=B)} == {"21", "22"}


@pytest.mark.parametrize("q", ['"', 'name:fort', '(fort', 'fort*', '\\', '"amber fort', 'fort AND OR (', '~^!'])
def test_query_syntax_is_only_text(service, q):
    try:
        found = search(service, q)
    except InvalidSearch:
        return  # nothing searchable left in it: refused as such
    assert all(hit.id in {"2", "3", "7"} for hit in found.hits)


@pytest.mark.parametrize("request_kw", [
    {"q": ""}, {"q": "   "}, {"q": "x" * 10_000}, {"q": "fort", "limit": 0}, {"q": "fort", "limit": 101},
    {"q": "fort", "facets": ["colour"]}, {"q": "fort", "sort": "colour"},
    {"q": "fort", "filters": {"colour": "red"}}, {"q": "fort", "filters": {"location": "x`||agency_id:>0"}},
])
def test_bad_input_is_refused(service, request_kw):
    with pytest.raises(InvalidSearch):
        service.search(SearchRequest(index="sites", **request_kw))


def test_unknown_index_is_refused(service):
    with pytest.raises(UnknownIndex):
        search(service, "fort", index="planets")


def test_reindex_swaps_in_the_new_documents(service):
    service.reindex({"sites": [{**SITES[1], "name": "Lal Qila"}]})
    found = search(service, "fort")
    assert ids(found) == ["2"] and found.hits[0].document["name"] == "Lal Qila"


def test_changes_reach_the_live_index_without_a_rebuild(service):
    service.index_documents("sites", [{**SITES[2], "name": "Amer Qila"},
                                      {**SITES[0], "id": 99, "name": "Safdarjung Tomb"}])
    assert ids(search(service, "amer")) == ["3"]
    assert ids(search(service, "safdarjung")) == ["99"]
    assert search(service, "tomb").total == 2
    service.remove_documents("sites", [99, 12345])
    assert search(service, "safdarjung").total == 0
    assert search(service, "tomb").total == 1


def test_an_updated_booking_follows_its_new_agency(service):
    service.index_documents("bookings", [{**BOOKINGS[2], "agency_id": A}])
    assert "21" in ids(search(service, "iyer", index="bookings", agency_id=A))
    assert "21" not in ids(search(service, "iyer", index="bookings", agency_id=B))


def test_a_query_no_document_fully_matches_returns_the_best_partial_matches(service):
    # No site is a "red fort sunset cruise"; the fort the words name comes first, not nothing.
    assert ids(search(service, "red fort sunset cruise"))[0] == "2"


def test_the_last_word_is_searched_as_typed_so_far(service):
    assert ids(search(service, "victoria mem")) == ["8"]
    assert ids(search(service, "chandni cho")) == ["7"]


def test_partial_matches_never_widen_an_identifier_search(service):
    # Part of another agency's reference must not turn into "every booking with BK in it".
    assert search(service, "BK-B-0001", index="bookings", agency_id=A).total == 0


def test_destinations_by_old_name_city_or_region(service):
    assert ids(search(service, "Benares", index="destinations")) == ["41"]
    assert ids(search(service, "panaji", index="destinations")) == ["42"]
    assert ids(search(service, "rajasthan", index="destinations")) == ["43"]


def test_did_you_mean_spells_the_query_as_the_indexed_words(service):
    fixed = service.did_you_mean("humayon tomb", ["sites"], agency_id=None)
    assert fixed is not None and fixed.text == "humayun's tomb" and fixed.changes == (("humayon", "humayun's"),)
    assert fixed.highlight == "<mark>humayun&#x27;s</mark> tomb"
    assert service.did_you_mean("victorya memorial", ["sites"], agency_id=None).text == "victoria memorial"


def test_did_you_mean_leaves_known_words_synonyms_and_far_words_alone(service):
    assert service.did_you_mean("red fort", ["sites"], agency_id=None) is None
    assert service.did_you_mean("benares", ["sites", "destinations"], agency_id=None) is None
    assert service.did_you_mean("zzyzx", ["sites"], agency_id=None) is None


def test_did_you_mean_never_uses_another_agencys_words(service):
    # "Bilal" is only in agency B's bookings: agency A's caller gets no correction to it.
    assert service.did_you_mean("bilaal", ["bookings"], agency_id=A) is None
    assert service.did_you_mean("bilaal", ["bookings"], agency_id=B).text == "bilal"
    assert service.did_you_mean("bilaal", ["bookings"], agency_id=None).text == "bilal"


def test_did_you_mean_refuses_bad_input_like_search(service):
    with pytest.raises(InvalidSearch):
        service.did_you_mean("   ", ["sites"], agency_id=None)
    with pytest.raises(UnknownIndex):
        service.did_you_mean("fort", ["nowhere"], agency_id=None)
