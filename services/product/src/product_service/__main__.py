"""``python -m product_service``: run the product service alone."""

from product_service.core.config import Settings
from product_service.main import create_app
from shopkit.logging import configure_logging
from shopkit.server import serve


def main() -> None:
    settings = Settings()
    configure_logging("product", settings.log_level)
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
