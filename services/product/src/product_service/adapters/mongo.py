"""The catalog in MongoDB, through PyMongo's async API."""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from pymongo import ASCENDING, AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from product_service.adapters.metrics import MongoPoolMetrics
from product_service.domain import DuplicateSkuError, Product
from shopkit import tracing
from shopkit.money import from_minor_units, to_minor_units

DEFAULT_DATABASE = "shopstack_product"
Document = dict[str, Any]


def _to_document(product: Product) -> Document:
    # Integer minor units: exact in every store, and MongoDB wire servers without
    # Decimal128 support still hold them.
    return {
        "_id": product.id,
        "skuCode": product.sku_code,
        "name": product.name,
        "description": product.description,
        "priceMinor": to_minor_units(product.price),
    }


def _to_product(document: Document) -> Product:
    return Product(
        id=document["_id"],
        sku_code=document["skuCode"],
        name=document["name"],
        description=document["description"],
        price=from_minor_units(document["priceMinor"]),
    )


class MongoProductRepository:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._products = collection

    async def add(self, product: Product) -> None:
        try:
            await self._products.insert_one(_to_document(product))
        except DuplicateKeyError as exc:
            raise DuplicateSkuError(product.sku_code) from exc

    async def get(self, product_id: str) -> Product | None:
        document = await self._products.find_one({"_id": product_id})
        return None if document is None else _to_product(document)

    async def find_by_skus(self, sku_codes: Sequence[str]) -> list[Product]:
        cursor = self._products.find({"skuCode": {"$in": list(sku_codes)}})
        return [_to_product(document) async for document in cursor]

    async def list_page(self, offset: int, limit: int) -> list[Product]:
        cursor = self._products.find().sort("skuCode", ASCENDING).skip(offset).limit(limit)
        return [_to_product(document) async for document in cursor]

    async def count(self) -> int:
        return await self._products.count_documents({})


async def _create_indexes(products: AsyncCollection[Document]) -> None:
    """The catalog's "migration": the unique index that refuses a duplicate SKU."""
    await products.create_index([("skuCode", ASCENDING)], unique=True, name="skuCode_unique")


@asynccontextmanager
async def open_mongo_store(
    url: str, *, migrate: bool
) -> AsyncIterator[
    tuple[MongoProductRepository, Callable[[], Awaitable[object]], MongoPoolMetrics]
]:
    """A repository on the database the URL names (default ``shopstack_product``); with
    `migrate`, its indexes created first."""
    if tracing.enabled():
        from opentelemetry.instrumentation.pymongo import PymongoInstrumentor

        PymongoInstrumentor().instrument()
    pool_metrics = MongoPoolMetrics()
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        url,
        serverSelectionTimeoutMS=2000,
        connectTimeoutMS=2000,
        tz_aware=True,
        event_listeners=[pool_metrics],
    )
    try:
        database = client.get_default_database(DEFAULT_DATABASE)
        collection = database["products"]
        if migrate:
            await _create_indexes(collection)

        async def ping() -> object:
            return await client.admin.command("ping")

        yield MongoProductRepository(collection), ping, pool_metrics
    finally:
        await client.close()
