"""Local ASGI services speaking the Jira, Zendesk, GrowthBook and Mixpanel protocols."""
