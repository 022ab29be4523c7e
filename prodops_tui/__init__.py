"""prodops: a keyboard-first terminal workspace for product operations."""
