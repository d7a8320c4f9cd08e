"""The signing keys: one made on first start, rotated on demand, each retired key kept
until no token signed with it can still be valid."""

import logging
from datetime import timedelta

from identity_service.domain import KeyRing, SigningKey
from identity_service.ports import Clock, KeyFactory, SigningKeyStore

logger = logging.getLogger(__name__)


async def key_ring(store: SigningKeyStore, overlap: timedelta) -> KeyRing:
    return KeyRing(tuple(await store.all()), overlap)


async def ensure_signing_key(
    store: SigningKeyStore, factory: KeyFactory, clock: Clock, overlap: timedelta
) -> None:
    """Make the first signing key if there is none, and drop the keys that expired."""
    ring = await key_ring(store, overlap)
    if ring.signing_key() is None:
        key = factory.new_signing_key(clock())
        await store.add(key)
        logger.info("signing key created", extra={"kid": key.kid})
    await _drop_expired(store, ring, clock)


async def rotate_keys(
    store: SigningKeyStore, factory: KeyFactory, clock: Clock, overlap: timedelta
) -> SigningKey:
    """Sign with a new key from now on; the previous ones keep verifying for `overlap`."""
    ring = await key_ring(store, overlap)
    now = clock()
    key = factory.new_signing_key(now)
    # The new key is stored before the old ones retire: there is always one to sign with.
    await store.add(key)
    for retired in ring.retiring(now):
        await store.retire(retired.kid, now)
    await _drop_expired(store, ring, clock)
    logger.info(
        "signing keys rotated",
        extra={"kid": key.kid, "retired": [old.kid for old in ring.retiring(now)]},
    )
    return key


async def _drop_expired(store: SigningKeyStore, ring: KeyRing, clock: Clock) -> None:
    expired = [key.kid for key in ring.expired(clock())]
    if expired:
        await store.delete(expired)
        logger.info("expired signing keys dropped", extra={"kids": expired})
