"""The preset registry: every preset can train in the tabs it fills, has its title and story in
both languages, belongs to one curriculum week; tab defaults are valid for their tab."""

import pytest

from core.i18n import translate
from core.lab.catalog.page import EN, KO
from core.lab.presets import HOME, MODEL_TABS, PRESETS, PROVEN, TAB_DEFAULTS, preset_of_week, tab_default


@pytest.mark.parametrize("tab", MODEL_TABS)
def test_tab_defaults_are_valid_for_their_tab(tab):
    cfg = tab_default(tab)
    assert cfg.validate() is cfg and cfg.model.kind == tab
    assert set(TAB_DEFAULTS) == set(MODEL_TABS)


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_configs_title_story_and_week(name):
    preset = PRESETS[name]
    assert preset.name == name and preset.tab in MODEL_TABS and preset.view in (None, "pe")
    for tab, cfg in preset.configs.items():
        assert cfg.validate() is cfg and cfg.model.kind == tab, (name, tab)
    for key in (preset.title_key, preset.story_key):
        assert key in KO and key in EN, key
        assert translate(key, "en") != key
    assert preset_of_week(preset.week) == name


def test_weeks_are_distinct_and_home_lists_known_presets():
    weeks = [p.week for p in PRESETS.values()]
    assert len(set(weeks)) == len(weeks) and preset_of_week(999) is None
    assert set(HOME) <= set(PRESETS)
    assert all(cfg.validate() is cfg for cfg in PROVEN.values())
