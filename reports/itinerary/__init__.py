"""The customer's trip document (itinerary PDF), laid out from `tourstack.itinerary.tripdoc`."""
