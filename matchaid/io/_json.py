"""Reading and writing JSON documents with errors that name the file and place."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from matchaid.exceptions import InputError, Problem
from matchaid.io._atomic import write_text_atomic
from matchaid.io._document import object_pairs_hook, reject_constant


def read_json(path: str | os.PathLike[str], error: type[InputError]) -> Any:
    """Parse a JSON file, raising ``error`` (naming the file and line) if it cannot."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise error(source, [Problem("", f"cannot read file: {exc.strerror or exc}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(
            source, [Problem(f"byte {exc.start}", "file is not valid UTF-8 text")]
        ) from None
    try:
        return json.loads(text, object_pairs_hook=object_pairs_hook, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        raise error(
            source,
            [Problem(f"line {exc.lineno} column {exc.colno}", f"malformed JSON: {exc.msg}")],
        ) from None
    except RecursionError:
        raise error(source, [Problem("", "malformed JSON: nested too deeply")]) from None


def write_json(path: str | os.PathLike[str], document: Any) -> None:
    """Write ``document`` as indented UTF-8 JSON, atomically."""
    write_text_atomic(
        path, json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    )
