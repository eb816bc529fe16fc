"""symscore client: signed REST control plane, pipelined WebSocket sessions, live subscriptions.

Quick use::

    from symscore_client import Client, DataFrame, MLContext

    c = Client("http://127.0.0.1:8080", "c1", "A1ciUrDJgm5LIJU710bxeQ==")
    c.create_project("p1")
    async with c.learn_session("p1") as s:          # in a coroutine
        futs = [await s.send(df) for df in frames]   # pipelined
        replies = [await f for f in futs]            # in order
    c.build("p1", "lda", "m1", MLContext(target_names=["y"], input_names=["a", "b"]))
    async with c.subscribe("p1", ["a", "$project"]) as sub:   # live statistics
        async for m in sub:                                  # dicts, as the server sends them
            ...
    c.upload("history.csv", "p1", progress=print)    # a large file, as one change

The REST client needs only the standard library; sessions and subscriptions need ``websockets``
(>= 10), which is imported when the first one opens (or when ``Session`` or ``Subscription`` is
first used from this package).
"""

from typing import Any

from .client import Client, SessionOpener, enc
from .credentials import Credentials, credentials_from_environment
from .dataframe import DataFrame, MLContext
from .paths import FORGET, LEARN, PREDICT, SUBSCRIBE, UPLOAD
from .reply import Reply, Status, SymscoreError
from .upload import UploadError, UploadProgress, UploadResult, chunk_message
from .signer import RestHeaders, Signer, content_md5, format_date, json_quote

__all__ = [
    "Client", "DataFrame", "MLContext", "Reply", "Status", "SymscoreError", "Session",
    "SessionOpener", "Signer", "RestHeaders", "content_md5", "format_date", "json_quote", "enc",
    "LEARN", "FORGET", "PREDICT", "SUBSCRIBE", "UPLOAD", "Credentials", "credentials_from_environment", "Subscription",
    "UploadError", "UploadProgress", "UploadResult", "chunk_message",
]


def __getattr__(name: str) -> Any:
    if name == "Session":
        from .session import Session

        return Session
    if name == "Subscription":
        from .subscription import Subscription

        return Subscription
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
