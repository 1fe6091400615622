"""The Lab's i18n catalogs: engine (tasks), page, charts."""
