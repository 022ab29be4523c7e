"""The fake Jira's user directory: `/users/search`, every account of the site a page at a time."""

from starlette.requests import Request
from starlette.responses import Response

from prodops_tui.fakes.jira_data import site_users
from prodops_tui.fakes.jira_routes import errors
from prodops_tui.fakes.json_response import JSONResponse


async def users_search(request: Request) -> Response:
    """Accounts from `startAt`, `maxResults` (1 to 1000) at a time; the last page is short."""
    try:
        start = int(request.query_params.get("startAt", "0"))
        size = int(request.query_params.get("maxResults", "50"))
    except ValueError:
        return errors(400, "startAt and maxResults must be integers.")
    if start < 0 or not 1 <= size <= 1000:
        return errors(400, "startAt must be 0 or more and maxResults 1 to 1000.")
    return JSONResponse(site_users()[start : start + size])
