"""The live display ``asl run`` draws on stderr when a person is watching it.

Kept apart from ``cli.py`` because it imports rich, which costs tens of
milliseconds: only a run whose stderr is a terminal pays for it. The counting
(:class:`ProgressModel`) is separate from the drawing so it can be tested
exactly; rich redraws from its own thread, so the model guards its state with a
lock and hands out copies.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import RenderableType

    from asl import WorkflowEngine

RECENT = 3


class ProgressModel:
    """States running now, states finished, and the last few to finish."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: Counter[str] = Counter()
        self._finished = 0
        self._recent: deque[tuple[str, float]] = deque(maxlen=RECENT)
        self._progress: dict[str, str] = {}  # scope label -> its last progress, as shown

    def enter(self, state: str, _input: Any = None) -> None:
        with self._lock:
            self._running[state] += 1

    def exit(self, state: str, _output: Any = None, duration: float = 0.0) -> None:
        with self._lock:
            self._running[state] -= 1
            if self._running[state] <= 0:
                del self._running[state]
            self._finished += 1
            self._recent.append((state, duration))

    def event(self, event: dict[str, Any]) -> None:
        """Progress events (the workflow's, a state's, a Map's) replace their scope's line."""
        details = event.get("details")
        if not isinstance(details, dict) or "percentage" not in details:
            return
        scope = details.get("scope")
        label = "workflow" if scope == "workflow" else f"{event.get('state')}"
        shown = f"{label} {details['percentage']:g}%"
        if scope == "map":
            shown += f" ({details['completed']}/{details['total']} items)"
        elif details.get("message"):
            shown += f" {details['message']}"
        with self._lock:
            self._progress[label] = shown

    def lines(self) -> list[str]:
        """What the display shows, as plain text: Map iterations count as ``xN``."""
        with self._lock:
            running = [
                name if count == 1 else f"{name} x{count}" for name, count in self._running.items()
            ]
            recent = [f"{name} {duration * 1000:.1f} ms" for name, duration in self._recent]
            finished = self._finished
            progress = list(self._progress.values())
        lines = [f"running: {', '.join(running)}" if running else "running: -"]
        lines.extend(f"  progress {line}" for line in progress)
        lines.append(f"{finished} state{'' if finished == 1 else 's'} done")
        lines.extend(f"  done {line}" for line in recent)
        return lines


class LiveProgress:
    """Context manager: subscribe to the engine's state events and redraw stderr."""

    def __init__(self, engine: WorkflowEngine) -> None:
        from rich.console import Console
        from rich.live import Live

        self.model = ProgressModel()
        engine.on_state_enter(self.model.enter)
        engine.on_state_exit(self.model.exit)
        engine.on_event(self.model.event)  # progress events (a person is watching: it may cost)
        self._live = Live(
            get_renderable=self._render,
            console=Console(stderr=True),
            refresh_per_second=8,
            transient=True,
        )

    def _render(self) -> RenderableType:
        from rich.console import Group
        from rich.spinner import Spinner
        from rich.text import Text

        first, *rest = self.model.lines()
        return Group(Spinner("dots", text=Text(first)), *(Text(line) for line in rest))

    def __enter__(self) -> LiveProgress:
        self._live.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._live.stop()
