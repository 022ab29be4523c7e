"""The domain vocabulary: enums here are import-cheap; SQLModel tables live in `tables`."""
