"""Portrait designed for portrait (issue 13): the 1080×1920 cabinet gets bigger type and targets
than the landscape layout stretched to its width would have."""

from __future__ import annotations

from appliance.ui.theme import PORTRAIT_BOOST, sizes_for


def test_portrait_type_and_targets_are_bigger_than_the_stretched_landscape() -> None:
    portrait = sizes_for(1080, 1920)
    landscape_at_that_width = sizes_for(1080, 608)  # the same width laid out as landscape
    assert portrait.portrait and not landscape_at_that_width.portrait
    assert portrait.body >= round(landscape_at_that_width.body * PORTRAIT_BOOST) - 1
    assert portrait.target >= round(landscape_at_that_width.target * PORTRAIT_BOOST) - 1
    assert portrait.body >= 50 and portrait.target >= 100


def test_the_small_landscape_panel_is_unchanged() -> None:
    small = sizes_for(800, 480)
    assert (small.body, small.target, small.pad) == (30, 64, 8)
