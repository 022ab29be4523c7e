"""The product's logic as plain functions over models and the store (no Textual)."""
