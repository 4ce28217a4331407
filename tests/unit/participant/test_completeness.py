from types import SimpleNamespace

from tandem.platform.participant.completeness import PARTS, profile_completeness


def profile(**fields):
    base = dict(languages=["de"], format="both", city="Bern", weekdays=["tue"], career_band="3-5",
                bio="Hi", aims="Learn")
    base.update(fields)
    return SimpleNamespace(**base)


def test_nothing_is_zero_and_everything_is_complete():
    empty = profile_completeness(None, [])
    assert empty.percent == 0 and empty.missing == PARTS
    full = profile_completeness(profile(), [1, 2, 3, None])
    assert full.complete and full.percent == 100


def test_the_top_three_must_be_ranked_and_a_city_is_needed_only_in_person():
    assert "top_three" in profile_completeness(profile(), [1, 2, None]).missing
    assert "city" not in profile_completeness(profile(format="remote", city=""), [1, 2, 3]).missing
    assert "city" in profile_completeness(profile(format="in_person", city=" "), [1, 2, 3]).missing
