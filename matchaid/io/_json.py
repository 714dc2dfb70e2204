"""Reading and writing JSON documents with errors that name the file and place."""

from __future__ import annotations

import json
import math
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


def json_text(document: Any) -> str:
    """``document`` as indented JSON text, the one way matchaid writes JSON.

    The text is always valid JSON: a float that is not finite (an unknown bound, an
    infinite gap) becomes ``null``, never ``Infinity`` or ``NaN``.

    >>> json_text({"best_bound": float("inf"), "gap": 0.5})
    '{\\n "best_bound": null,\\n "gap": 0.5\\n}\\n'
    """
    return json.dumps(_finite(document), indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def write_json(path: str | os.PathLike[str], document: Any) -> None:
    """Write ``document`` as indented UTF-8 JSON (:func:`json_text`), atomically."""
    write_text_atomic(path, json_text(document))
