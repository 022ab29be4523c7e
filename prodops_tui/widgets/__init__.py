"""Widgets shared by two or more screens."""
