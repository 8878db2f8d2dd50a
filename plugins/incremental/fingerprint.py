"""Fingerprints of what a template is rendered from: a stable digest of any template value.

A value's fingerprint covers everything a template could read from it: strings, numbers,
dates, containers, dataclasses and plain objects attribute by attribute (``settings`` and
Pelican's global ``_context`` aside: the settings have a fingerprint of their own, and the
site-wide values a template reads are fingerprinted by name, see ``signature.py``).

Pelican content (articles, pages) is fingerprinted as a whole: its attributes (metadata,
text, whatever plugins attached: entities, related stories, incidents ...), its URL and, when
its text links to other content (``{filename}``), the site's URL map. Content reached from
content (a translation, a related story) counts by its *own* fields only (title, date, URL,
text ...), which is what a template shows of it and keeps cycles out.

A plugin declares what an object of its own is rendered from by giving it a method
``__incremental_signature__()`` returning any fingerprintable value (a string, a tuple ...).
Its declared value is serialised once a build; where a page shows the object itself (a list
of incidents), the stories in that value also count with their attachments the template
reads, each by its digest.

A value with no stable fingerprint (a generator, an open file, a cycle outside content)
raises :class:`Unfingerprintable`; the page that shows it is then always rendered.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import pickle
import re
import types
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import PurePath
from typing import Any

import jinja2
from markupsafe import Markup
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

DIGEST_SIZE = 16
SKIPPED_ATTRIBUTES = frozenset({"settings", "_context"})
_SCALARS = (bool, int, float, complex, type(None))
_TIMES = (datetime, date, time, timedelta, tzinfo)


class Unfingerprintable(TypeError):
    """A value whose output cannot be told unchanged from a fingerprint."""


def digest(*parts: bytes) -> bytes:
    """The digest of some byte strings, each length-prefixed."""
    h = hashlib.blake2b(digest_size=DIGEST_SIZE)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.digest()


class Fingerprinter:
    """Digests of template values for one build (objects are assumed final once rendering
    starts, so digests of content and plain objects are cached by identity)."""

    def __init__(self, link_map: Callable[[], bytes] | None = None) -> None:
        self._full: dict[tuple[int, frozenset[str] | None], bytes] = {}
        self._own: dict[int, bytes] = {}
        # per content: its attachments' names and values, and the digests made of them so far
        self._parts: dict[int, tuple[list[tuple[str, Any]], dict[int, bytes]]] = {}
        self._shared: dict[int, bytes] = {}  # objects many pages share (tags, entities ...)
        self._declared: dict[int, bytes] = {}  # nested digests of declared signatures
        # the content each declared signature holds, in the order its serialisation met it
        self._declared_contents: dict[int, list[Content]] = {}
        self._declaring: set[int] = set()
        self._kinds: dict[type, tuple[str, tuple[str, ...]]] = {}
        self._objects: dict[tuple[int, bool, frozenset[str] | None], bytes] = {}
        self._alive: list[Any] = []  # cached ids stay valid while the objects live
        self._busy: set[int] = set()
        self._link_map = link_map
        self._link_regexes: dict[str, re.Pattern] = {}
        self._names: set[str] = set()  # names of every content attachment seen
        self._effective: dict[int, tuple[int, frozenset[str], frozenset[str]]] = {}

    # public ---------------------------------------------------------------------------

    def of(self, value: Any, shown: frozenset[str] | None = None) -> bytes:
        """Digest of ``value`` (raises Unfingerprintable). ``shown``: the attribute names a
        template may read (None: any); content's other attachments are left out."""
        h = hashlib.blake2b(digest_size=DIGEST_SIZE)
        self._feed(h, value, nested=False, shown=shown)
        return h.digest()

    def effective(self, shown: frozenset[str] | None) -> frozenset[str] | None:
        """What of ``shown`` a digest can depend on: the names of content attachments seen
        so far (``shown`` only filters attachments). A digest is cached under this key as
        it is once the digest is made (every attachment under it has been seen by then),
        so templates that differ only in other names share digests: a later lookup matches
        only where the two name sets agree on every attachment the value holds."""
        if shown is None:
            return None
        found = self._effective.get(id(shown))
        if found is None or found[0] != len(self._names) or found[1] is not shown:
            key = frozenset(self._names.intersection(shown))
            self._effective[id(shown)] = (len(self._names), shown, key)
            return key
        return found[2]

    def content(self, item: Content, shown: frozenset[str] | None = None) -> bytes:
        """Digest of a piece of content and everything attached to it (that is ``shown``)."""
        found = self._full.get((id(item), self.effective(shown)))
        if found is None:
            h = hashlib.blake2b(digest_size=DIGEST_SIZE)
            h.update(b"content-full")
            h.update(self.own(item))
            attached, made = self._attached(item)
            for name, value in attached:
                if shown is None or name in shown:
                    part = made.get(id(value))
                    if part is None:  # one value under two names (countries, main_countries)
                        part = made[id(value)] = self.nested(value)
                    h.update(name.encode())
                    h.update(part)
            found = self._full[(id(item), self.effective(shown))] = h.digest()
        return found

    def _attached(self, item: Content) -> tuple[list[tuple[str, Any]], dict[int, bytes]]:
        """What is attached to content (by plugins: entities, related stories ...), by name,
        and the digests of those made so far (each is made when a page that reads it is
        signed, so a page counts only those its template reads, and none is made for
        nothing)."""
        found = self._parts.get(id(item))
        if found is None:
            attached = [(name, value) for name, value in sorted(vars(item).items())
                        if name not in SKIPPED_ATTRIBUTES and name != "metadata"
                        and not _is_plain(value)]  # plain values are in own()
            self._names.update(name for name, _ in attached)
            found = self._parts[id(item)] = (attached, {})
            self._alive.append(item)
        return found

    def own(self, item: Content) -> bytes:
        """Digest of a piece of content's own fields: what a list or a link shows of it."""
        key = id(item)
        found = self._own.get(key)
        if found is None:
            h = hashlib.blake2b(digest_size=DIGEST_SIZE)
            h.update(type(item).__qualname__.encode())
            for name, value in sorted(vars(item).items()):
                if name in SKIPPED_ATTRIBUTES or not _is_plain(value):
                    continue
                h.update(name.encode())
                self._feed(h, value, nested=True)
            for name in ("url", "save_as"):
                h.update(str(getattr(item, name, "")).encode("utf-8", "surrogatepass"))
            h.update(self.nested(getattr(item, "metadata", None)))
            if self._links_elsewhere(item) and self._link_map is not None:
                h.update(self._link_map())
            found = self._own[key] = h.digest()
            self._alive.append(item)
        return found

    def nested(self, value: Any) -> bytes:
        """Digest of a value attached to content: as :meth:`of` with content in it counted by
        its own fields, but serialised by the C pickler (plain values never reach Python
        code; every other object is turned into its fields by ``_Serialiser``)."""
        sink = _HashSink()
        try:
            _Serialiser(sink, self).dump(value)
        except RecursionError as err:
            raise Unfingerprintable("a cycle outside content") from err
        except (pickle.PicklingError, TypeError, AttributeError, ValueError) as err:
            raise Unfingerprintable(str(err)) from err  # ValueError: a cycle, without a memo
        return sink.hash.digest()

    def declared(self, obj: Any, name: str, signature: Callable[[], Any]) -> bytes:
        """Nested digest of an object's declared signature, made once a build: an object
        many stories share (an incident and each of its reports) is not serialised again
        for each of them."""
        found = self._declared.get(id(obj))
        if found is None:
            if id(obj) in self._declaring:
                raise Unfingerprintable(f"a cycle through a {type(obj).__qualname__}")
            self._declaring.add(id(obj))
            try:
                sink = _HashSink()
                serialiser = _Serialiser(sink, self)
                serialiser.dump((name, signature()))
            finally:
                self._declaring.discard(id(obj))
            self._declared_contents[id(obj)] = serialiser.contents
            found = self._declared[id(obj)] = sink.hash.digest()
            self._alive.append(obj)
        return found

    def _declared_with_content(self, obj: Any, name: str, signature: Callable[[], Any],
                               shown: frozenset[str] | None) -> bytes:
        """Digest of a declared object at the top level of a page's variable (the incidents
        a list shows): its nested digest (made once a build, content in it by its own
        fields) and, for each content in it, its digest with what is attached to it that is
        ``shown``. As much as feeding the declared value itself tells, without walking it
        again for each template's ``shown``."""
        try:
            found = self.declared(obj, name, signature)
        except RecursionError as err:
            raise Unfingerprintable("a cycle outside content") from err
        except (pickle.PicklingError, TypeError, AttributeError, ValueError) as err:
            if isinstance(err, Unfingerprintable):
                raise
            raise Unfingerprintable(str(err)) from err
        h = hashlib.blake2b(digest_size=DIGEST_SIZE)
        h.update(found)
        content = self.content
        for item in self._declared_contents[id(obj)]:
            h.update(content(item, shown))
        return h.digest()

    # internals ------------------------------------------------------------------------

    def _links_elsewhere(self, item: Content) -> bool:
        """Whether the text holds Pelican intra-site links ({filename}, {static} ...)."""
        pattern = str(getattr(item, "settings", {}).get("INTRASITE_LINK_REGEX", ""))
        regex = self._link_regexes.get(pattern)
        if regex is None:
            make = getattr(item, "_get_intrasite_link_regex", None)
            regex = make() if callable(make) and pattern else re.compile(r"(?!)")
            self._link_regexes[pattern] = regex
        texts = (getattr(item, "_content", None), getattr(item, "_summary", None))
        return any(isinstance(t, str) and regex.search(t) for t in texts)

    def _feed(self, h: Any, value: Any, *, nested: bool,
              shown: frozenset[str] | None = None) -> None:
        if isinstance(value, str):
            h.update(b"M" if isinstance(value, Markup) else b"s")
            data = value.encode("utf-8", "surrogatepass")
            h.update(len(data).to_bytes(8, "little"))
            h.update(data)
        elif isinstance(value, _SCALARS):
            h.update(b"n" + repr(value).encode() + b";")
        elif isinstance(value, Content):
            h.update(b"C")
            h.update(self.own(value) if nested else self.content(value, shown))
        elif isinstance(value, list | tuple):
            h.update(b"[" + len(value).to_bytes(8, "little"))
            if not nested and value and all(isinstance(item, Content) for item in value):
                content = self.content  # a list of stories: the common case, made short
                h.update(b"C" + b"C".join(content(item, shown) for item in value))
                return
            for item in value:
                self._feed(h, item, nested=nested, shown=shown)
        elif isinstance(value, dict):
            parts = sorted((self.of_key(k), k, v) for k, v in _items(value))
            h.update(b"{" + len(parts).to_bytes(8, "little"))
            for key_digest, _key, item in parts:
                h.update(key_digest)
                self._feed(h, item, nested=nested, shown=shown)
        elif isinstance(value, set | frozenset):
            parts = sorted(self.of_key(item) for item in value)
            h.update(b"<" + len(parts).to_bytes(8, "little") + b"".join(parts))
        elif isinstance(value, (*_TIMES, bytes, PurePath, enum.Enum)):
            h.update(b"t" + repr(value).encode() + b";")
        elif isinstance(value, re.Pattern):
            h.update(b"r" + repr((value.pattern, value.flags)).encode() + b";")
        elif isinstance(value, jinja2.Template):
            h.update(b"T" + str(value.name).encode() + b";")
        elif isinstance(value, jinja2.Environment):
            h.update(b"E")  # the environment's code is in the build's code signature
        elif isinstance(value, type | types.FunctionType | types.BuiltinFunctionType
                        | types.MethodType | types.ModuleType):
            name = getattr(value, "__qualname__", None) or getattr(value, "__name__", "")
            h.update(b"f" + f"{getattr(value, '__module__', '')}.{name}".encode() + b";")
        else:
            h.update(b"o")
            h.update(self._object(value, nested, shown))

    def of_key(self, value: Any) -> bytes:
        """Digest of a dictionary key or set member (used to order them)."""
        h = hashlib.blake2b(digest_size=DIGEST_SIZE)
        self._feed(h, value, nested=True)
        return h.digest()

    def _object(self, value: Any, nested: bool, shown: frozenset[str] | None) -> bytes:
        shown = None if nested else shown
        found = self._objects.get((id(value), nested, self.effective(shown)))
        if found is not None:
            return found
        if id(value) in self._busy:
            raise Unfingerprintable(f"a cycle through a {type(value).__qualname__}")
        self._busy.add(id(value))
        try:
            h = hashlib.blake2b(digest_size=DIGEST_SIZE)
            h_name = f"{type(value).__module__}.{type(value).__qualname__}"
            h.update(h_name.encode())
            declared = getattr(value, "__incremental_signature__", None)
            if callable(declared) and not nested:
                h.update(b"declared+content")
                h.update(self._declared_with_content(value, h_name, declared, shown))
            elif callable(declared):
                h.update(b"declared")
                self._feed(h, declared(), nested=nested, shown=shown)
            elif isinstance(value, URLWrapper):
                # Its private fields are caches filled on first use: read what it shows.
                fields = [str(value.name), value.slug, value.url, value.save_as]
                fields += [(k, v) for k, v in _attributes(value) if not k.startswith("_")]
                self._feed(h, fields, nested=nested, shown=shown)
            else:
                for name, item in _attributes(value):
                    h.update(name.encode())
                    self._feed(h, item, nested=nested, shown=shown)
        finally:
            self._busy.discard(id(value))
        found = self._objects[(id(value), nested, self.effective(shown))] = h.digest()
        self._alive.append(value)
        return found


