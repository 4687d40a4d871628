"""`NamedTuple` for the engine's records: typing's to type checkers, a lighter one at run time.

Every command-line run imports the engine's seven record classes. Declared with
typing.NamedTuple they cost more than the first email of a batch: importing typing itself, and,
because every module here uses `from __future__ import annotations`, one compile() per field to
turn its annotation string into a ForwardRef that nothing at run time reads. The class below
builds the same collections.namedtuple from the same class body (fields in order, defaults,
methods, properties, docstring) and keeps the annotations as the strings they are.

Type checkers treat any name TYPE_CHECKING as true, so they see typing.NamedTuple here.
"""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    # What a namedtuple defines itself: a class body may not replace it (as with typing's).
    _PROHIBITED = frozenset(
        {"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults", "_make",
         "_replace", "_asdict"}
    )  # fmt: skip
    _DESCRIBES_THE_BODY = frozenset({"__module__", "__qualname__", "__annotations__"})

    class _NamedTupleMeta(type):
        def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict) -> type:
            if not bases:  # NamedTuple itself
                return super().__new__(mcs, name, bases, namespace)
            annotations = namespace.get("__annotations__", {})
            fields = list(annotations)
            defaults = []
            for field in fields:
                if field in namespace:
                    defaults.append(namespace[field])
                elif defaults:
                    raise TypeError(f"{name}: field {field!r} without a default follows one with a default")
            record = namedtuple(name, fields, defaults=defaults, module=namespace["__module__"])
            record.__qualname__ = namespace["__qualname__"]
            record.__annotations__ = annotations
            for key, value in namespace.items():
                if key in _PROHIBITED:
                    raise AttributeError(f"{name}: cannot set {key} in a NamedTuple body")
                if key not in _DESCRIBES_THE_BODY and key not in annotations:
                    setattr(record, key, value)
            return record

    class NamedTuple(metaclass=_NamedTupleMeta):
        """Base for `class Point(NamedTuple): x: int; y: int = 0`, as typing.NamedTuple."""
