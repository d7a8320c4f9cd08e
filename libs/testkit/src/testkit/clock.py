"""A clock the test moves by hand, for code that takes a `clock: Callable[[], float]`."""


class ManualClock:
    """Reads `now` (seconds, monotonic-like); tests advance it with ``clock.now += …``."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
