"""Loading documents: JSON, YAML, files and dicts; positions; parse errors with line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from asl.definition import Document, load_dict, load_file, load_text
from asl.definition.locate import DuplicateKey
from asl.language.errors import ASLError


def parse_error(text: str, source: str | None = "wf.json") -> tuple[str, str]:
    with pytest.raises(ASLError) as raised:
        load_text(text, source)
    return raised.value.error, raised.value.cause


# --- JSON text -------------------------------------------------------------------------


def test_json_text_loads_into_a_document_that_keeps_its_text() -> None:
    text = '{"StartAt": "A", "States": {}}'

    document = load_text(text, "wf.json")

    assert document == Document(
        data={"StartAt": "A", "States": {}}, source="wf.json", text=text, syntax="json"
    )


def test_missing_comma_is_reported_at_its_line_and_column() -> None:
    text = '{\n  "StartAt": "A",\n  "States": {"A": 1}\n  "Comment": "x"\n}'

    assert parse_error(text) == (
        "States.ParseError",
        "wf.json:4:3: expected ',' here; add a comma between the two items",
    )


def test_trailing_comma_is_reported_with_the_fix() -> None:
    assert parse_error('{"StartAt": "A",\n}') == (
        "States.ParseError",
        "wf.json:2:1: expected a property name in double quotes; remove a trailing comma "
        "or quote the key",
    )


def test_unterminated_string_is_reported() -> None:
    assert parse_error('{"StartAt": "A}') == (
        "States.ParseError",
        "wf.json:1:13: unterminated string; close it with a double quote",
    )


def test_text_after_the_document_is_reported() -> None:
    assert parse_error('{"StartAt": "A"} {}') == (
        "States.ParseError",
        "wf.json:1:18: unexpected text after the document; a file holds exactly one JSON object",
    )


def test_nan_is_not_json() -> None:
    assert parse_error('{"Seconds":\n  NaN}') == (
        "States.ParseError",
        "wf.json:2:3: NaN is not a JSON value; write a number, or null",
    )


def test_text_without_a_source_is_called_text() -> None:
    assert parse_error("{", source=None) == (
        "States.ParseError",
        "<text>:1:2: expected a property name in double quotes; remove a trailing comma or "
        "quote the key",
    )


def test_empty_text_is_reported() -> None:
    assert parse_error(" \n ") == (
        "States.ParseError",
        "wf.json:1:1: the document is empty; a workflow is an object with StartAt and States",
    )


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        (
            "\n  [1]",
            "wf.json:2:3: the top level must be an object with StartAt and States, got an array",
        ),
        (
            '"x"',
            "wf.json:1:1: the top level must be an object with StartAt and States, got a string",
        ),
        (
            "12",
            "wf.json:1:1: the top level must be an object with StartAt and States, got a number",
        ),
        ("null", "wf.json:1:1: the top level must be an object with StartAt and States, got null"),
    ],
)
def test_a_top_level_that_is_not_an_object_is_reported(text: str, cause: str) -> None:
    assert parse_error(text) == ("States.ParseError", cause)


def test_absurd_nesting_is_a_parse_error_not_a_crash() -> None:
    assert parse_error("[" * 100_000) == (
        "States.ParseError",
        "wf.json:1:1: the document is nested too deeply to be a workflow",
    )


def test_a_bare_word_is_reported_as_bad_json() -> None:
    assert parse_error("not a definition") == (
        "States.ParseError",
        "wf.json:1:1: expected a JSON value here; remove a trailing comma or add the value",
    )


# --- YAML text -------------------------------------------------------------------------


def test_text_that_is_not_json_but_a_yaml_mapping_loads_as_yaml() -> None:
    document = load_text("StartAt: A\nStates:\n  A: {Type: Pass, End: true}\n")

    assert (document.data, document.syntax) == (
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
        "yaml",
    )


def test_yaml_reads_scalars_as_yaml_1_2_core_does() -> None:
    text = (
        "a: yes\nb: off\nc: 2016-03-14T01:59:00Z\nd: 017\ne: 0o17\nf: 0x1F\n"
        "g: TRUE\nh: ~\ni: 1.5\nj: -3\nk: 1_000\n"
    )

    assert load_text(text).data == {
        "a": "yes",
        "b": "off",
        "c": "2016-03-14T01:59:00Z",
        "d": 17,
        "e": 15,
        "f": 31,
        "g": True,
        "h": None,
        "i": 1.5,
        "j": -3,
        "k": "1_000",
    }


def test_yaml_keys_are_always_strings() -> None:
    assert load_text("1: a\ntrue: b\nnull: c\n").data == {"1": "a", "true": "b", "null": "c"}


def test_yaml_merge_keys_are_applied() -> None:
    text = "base: &b {Type: Pass}\nA:\n  <<: *b\n  End: true\n"

    assert load_text(text).data["A"] == {"Type": "Pass", "End": True}


def test_a_duplicate_yaml_key_is_a_parse_error() -> None:
    assert parse_error("StartAt: A\nStates: {}\nStartAt: B\n", "wf.yaml") == (
        "States.ParseError",
        "wf.yaml:3:1: found duplicate key 'StartAt'; keep one of them",
    )


def test_a_yaml_syntax_error_is_reported_at_its_line() -> None:
    assert parse_error("StartAt: A\nStates: [1, 2\n", "wf.yaml") == (
        "States.ParseError",
        "wf.yaml:3:1: invalid YAML: did not find expected ',' or ']'",
    )


def test_a_tab_in_yaml_indentation_is_named() -> None:
    assert parse_error("StartAt: A\nStates:\n\tA: 1\n", "wf.yaml") == (
        "States.ParseError",
        "wf.yaml:3:1: found a tab; indent YAML with spaces",
    )


def test_a_yaml_list_at_the_top_level_is_reported() -> None:
    assert parse_error("- a\n- b\n", "wf.yaml") == (
        "States.ParseError",
        "wf.yaml:1:1: the top level must be a mapping with StartAt and States, got an array",
    )


def test_yaml_aliases_that_explode_are_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]

    assert parse_error("\n".join(lines), "wf.yaml") == (
        "States.ParseError",
        "wf.yaml:1:1: YAML aliases expand to more than 1000000 values; write the repeated "
        "parts out or use fewer nested aliases",
    )


# --- files -----------------------------------------------------------------------------


def test_a_json_file_loads_with_its_path_as_source(tmp_path: Path) -> None:
    path = tmp_path / "wf.asl.json"
    path.write_text('{"StartAt": "A"}', encoding="utf-8")

    document = load_file(path)

    assert (document.data, document.source, document.syntax) == (
        {"StartAt": "A"},
        str(path),
        "json",
    )


@pytest.mark.parametrize("name", ["wf.yaml", "wf.yml", "wf.asl.yaml"])
def test_a_yaml_file_loads_as_yaml(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("StartAt: A\n", encoding="utf-8")

    assert (load_file(path).data, load_file(path).syntax) == ({"StartAt": "A"}, "yaml")


def test_a_json_file_is_held_to_json(tmp_path: Path) -> None:
    path = tmp_path / "wf.json"
    path.write_text("StartAt: A\n", encoding="utf-8")

    with pytest.raises(ASLError) as raised:
        load_file(path)

    assert raised.value.cause == (
        f"{path}:1:1: expected a JSON value here; remove a trailing comma or add the value"
    )


def test_a_file_with_another_extension_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "workflow.txt"
    path.write_text("StartAt: A\n", encoding="utf-8")

    assert load_file(path).syntax == "yaml"


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "wf.json"
    path.write_bytes(b'\xef\xbb\xbf{"StartAt": "A"}')

    assert load_file(path).data == {"StartAt": "A"}


def test_a_missing_file_is_file_not_found(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"

    with pytest.raises(ASLError) as raised:
        load_file(path)

    assert (raised.value.error, raised.value.cause) == (
        "States.FileNotFound",
        f"{path}: no such file; check the path and the working directory",
    )


def test_a_directory_is_not_a_workflow_file(tmp_path: Path) -> None:
    with pytest.raises(ASLError) as raised:
        load_file(tmp_path)

    assert (raised.value.error, raised.value.cause) == (
        "States.FileReadError",
        f"{tmp_path}: is a directory; give the path of a workflow file",
    )


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "wf.json"
    path.write_bytes(b'{"Comment": "\xff"}')

    with pytest.raises(ASLError) as raised:
        load_file(path)

    assert (raised.value.error, raised.value.cause) == (
        "States.FileReadError",
        f"{path}: not UTF-8 text (byte 13); save the file as UTF-8",
    )


def test_a_parse_error_in_a_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "wf.json"
    path.write_text('{\n  "StartAt": }', encoding="utf-8")

    with pytest.raises(ASLError) as raised:
        load_file(path)

    assert raised.value.cause == (
        f"{path}:2:14: expected a JSON value here; remove a trailing comma or add the value"
    )


# --- dicts -----------------------------------------------------------------------------


def test_a_dict_loads_without_text() -> None:
    document = load_dict({"StartAt": "A"})

    assert (document.data, document.source, document.text) == ({"StartAt": "A"}, None, None)


def test_load_dict_copies_the_top_level() -> None:
    original = {"StartAt": "A"}

    load_dict(original).data["StartAt"] = "B"

    assert original == {"StartAt": "A"}


def test_load_dict_refuses_what_is_not_a_mapping() -> None:
    with pytest.raises(ASLError) as raised:
        load_dict([1, 2])  # type: ignore[arg-type]

    assert (raised.value.error, raised.value.cause) == (
        "States.ParseError",
        "<dict>: the top level must be an object with StartAt and States, got an array",
    )


# --- positions -------------------------------------------------------------------------

_TEXT = (
    '{\n  "StartAt": "A",\n  "States": {\n    "A/B~C": {"Type": "Pass", "Next": [1, "é"]}\n  }\n}'
)


@pytest.mark.parametrize(
    ("pointer", "key", "position"),
    [
        ("", False, (1, 1)),
        ("/StartAt", False, (2, 14)),
        ("/StartAt", True, (2, 3)),
        ("/States/A~1B~0C", False, (4, 14)),
        ("/States/A~1B~0C", True, (4, 5)),
        ("/States/A~1B~0C/Next/1", False, (4, 43)),
        ("/States/A~1B~0C/Next/1", True, (4, 43)),
        ("/Nope", False, None),
    ],
)
def test_locate_finds_values_and_keys(
    pointer: str, key: bool, position: tuple[int, int] | None
) -> None:
    assert load_text(_TEXT).locate(pointer, key=key) == position


def test_locate_counts_columns_in_characters() -> None:
    document = load_text('{"é": "ü", "x": 1}')

    assert document.locate("/x") == (1, 17)


def test_locate_char_steps_over_escapes() -> None:
    document = load_text('{"p": "\\u00e9\\n$.a b"}')

    assert document.locate_char("/p", 5) == (1, 19)


def test_locate_works_in_yaml() -> None:
    document = load_text("StartAt: A\nStates:\n  A:\n    Type: Pass\n    List: [x, 'y']\n")

    assert [
        document.locate("/States/A/Type"),
        document.locate("/States/A/Type", key=True),
        document.locate("/States/A/List/1"),
    ] == [(4, 11), (4, 5), (5, 15)]


def test_a_dict_has_no_positions() -> None:
    assert load_dict({"StartAt": "A"}).locate("/StartAt") is None


def test_duplicate_json_keys_are_found_with_both_positions() -> None:
    document = load_text('{\n  "A": 1,\n  "B": {"x": 1, "x": 2},\n  "A": 3\n}')

    assert (document.data, document.duplicate_keys()) == (
        {"A": 3, "B": {"x": 2}},
        [DuplicateKey("/B/x", (3, 9), (3, 17)), DuplicateKey("/A", (2, 3), (4, 3))],
    )


def test_a_document_without_duplicates_reports_none() -> None:
    assert load_text('{"A": {"A": 1}}').duplicate_keys() == []
