"""bot.engine.records.NamedTuple behaves as typing.NamedTuple for the ways the engine uses it."""

from __future__ import annotations

import pickle
import subprocess
import sys
import typing

import pytest

from bot.engine import records


class Light(records.NamedTuple):
    """A record with the engine's kinds of members."""

    name: str
    count: int
    tags: tuple[str, ...] = ()
    note: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name}:{self.count}"

    def __str__(self) -> str:
        return self.label


class Typed(typing.NamedTuple):
    """A record with the engine's kinds of members."""

    name: str
    count: int
    tags: tuple[str, ...] = ()
    note: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name}:{self.count}"

    def __str__(self) -> str:
        return self.label


@pytest.mark.parametrize("cls", [Light, Typed])
def test_same_behaviour_as_typing(cls: type) -> None:
    value = cls("a", 2, note="n")
    assert cls._fields == ("name", "count", "tags", "note")
    assert cls._field_defaults == {"tags": (), "note": None}
    assert value == ("a", 2, (), "n")
    assert repr(value) == f"{cls.__name__}(name='a', count=2, tags=(), note='n')"
    assert str(value) == "a:2" and value.label == "a:2"
    assert value._replace(count=3) == cls("a", 3, (), "n")
    assert type(value._replace(count=3)) is cls
    assert value._asdict() == {"name": "a", "count": 2, "tags": (), "note": "n"}
    assert cls.__doc__ == "A record with the engine's kinds of members."
    assert issubclass(cls, tuple) and cls.__mro__[1] is tuple
    assert list(cls.__annotations__) == list(cls._fields)
    with pytest.raises(AttributeError):
        value.name = "b"
    with pytest.raises(TypeError):
        cls("only a name")


def test_pickles_by_class() -> None:
    value = Light("a", 2)
    assert pickle.loads(pickle.dumps(value)) == value
    assert type(pickle.loads(pickle.dumps(value))) is Light


def test_refuses_what_typing_refuses() -> None:
    with pytest.raises(TypeError, match="without a default"):

        class Wrong(records.NamedTuple):
            a: int = 0
            b: int

    with pytest.raises(AttributeError, match="_replace"):

        class Clash(records.NamedTuple):
            a: int

            def _replace(self) -> None: ...


def test_command_line_start_up_does_not_import_typing() -> None:
    """The reason the module exists: typing costs every `smtpbot` run a few per cent."""
    code = "import sys, bot.cli, bot.engine.engine; print('typing' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
