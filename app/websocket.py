from starlette.types import ASGIApp, Receive, Scope, Send


class RefuseWebSocket:
    """datamap serves no subscriptions: a WebSocket handshake is refused (HTTP 403 from the
    server) before anything else runs, whether it carries a key or not."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        await receive()  # the handshake's websocket.connect
        await send({"type": "websocket.close", "code": 1008})