class _HashSink:
    """A file that hashes what is written to it."""

    def __init__(self) -> None:
        self.hash = hashlib.blake2b(digest_size=DIGEST_SIZE)

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return len(data)


def _token(*parts: Any) -> None:
    """Stands for an object in a serialisation that is only hashed, never loaded."""


class _Serialiser(pickle.Pickler):
    """Pickles a value for hashing: lists, tuples, dicts, strings and numbers natively;
    content as its own fields' digest; other objects as their type and sorted fields."""

    def __init__(self, sink: _HashSink, owner: Fingerprinter) -> None:
        super().__init__(sink, protocol=5)
        self.owner = owner
        self.contents: list[Content] = []  # every content met, in order
        # No memo: with one, a value's bytes would depend on which equal strings happen to
        # be one object (a sentence read now, or the same sentence loaded from a cache).
        self.fast = True

    def reducer_override(self, obj: Any) -> Any:
        if obj is _token:
            return NotImplemented
        kind = _KINDS.get(type(obj))
        if kind is None:
            kind = _KINDS[type(obj)] = _kind(type(obj))
        if kind is _NATIVE_KIND:
            return NotImplemented
        if kind is _OBJECT_KIND:
            name, declares = _object_type(type(obj))
            if declares:
                found = self.owner.declared(obj, name, obj.__incremental_signature__)
                self.contents.extend(self.owner._declared_contents[id(obj)])
                return _token, ("D", found)
            names = _SLOTS_ONLY.get(type(obj))
            if names is None:
                fields = _attributes(obj)
                if not hasattr(obj, "__dict__") and not dataclasses.is_dataclass(obj):
                    _SLOTS_ONLY[type(obj)] = tuple(k for k, _ in fields)
            else:  # same fields, same order as _attributes gives
                fields = [(n, getattr(obj, n)) for n in names if hasattr(obj, n)]
            return _token, ("O", name, tuple(fields))
        if kind is _CONTENT_KIND:
            self.contents.append(obj)
            return _token, ("C", self.owner.own(obj))
        if kind is _SHARED_KIND:
            shared = self.owner._shared.get(id(obj))
            if shared is None:
                self.owner._alive.append(obj)
                shared = self.owner._shared[id(obj)] = self.owner.of_key(obj)
            return _token, ("F", shared)
        if kind is _STR_KIND:  # Markup and other str subclasses
            return _token, ("M", type(obj).__qualname__, str(obj))
        if kind is _SET_KIND:
            return _token, ("S", tuple(sorted(self.owner.of_key(item) for item in obj)))
        # subclasses of list, tuple, dict: their items
        items = list(obj.items()) if isinstance(obj, dict) else list(obj)
        return _token, ("L", type(obj).__qualname__, items)


