#!/usr/bin/python3
"""A TCP proxy in front of a broker that enforces the limits a remote may have, for the tuner's
tests: the bytes per second all clients together send upstream (a rate-limited link or an
ingress quota; downstream is not limited), and the number of connections open at once (beyond
it a connection is accepted and closed at once, as a broker at its connection limit does).

  limit_proxy.py LISTEN_PORT UPSTREAM_PORT BYTES_PER_SECOND [MAX_CONNECTIONS]

BYTES_PER_SECOND 0: no rate limit. MAX_CONNECTIONS absent or 0: no connection limit. Prints READY
once listening.
"""
import asyncio
import sys
import time


class Bucket:
    def __init__(self, rate):
        self.rate = rate
        self.tokens = 0.0
        self.last = time.monotonic()

    async def take(self, n):
        # Tokens may go negative (a debt paid by waiting): the average stays at `rate`.
        while True:
            now = time.monotonic()
            self.tokens = min(self.rate * 0.05, self.tokens + (now - self.last) * self.rate)
            self.last = now
            if self.tokens >= 0:
                self.tokens -= n
                return
            await asyncio.sleep(-self.tokens / self.rate)


async def pipe(reader, writer, bucket):
    try:
        while True:
            data = await reader.read(4096)
            if not data:
                break
            if bucket is not None:
                await bucket.take(len(data))
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main():
    listen, upstream, rate = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    max_conns = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    bucket = Bucket(rate) if rate > 0 else None
    open_conns = [0]

    async def handle(client_reader, client_writer):
        if max_conns and open_conns[0] >= max_conns:
            client_writer.close()
            return
        open_conns[0] += 1
        try:
            try:
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream)
            except OSError:
                client_writer.close()
                return
            await asyncio.gather(pipe(client_reader, up_writer, bucket),
                                 pipe(up_reader, client_writer, None))
        finally:
            open_conns[0] -= 1

    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    print("READY", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
