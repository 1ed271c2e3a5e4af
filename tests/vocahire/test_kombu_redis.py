"""Celery on a real Redis broker through vocahire.lib.kombu_redis: messages published and read
back, one publishing client per channel, rebuilt with the channel's pool."""

from __future__ import annotations

import pytest
import redis
from celery import Celery

from tests.redis_server import needs_redis_server, redis_server_start

pytestmark = needs_redis_server


@pytest.fixture
def broker():
    url, stop = redis_server_start()
    yield url
    stop()


def _app(url: str) -> Celery:
    app = Celery("kombu-redis-test", set_as_current=False)
    app.conf.update(
        # CELERY_BROKER_URL in the environment (CI's) would win over broker_url; these do not.
        broker_write_url=url,
        broker_read_url=url,
        broker_transport="vocahire.lib.kombu_redis:Transport",
    )
    return app


def test_tasks_published_land_on_the_queue_and_read_back(broker):
    app = _app(broker)

    @app.task(name="tests.kombu.echo")
    def echo(value: int) -> int:  # pragma: no cover - published, never run here
        return value

    for value in range(3):
        echo.delay(value)
    assert redis.Redis.from_url(broker).llen("celery") == 3

    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue("celery", no_ack=True)
        read = [queue.get(timeout=2).headers["argsrepr"] for _ in range(3)]
        queue.close()
    assert read == ["(0,)", "(1,)", "(2,)"]


def test_a_channel_builds_its_publishing_client_once_and_again_with_a_new_pool(broker):
    app = _app(broker)
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        producer = app.amqp.Producer(channel)
        producer.publish({"n": 1}, routing_key="plain")
        first = channel._publish_client
        producer.publish({"n": 2}, routing_key="plain")
        assert channel._publish_client is first  # kombu's own builds a redis.Redis per publish

        channel._disconnect_pools()  # what kombu does after a fork
        producer.publish({"n": 3}, routing_key="plain")
        assert channel._publish_client is not first
        assert channel._publish_client.connection_pool is channel.pool
    assert redis.Redis.from_url(broker).llen("plain") == 3
