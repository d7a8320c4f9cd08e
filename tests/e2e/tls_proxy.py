"""A TLS terminator on loopback, as an Ingress is in front of the gateway: https on one port,
the bytes passed on unchanged to a plain-http port."""

import asyncio
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from testkit.tls import Certificate


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()


@contextmanager
def tls_terminator(listen_port: int, upstream_port: int, certificate: Certificate) -> Iterator[str]:
    """https://127.0.0.1:`listen_port` in front of http://127.0.0.1:`upstream_port`, served
    from a thread of its own for the duration of the block; yields its base URL."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate.certificate, certificate.private_key)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    stopping = asyncio.Event()
    connections: set[asyncio.Task[None]] = set()

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(
                "127.0.0.1", upstream_port
            )
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))

    def connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(relay(reader, writer))
        connections.add(task)
        task.add_done_callback(connections.discard)

    async def serve() -> None:
        server = await asyncio.start_server(connect, "127.0.0.1", listen_port, ssl=context)
        started.set()
        async with server:
            await stopping.wait()
        # Browsers keep connections open: end them, so nothing outlives the block.
        for task in list(connections):
            task.cancel()
        await asyncio.gather(*connections, return_exceptions=True)

    def run() -> None:
        loop.run_until_complete(serve())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError(f"the TLS terminator did not start on port {listen_port}")
    try:
        yield f"https://127.0.0.1:{listen_port}"
    finally:
        loop.call_soon_threadsafe(stopping.set)
        thread.join(10)
