"""The app shell: frame, sign-in, navigation, database handle, i18n helper, actions."""
