from __future__ import annotations

from types import SimpleNamespace

from backend.regions.coordinates import fill_coordinates

CENTRE = SimpleNamespace(latitude=24.19, longitude=113.41)


def place(**fields):
    return SimpleNamespace(**{"latitude": None, "longitude": None, "division_id": "441881", **fields})


def test_a_place_without_coordinates_takes_its_divisions_centre():
    found = place(division=CENTRE)
    fill_coordinates(found, "division")
    assert (found.latitude, found.longitude) == (24.19, 113.41)


def test_own_coordinates_are_kept_unless_replaced():
    own = place(latitude=23.0, longitude=113.0, division=CENTRE)
    fill_coordinates(own, "division")
    assert (own.latitude, own.longitude) == (23.0, 113.0)
    fill_coordinates(own, "division", replace=True)
    assert (own.latitude, own.longitude) == (24.19, 113.41)


def test_the_divisions_held_by_the_caller_save_the_lookup():
    found = place()  # no `division` attribute: reading it would fail
    fill_coordinates(found, "division", divisions={"441881": CENTRE})
    assert found.latitude == 24.19
    nowhere = place(division_id=None)
    fill_coordinates(nowhere, "division", divisions={})
    assert nowhere.latitude is None