# How _Serialiser treats a type (found once per type, in the order of its checks).
_NATIVE_KIND, _CONTENT_KIND, _SHARED_KIND, _STR_KIND, _SET_KIND, _SEQ_KIND, _OBJECT_KIND = (
    "native", "content", "shared", "str", "set", "sequence", "object"
)
_KINDS: dict[type, str] = {}


def _kind(kind: type) -> str:
    if issubclass(kind, _NATIVE):
        return _NATIVE_KIND
    if issubclass(kind, Content):
        return _CONTENT_KIND
    if issubclass(kind, _SHARED):
        return _SHARED_KIND
    if issubclass(kind, str):
        return _STR_KIND
    if issubclass(kind, set | frozenset):
        return _SET_KIND
    if issubclass(kind, list | tuple | dict):
        return _SEQ_KIND
    return _OBJECT_KIND


def _object_type(kind: type) -> tuple[str, bool]:
    """A plain object type's name and whether it declares its signature."""
    found = _OBJECTS.get(kind)
    if found is None:
        declares = callable(getattr(kind, "__incremental_signature__", None))
        found = _OBJECTS[kind] = (f"{kind.__module__}.{kind.__qualname__}", declares)
    return found


_OBJECTS: dict[type, tuple[str, bool]] = {}


_SHARED = (URLWrapper, jinja2.Template, jinja2.Environment, re.Pattern, type,
           types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.ModuleType,
           PurePath, enum.Enum)
