"""kombu's Redis transport, with one client per channel for publishing.

kombu builds a new `redis.Redis` for every publish (`Channel.conn_or_acquire` calls
`_create_client`), and building one fills its table of response callbacks: about a quarter of
the CPU of a `.delay()` on the web's hot path (an interview's end publishes two). The client holds
no connection of its own (each command borrows one from the channel's pool), so one per channel
serves every publish; it is built again whenever the channel's pool is (after a fork or a
reconnect). The asynchronous client a worker consumes with is kombu's, unchanged.

Settings use it for a plain `redis://` broker (`CELERY_BROKER_TRANSPORT`); `rediss://` keeps
kombu's own transport, which turns TLS on from the scheme.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import redis as kombu_redis


class Channel(kombu_redis.Channel):
    _publish_client: Any = None
    _publish_client_pool: Any = None

    def _create_client(self, asynchronous: bool = False) -> Any:
        if asynchronous:
            return super()._create_client(asynchronous=True)
        pool = self.pool
        client = self._publish_client
        if client is None or self._publish_client_pool is not pool:
            client = super()._create_client()
            self._publish_client, self._publish_client_pool = client, pool
        return client


class Transport(kombu_redis.Transport):
    Channel = Channel
