#!/usr/bin/env python3
"""Holds N slow connections open against a server on 127.0.0.1: each sends the start of a request
and then, every few seconds, one more byte, never finishing its headers (slowloris). A connection
the server closes is reopened at once, so N stay open as long as the server lets them.

  slow_clients.py PORT N SECONDS [SOURCES]

Connections come from SOURCES loopback addresses (127.0.0.2 and up, default 50), so that a
per-address limit of the server sees many clients. Prints, once a second, how many are open.
"""
import asyncio
import resource
import sys
import time

HEAD = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
DRIP_EVERY = 4.0


async def one(port, source, stop, open_writers):
    while time.monotonic() < stop:
        try:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", port, local_addr=(source, 0)
            )
        except OSError:
            await asyncio.sleep(0.5)
            continue
        open_writers.add(writer)
        try:
            writer.write(HEAD)
            # Waits for the server to close; the drip loop writes meanwhile.
            while await reader.read(1024):
                pass
        except OSError:
            pass
        finally:
            open_writers.discard(writer)
            writer.close()


async def drip(stop, open_writers):
    while time.monotonic() < stop:
        await asyncio.sleep(DRIP_EVERY)
        for writer in list(open_writers):
            try:
                writer.write(b"a")
            except OSError:
                pass


async def main():
    port, n, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    sources = int(sys.argv[4]) if len(sys.argv) > 4 else 50
    stop = time.monotonic() + seconds
    open_writers = set()
    tasks = [asyncio.create_task(drip(stop, open_writers))]
    for i in range(n):
        source = f"127.0.0.{2 + i % sources}"
        tasks.append(asyncio.create_task(one(port, source, stop, open_writers)))
        if i % 500 == 499:
            await asyncio.sleep(0.05)
    while time.monotonic() < stop:
        print(f"open {len(open_writers)}", flush=True)
        await asyncio.sleep(1)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


if __name__ == "__main__":
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(main())
