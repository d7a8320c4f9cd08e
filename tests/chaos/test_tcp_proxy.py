"""The proxy the chaos suite puts between order and inventory does what the faults say: it
forwards, refuses while cut, and holds bytes while slowed down."""

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

from testkit.tcp_proxy import TcpProxy, tcp_proxy

DELAY_SECONDS = 0.3


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(1024):
            self.request.sendall(data)


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo) as echo:
        echo.daemon_threads = True
        threading.Thread(target=echo.serve_forever, daemon=True).start()
        try:
            with tcp_proxy("127.0.0.1", echo.server_address[1]) as running:
                yield running
        finally:
            echo.shutdown()


def _round_trip(port: int) -> tuple[bytes, float]:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(b"ping")
        return connection.recv(1024), time.monotonic() - started


def test_the_proxy_forwards_both_ways(proxy: TcpProxy) -> None:
    assert _round_trip(proxy.port)[0] == b"ping"


def test_a_cut_proxy_refuses_connections_until_restored(proxy: TcpProxy) -> None:
    proxy.cut()
    with pytest.raises(ConnectionRefusedError):
        _round_trip(proxy.port)

    proxy.restore()

    assert _round_trip(proxy.port)[0] == b"ping"


def test_a_slowed_proxy_holds_each_chunk_in_each_direction(proxy: TcpProxy) -> None:
    proxy.slow_down(DELAY_SECONDS)
    answer, slow = _round_trip(proxy.port)
    proxy.slow_down(0)
    _, fast = _round_trip(proxy.port)

    assert answer == b"ping"
    assert slow >= 2 * DELAY_SECONDS
    assert fast < DELAY_SECONDS
