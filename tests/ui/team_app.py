"""One member's app (headless Pilot) in its own process, for the multi-process team test.

python team_app.py watch URL      prints "ready", then "seen <epoch> <priority>" once the
                                  first Backlog row's priority changes
python team_app.py edit URL NAME  sets the first Backlog row's priority with the keys,
                                  then prints "saved <epoch>"
"""

import asyncio
import sys
import time

from prodops_tui.app import ProdOpsApp, settle
from prodops_tui.models.enums import JIRA_PRIORITIES
from prodops_tui.screens.backlog import PRIORITY
from prodops_tui.screens.dialogs import PriorityDialog
from prodops_tui.widgets.paged_table import PagedTable


def say(line: str) -> None:
    print(line, flush=True)


async def until(check: object, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("gave up waiting")
        await asyncio.sleep(0.02)


async def member(mode: str, url: str, name: str) -> None:
    app = ProdOpsApp(url, workspace="team", actor=f"{mode}er", sync_interval=0)
    app.WATCH_AFTER = 0.1
    async with app.run_test(size=(120, 36)) as pilot:
        await app.switch_mode("backlog")
        table = app.screen.query_one(PagedTable)
        await until(lambda: table.loaded and table.row_at(0) is not None)

        def priority() -> str:
            row = table.row_at(0)
            return str(row[PRIORITY]) if row else ""

        if mode == "watch":
            await asyncio.sleep(1.0)  # listening
            before = priority()
            say("ready")
            await until(lambda: priority() != before)
            say(f"seen {time.time()} {priority()}")
            await settle(pilot)
            return
        await pilot.press("p")
        await until(lambda: isinstance(app.screen, PriorityDialog))
        await pilot.press("home", *["down"] * JIRA_PRIORITIES.index(name), "enter")
        await until(lambda: priority() == name)
        await settle(pilot)
        say(f"saved {time.time()}")


if __name__ == "__main__":
    mode, url, *rest = sys.argv[1:]
    asyncio.run(member(mode, url, rest[0] if rest else ""))
