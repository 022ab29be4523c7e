"""The baseline: an empty Textual app (Header, one Static, Footer) on the same terminal."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

MARKER = "ready-marker"


class EmptyApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(MARKER)
        yield Footer()


if __name__ == "__main__":
    EmptyApp().run()
