"""TableView's cached rows change in place: a re-read row shows in every cached page (the page
cache's `set` keeps a key's first value), and dropped rows close the gap."""

from array import array

from prodops_tui.store.reads import ListQuery, Row
from prodops_tui.widgets.table_view import PAGE, TableView


def loaded_view(total: int, cached: range) -> TableView:
    """A view of rows seq 1..total, status "To Do", with the pages in `cached` in memory."""
    rows: list[Row] = [(seq, f"K-{seq}", "To Do") for seq in range(1, total + 1)]
    view = TableView(ListQuery("issue", ("key", "status")), rows[:PAGE])
    view.adopt(array("q", range(1, total + 1)))
    for page_no in cached:
        view.pages[page_no] = rows[page_no * PAGE : (page_no + 1) * PAGE]
    return view


def test_replace_changes_cached_pages() -> None:
    view = loaded_view(3 * PAGE, range(3))
    view.replace({5: (5, "K-5", "Done"), PAGE + 7: (PAGE + 7, "K", "Declined")})
    assert view.row_at(4)[0] == (5, "K-5", "Done")
    assert view.row_at(PAGE + 6)[0] == (PAGE + 7, "K", "Declined")
    assert view.row_at(5)[0] == (6, "K-6", "To Do")


def test_drop_closes_the_gap_and_reads_pages_it_cannot_rebuild() -> None:
    view = loaded_view(3 * PAGE, range(2))
    view.drop({3, PAGE + 1})
    assert view.total == 3 * PAGE - 2
    assert [view.row_at(i)[0][0] for i in (1, 2, PAGE - 2, PAGE - 1)] == [2, 4, PAGE, PAGE + 2]
    assert view.row_at(PAGE) == (None, 1)  # page 1 needs rows of page 2, not in memory
    view.drop({999_999})
    assert view.total == 3 * PAGE - 2
