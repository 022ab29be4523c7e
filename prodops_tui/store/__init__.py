"""The only package that opens the workspace database.

`store.Store` (SQLAlchemy Core) serves writes, sync and migrations; `reads.Reader` (plain DB-API)
serves the UI's list pages before and after the first frame. Importing this package is free.
"""
