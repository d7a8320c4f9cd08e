"""Sessions and pending sign-ins as the bytes both stores keep."""

import dataclasses

import orjson

from gateway.auth.domain import PendingSignIn, Session, User


def encode(record: Session | PendingSignIn) -> bytes:
    return orjson.dumps(dataclasses.asdict(record))


def decode_session(raw: bytes | str) -> Session:
    fields = orjson.loads(raw)
    user = fields.pop("user")
    return Session(user=User(**{**user, "roles": tuple(user["roles"])}), **fields)


def decode_pending(raw: bytes | str) -> PendingSignIn:
    return PendingSignIn(**orjson.loads(raw))
