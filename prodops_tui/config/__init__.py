"""Settings and paths; `load` is import-cheap, `settings` holds the pydantic model behind it."""
