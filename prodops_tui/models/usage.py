"""Daily product usage from Mixpanel: event counts and unique users per day."""

from datetime import date

from sqlmodel import Field, SQLModel


class UsageDaily(SQLModel, table=True):
    """How often one event happened on one day, and how many people did it."""

    __tablename__ = "usage_daily"

    event: str = Field(primary_key=True)
    """The Mixpanel event name; `$active` holds daily active users."""
    day: date = Field(primary_key=True)
    count: int = 0
    unique_users: int = 0
