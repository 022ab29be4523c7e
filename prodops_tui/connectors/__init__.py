"""Connectors: Jira, Zendesk, GrowthBook and Mixpanel JSON over httpx, mapped to workspace rows.

Connectors never touch the store; the sync service commits what they yield.
"""
