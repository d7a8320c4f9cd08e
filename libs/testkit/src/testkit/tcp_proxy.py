"""A TCP proxy that a test can cut or slow down, so a real server looks unreachable, or slow,
to a service."""

import asyncio
import contextlib
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any

from testkit.network import free_port, wait_for_port

CHUNK = 65536


class TcpProxy:
    """Forwards 127.0.0.1:`port` to `target`; `cut()` closes every connection and refuses
    new ones, `restore()` accepts again; `slow_down(seconds)` holds every chunk of bytes, in
    either direction, that long before passing it on (0: at once)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.port = free_port()
        self._target = (target_host, target_port)
        self._delay = 0.0
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        threading.Thread(target=self._loop.run_forever, daemon=True).start()

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(CHUNK):
                if self._delay:
                    await asyncio.sleep(self._delay)
                writer.write(data)
                await writer.drain()
        writer.close()
        self._writers.discard(writer)

    async def _handle(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self._target)
        except OSError:
            # The target is down: the client sees its connection closed, as a dead host's
            # load balancer would do.
            client_writer.close()
            return
        self._writers |= {client_writer, server_writer}
        await asyncio.gather(
            self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer)
        )

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in self._writers:
            writer.close()
        self._writers.clear()

    def restore(self) -> None:
        """Accept connections again (and forward at full speed)."""
        self._delay = 0.0
        self._run(self._start())
        wait_for_port(self.port)

    def cut(self) -> None:
        """Close every open connection and refuse new ones."""
        self._run(self._stop())

    def slow_down(self, seconds: float) -> None:
        """Hold each chunk `seconds` before forwarding it, on open connections and new ones."""
        self._delay = seconds

    def close(self) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)


@contextmanager
def tcp_proxy(target_host: str, target_port: int) -> Iterator[TcpProxy]:
    proxy = TcpProxy(target_host, target_port)
    proxy.restore()
    try:
        yield proxy
    finally:
        proxy.close()
