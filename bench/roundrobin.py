"""A small HTTP round-robin proxy on loopback, standing in for the load balancer in front of replicas.

Each request goes to the next backend in turn. A backend that refuses the connection is skipped for that
request and the next one is tried, as a load balancer with passive health checks would, so killing a
replica does not turn into errors for Slack as long as another one is up.

    proxy = RoundRobinProxy(["http://127.0.0.1:3101", "http://127.0.0.1:3102"])
    port = await proxy.start()          # listens on 127.0.0.1 only
    ...
    await proxy.stop()
"""

from __future__ import annotations

import itertools
from collections import Counter

import aiohttp
from aiohttp import web

# Headers that describe one hop, not the request (RFC 9110 §7.6.1); never forwarded.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)


class RoundRobinProxy:
    def __init__(self, backends: list[str], *, timeout_seconds: float = 30.0) -> None:
        if not backends:
            raise ValueError("a proxy needs at least one backend")
        self.backends = [b.rstrip("/") for b in backends]
        self._turn = itertools.cycle(range(len(self.backends)))
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        # Requests each backend answered, and connection failures per backend (for the report).
        self.served: Counter[str] = Counter()
        self.failed: Counter[str] = Counter()

    async def start(self, port: int = 0) -> int:
        self._session = aiohttp.ClientSession(timeout=self._timeout, auto_decompress=False)
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        sockets = site._server.sockets if site._server is not None else []  # type: ignore[union-attr]
        self.port = sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        first = next(self._turn)
        for attempt in range(len(self.backends)):
            backend = self.backends[(first + attempt) % len(self.backends)]
            try:
                async with self._session.request(
                    request.method,
                    backend + request.path_qs,
                    data=body,
                    headers=headers,
                    allow_redirects=False,
                ) as upstream:
                    payload = await upstream.read()
                    self.served[backend] += 1
                    out_headers = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_BY_HOP}
                    return web.Response(status=upstream.status, body=payload, headers=out_headers)
            except (TimeoutError, aiohttp.ClientConnectionError):
                # Refused or dropped: this backend is down (or died mid-request); try the next one.
                self.failed[backend] += 1
        return web.Response(status=502, text="no backend answered")