_NATIVE = (datetime, date, time, timedelta, tzinfo, bytes, bool, int, float, complex)


def _is_plain(value: Any) -> bool:
    """A value that belongs to content's own fields (no other object behind it)."""
    return isinstance(value, (str, *_SCALARS, *_TIMES))


def _items(value: dict) -> list[tuple[Any, Any]]:
    return [(k, v) for k, v in value.items() if k not in SKIPPED_ATTRIBUTES]


def _attributes(value: Any) -> list[tuple[str, Any]]:
    """An object's fields: dataclass fields, slots, or its ``__dict__`` (settings aside)."""
    kind = type(value)
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = _field_names(value)
    found = {name: getattr(value, name) for name in names if hasattr(value, name)}
    if not dataclasses.is_dataclass(value) and hasattr(value, "__dict__"):
        found.update(vars(value))
    return sorted((k, v) for k, v in found.items() if k not in SKIPPED_ATTRIBUTES)


_FIELDS: dict[type, tuple[str, ...]] = {}
_SLOTS_ONLY: dict[type, tuple[str, ...]] = {}


def _field_names(value: Any) -> tuple[str, ...]:
    """The declared fields of an object's type (dataclass fields or slots)."""
    if _is_opaque(value):
        raise Unfingerprintable(f"a {type(value).__qualname__} has no stable fingerprint")
    if dataclasses.is_dataclass(value):
        return tuple(f.name for f in dataclasses.fields(value))
    names: list[str] = []
    for cls in type(value).__mro__:
        for slot in getattr(cls, "__slots__", ()) or ():
            if isinstance(slot, str) and slot not in names and not slot.startswith("__"):
                names.append(slot)
    if not names and not hasattr(value, "__dict__"):
        raise Unfingerprintable(f"no fields to read on a {type(value).__qualname__}")
    return tuple(names)


_OPAQUE = (types.GeneratorType, types.CoroutineType, types.FrameType)


def _is_opaque(value: Any) -> bool:
    return isinstance(value, _OPAQUE) or (hasattr(value, "read") and hasattr(value, "close"))
