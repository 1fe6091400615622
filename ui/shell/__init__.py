"""The app shell: frame, sign-in, navigation (page specs by key), links, database handle, i18n
helper, actions (the one write guard) and the shell's session keys."""
