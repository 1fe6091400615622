"""Lab training jobs: the registry pages talk to, its worker pool, and the worker entry point."""
