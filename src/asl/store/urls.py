"""Store URLs: ``memory://``, ``sqlite:///path`` and ``redis://host:port/db``.

A bad URL fails here, before anything runs, with a message that shows the
accepted forms, because a typo in ``--store`` must not silently write somewhere
else (or nowhere).
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from asl.store.base import Store
from asl.store.errors import StoreURLError

FORMS = "memory://, sqlite:///relative/path.db, sqlite:////absolute/path.db or redis://host:port/db"

_process_store: Store | None = None
_creating = threading.Lock()  # engines started in several threads must share one store


def default_sqlite_path() -> Path:
    """The CLI's default store: ``asl.db`` in the user's data directory (per platform)."""
    import platformdirs

    return platformdirs.user_data_path("agent-state-language", appauthor=False) / "asl.db"


def default_sqlite_url() -> str:
    return f"sqlite:///{default_sqlite_path()}"


def process_store() -> Store:
    """The one ``memory://`` store of this process, so engines in it can resume each other."""
    global _process_store
    with _creating:
        if _process_store is None:
            from asl.store.memory import MemoryStore

            _process_store = MemoryStore()
    return _process_store


async def open_store(url: str) -> Store:
    """Open the store a URL names; ``StoreURLError`` says what is wrong and the forms."""
    scheme, _, rest = url.partition("://")
    if not _:
        raise StoreURLError(f"Store URL {url!r} has no scheme: use {FORMS}")
    scheme = scheme.lower()
    if scheme == "memory":
        if rest:
            raise StoreURLError(f"Store URL {url!r}: memory:// takes nothing after it")
        return process_store()
    if scheme == "sqlite":
        return _open_sqlite(url, rest)
    if scheme in ("redis", "rediss"):
        return await _open_redis(url)
    raise StoreURLError(f"Unknown store URL scheme {scheme!r} in {url!r}: use {FORMS}")


def _open_sqlite(url: str, rest: str) -> Store:
    """``sqlite:///a.db`` is relative (to the working directory), ``sqlite:////a.db`` absolute."""
    if not rest.startswith("/"):
        raise StoreURLError(
            f"Store URL {url!r}: a SQLite URL has three slashes before the path, "
            f"e.g. sqlite:///{rest or 'asl.db'}"
        )
    path = rest[1:]
    if not path or path.endswith("/"):
        raise StoreURLError(f"Store URL {url!r} names no file: add one, e.g. sqlite:///asl.db")
    if "?" in path:
        raise StoreURLError(f"Store URL {url!r}: SQLite URLs take no options after '?'")
    from asl.store.sqlite import SQLiteStore

    return SQLiteStore(Path(path).expanduser())


async def _open_redis(url: str) -> Store:
    parts = urlsplit(url)
    example = f"{parts.scheme}://localhost:6379/0"
    if not parts.hostname:
        raise StoreURLError(f"Store URL {url!r} names no Redis host: e.g. {example}")
    try:
        parts.port  # noqa: B018 - parsing it is the check
    except ValueError:
        raise StoreURLError(
            f"Store URL {url!r}: the port is not a number: e.g. {example}"
        ) from None
    database = parts.path.lstrip("/")
    if database and not database.isdigit():
        raise StoreURLError(
            f"Store URL {url!r}: the database {database!r} is not a number: e.g. {example}"
        )
    options = parse_qs(parts.query)
    unknown = sorted(set(options) - {"prefix"})
    if unknown:
        raise StoreURLError(
            f"Store URL {url!r}: unknown option {unknown[0]!r}; the only option is ?prefix=NAME"
        )
    prefix = options.get("prefix", ["asl"])[-1]
    from asl.store.redis import RedisStore

    plain = parts._replace(query="").geturl()
    return await RedisStore.connect(plain, prefix=prefix)
