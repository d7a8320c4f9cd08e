"""FastAPI dependencies of the inventory API."""

from typing import Annotated

from fastapi import Depends, Request

from inventory_service.metrics import InventoryMetrics
from inventory_service.ports import ReservationRepository, StockRepository


async def get_stock(request: Request) -> StockRepository:
    repository: StockRepository = request.app.state.stock
    return repository


Stock = Annotated[StockRepository, Depends(get_stock)]


async def get_reservations(request: Request) -> ReservationRepository:
    repository: ReservationRepository = request.app.state.reservations
    return repository


Reservations = Annotated[ReservationRepository, Depends(get_reservations)]


async def get_inventory_metrics(request: Request) -> InventoryMetrics:
    metrics: InventoryMetrics = request.app.state.inventory_metrics
    return metrics


Metrics = Annotated[InventoryMetrics, Depends(get_inventory_metrics)]
