"""JSON from the network, parsed without letting its shape hurt the process.

``json.loads`` recurses once per nesting level: ``[[[[…`` 100,000 deep raises RecursionError,
which is not a ValueError, so a naive caller crashes (and, under systemd, crash-loops). Here any
unusable text, too deep a nesting or a number too long to convert is one ValueError."""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32
"""No gateway answer nests deeper than a handful of levels (the catalogue is the deepest, ~6)."""


class TooDeep(ValueError):
    """The JSON nests deeper than allowed."""


def loads(data: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """The parsed value, or ValueError (TooDeep for nesting) — never RecursionError."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise TooDeep(f"JSON nests deeper than the parser can follow (> {max_depth})") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text: {exc.reason}") from None
    if depth(value, max_depth) > max_depth:
        raise TooDeep(f"JSON nests deeper than {max_depth} levels")
    return value


def depth(value: Any, limit: int) -> int:
    """Nesting depth of a parsed value (a scalar is 0), counted without recursion; stops
    counting once past ``limit``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        stack.extend((child, level) for child in children)
    return deepest
