"""The embedded redis-server (web.redis_conn): started once per folder, stopped with its
queue saved when `make run` stops, so jobs still queued survive a restart."""

import redis

from web.redis_conn import _answers, embedded_redis_url, stop_embedded_redis


def test_a_saved_stop_keeps_the_queue_for_the_next_start(tmp_path):
    url = embedded_redis_url(tmp_path)
    assert embedded_redis_url(tmp_path) == url  # the running server is reused
    redis.Redis.from_url(url).rpush("rq:queue:mm:match", "job-1")
    stop_embedded_redis(tmp_path, save=True)
    assert not _answers(url)
    assert (tmp_path / "redis.rdb").exists()
    try:
        url = embedded_redis_url(tmp_path)
        assert redis.Redis.from_url(url).lrange("rq:queue:mm:match", 0, -1) == [b"job-1"]
    finally:
        stop_embedded_redis(tmp_path)


def test_a_plain_stop_saves_nothing(tmp_path):
    url = embedded_redis_url(tmp_path)
    redis.Redis.from_url(url).set("k", "v")
    stop_embedded_redis(tmp_path)
    assert not _answers(url)
    try:
        assert redis.Redis.from_url(embedded_redis_url(tmp_path)).get("k") is None
    finally:
        stop_embedded_redis(tmp_path)
