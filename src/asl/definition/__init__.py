"""Workflow documents: loading (JSON/YAML with positions) and validation."""

from .load import Document, load_dict, load_file, load_text
from .validate import validate

__all__ = ["Document", "load_dict", "load_file", "load_text", "validate"]
