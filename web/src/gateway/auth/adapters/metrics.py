"""The gateway's sign-in metrics, for Prometheus."""

from prometheus_client import CollectorRegistry, Counter

from gateway.auth.domain import RefreshOutcome, SignInOutcome


class SessionMetrics:
    """Counts sign-ins and token refreshes by outcome, and forged requests refused (the
    SessionEvents port)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.sign_ins = Counter(
            "gateway_sign_ins",
            "Sign-ins that came back to the gateway, by outcome",
            ["outcome"],
            registry=registry,
        )
        self.refreshes = Counter(
            "gateway_session_refreshes",
            "Access-token refreshes of signed-in sessions, by outcome",
            ["outcome"],
            registry=registry,
        )
        self.csrf_rejections = Counter(
            "gateway_csrf_rejections",
            "State-changing requests refused: from another origin, or without the CSRF token",
            registry=registry,
        )
        # Every label value exists from the start (a rate needs its zero), looked up once.
        self._sign_ins = {outcome: self.sign_ins.labels(outcome.value) for outcome in SignInOutcome}
        self._refreshes = {
            outcome: self.refreshes.labels(outcome.value) for outcome in RefreshOutcome
        }

    def sign_in_ended(self, outcome: SignInOutcome) -> None:
        self._sign_ins[outcome].inc()

    def refresh_ended(self, outcome: RefreshOutcome) -> None:
        self._refreshes[outcome].inc()

    def forgery_refused(self) -> None:
        self.csrf_rejections.inc()
