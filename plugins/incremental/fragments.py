"""Fragments rendered once a build: a macro's output for the same arguments and key.

A story's row is shown on the pages of every entity it names (thirty pages and more for a
story at 10,000 articles), always the same HTML for the same page depth. The theme's macros
call ``fragment(macro, *args, key=SITEURL)``: the first call renders the macro, later ones
with the same macro (its compiled code), arguments (objects by identity, plain values by
value) and key give the same text back. Only for macros whose output depends on nothing but their
arguments, the key and the build's settings (the theme says which). Each Jinja environment
(one per generator and build) has its own store; forked rendering processes each fill
their own copy.

Templates call it only where it is defined (``fragment is defined``), so the theme renders
the same without this plugin (plain Pelican). It reads no attribute of what it is given
(the macro it calls does, in the template's own source): ``incremental_reads`` is empty.
"""

from __future__ import annotations

from typing import Any

_PLAIN = (str, int, float, bool, type(None))


def _part(value: Any) -> Any:
    """A value as part of a key: plain values (and tuples or lists of them) as themselves,
    anything else by identity (the store keeps it alive, so the identity stays its own)."""
    if isinstance(value, _PLAIN):
        return (type(value).__name__, value)
    if isinstance(value, list | tuple) and all(isinstance(v, _PLAIN) for v in value):
        return (type(value).__name__, tuple((type(v).__name__, v) for v in value))
    return ("id", id(value))


class Fragments:
    """``fragment(macro, *args, key=...)``: the macro's output, rendered once per build for
    the same macro name, arguments and key."""

    incremental_reads: frozenset[str] = frozenset()

    def __init__(self) -> None:
        self._store: dict[tuple, tuple[tuple, Any]] = {}

    def __call__(self, macro: Any, *args: Any, key: Any = None) -> Any:
        # A macro is made anew each time its template is imported; its code is the
        # template's (kept alive by the store with the arguments, so its identity stays).
        code = getattr(getattr(macro, "_func", None), "__code__", None)
        ident = (str(getattr(macro, "name", "")), id(code), _part(key), *map(_part, args))
        found = self._store.get(ident)
        if found is None:
            found = self._store[ident] = ((code, key, args), macro(*args))
        return found[1]


def add_fragments(generator: Any) -> None:
    """Give the generator's templates ``fragment`` (a new store each build)."""
    generator.env.globals["fragment"] = Fragments()
