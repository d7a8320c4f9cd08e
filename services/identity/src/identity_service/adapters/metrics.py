"""The identity service's business metrics, for Prometheus."""

from prometheus_client import CollectorRegistry, Counter

from identity_service.ports import SignInResult

GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")


class IdentityMetrics:
    """Counts sign-ins by result and tokens by grant type (the SignInOutcomes and
    TokenOutcomes ports), and refresh tokens presented twice."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.sign_ins = Counter(
            "identity_sign_ins", "Sign-in attempts, by result", ["result"], registry=registry
        )
        self.tokens_issued = Counter(
            "identity_tokens_issued",
            "Access tokens issued, by grant type",
            ["grant_type"],
            registry=registry,
        )
        self.refresh_token_reuse = Counter(
            "identity_refresh_token_reuse",
            "Rotated refresh tokens presented again (their families were revoked)",
            registry=registry,
        )
        # Every label value exists from the start (a rate needs its zero), looked up once.
        self._sign_ins = {result: self.sign_ins.labels(result.value) for result in SignInResult}
        self._tokens = {grant: self.tokens_issued.labels(grant) for grant in GRANT_TYPES}

    def sign_in_ended(self, result: SignInResult) -> None:
        self._sign_ins[result].inc()

    def token_issued(self, grant_type: str) -> None:
        self._tokens[grant_type].inc()

    def refresh_token_reused(self) -> None:
        self.refresh_token_reuse.inc()
