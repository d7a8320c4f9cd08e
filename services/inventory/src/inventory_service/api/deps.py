"""FastAPI dependencies of the inventory API."""

from typing import Annotated

from fastapi import Depends, Request

from inventory_service.ports import StockRepository


def get_stock(request: Request) -> StockRepository:
    repository: StockRepository = request.app.state.stock
    return repository


Stock = Annotated[StockRepository, Depends(get_stock)]
