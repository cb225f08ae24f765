"""Coordinates, distances and maps for the trip document.

`basemap` ships Natural Earth country outlines; `legs` estimates (or asks Google for) the
distance and travel time between consecutive items of a day, through the routing's own
travel-time matrix; `staticmap` draws a day's route as SVG with no network.
"""
