"""Signatures of output pages: everything a page is rendered from, in one digest.

A page's signature covers
- the code: Python, Pelican, Jinja and the other rendering libraries' versions, and the
  source of the project's plugins and engine (``code_signature``);
- the settings (one digest of every setting);
- the template and every template it extends, includes or imports (their sources);
- the values the template closure reads by name (``jinja2.meta``): each one from the page's
  own variables (``article``, ``articles_page`` ...) or from the site-wide context (the
  article list, the year archives ... fingerprinted once a build); a variable that is a
  setting is covered by the settings' digest;
- the page's file name (relative URLs and ``output_file`` follow from it).

Of the stories a page shows, their own fields always count, and of what plugins attach to
them (entities, related stories, incident ...) only the attachments whose names the closure
may read: ``x.name``, ``x['name']``, and string literals given to a filter, test or call
(``sort(attribute='date.year')``). A filter, test or global function from outside Jinja may
declare the names it reads of its arguments with an ``incremental_reads`` attribute (see the
world_map plugin); one that does not, or a computed attribute name (``x[name]``,
``map(attribute=name)``), makes every attachment count.

A template whose closure cannot be read in full (an include by a computed name) or an
environment with a third-party ``pass_context`` function (which may read any variable)
makes the signature cover every variable of the page and of the site.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import platform
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.utils import _PassArg

from .fingerprint import Fingerprinter, Unfingerprintable, digest

log = logging.getLogger(__name__)

LIBRARIES = ("pelican", "jinja2", "markupsafe", "markdown", "feedgenerator", "pygments",
             "docutils", "pagefind")
ALL = None  # a template's reads when they cannot be told


@dataclass(frozen=True)
class TemplateSpec:
    """A template closure: digest of its sources, the variables it reads and the attribute
    names it may read of them (None: any)."""

    digest: bytes
    reads: frozenset[str] | None
    attributes: frozenset[str] | None = None


def code_signature(folders: Iterable[Path]) -> bytes:
    """Digest of the rendering code: library versions and every ``.py`` under ``folders``."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{sys.version} {platform.machine()}".encode())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={importlib.metadata.version(name)};".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{name}=-;".encode())
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            h.update(str(path.relative_to(folder)).encode())
            h.update(digest(path.read_bytes()))
    return h.digest()


def template_spec(env: jinja2.Environment, name: str) -> TemplateSpec:
    """Sources and variables read of template ``name`` and of every template it uses."""
    h = hashlib.blake2b(digest_size=16)
    reads: set[str] = set()
    attributes: set[str] = set()
    dynamic = opaque = False
    seen: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        h.update(current.encode())
        try:
            source, _filename, _uptodate = env.loader.get_source(env, current)
        except jinja2.TemplateNotFound:
            h.update(b"<missing>")  # "include ... ignore missing": absent is an input too
            continue
        h.update(digest(source.encode("utf-8", "surrogatepass")))
        ast = env.parse(source)
        reads |= meta.find_undeclared_variables(ast)
        opaque = _attribute_names(env, ast, attributes) or opaque
        for referenced in meta.find_referenced_templates(ast):
            if referenced is None:
                dynamic = True
            else:
                pending.append(referenced)
    return TemplateSpec(
        h.digest(),
        None if dynamic else frozenset(reads),
        None if dynamic or opaque else frozenset(attributes),
    )


def _attribute_names(env: jinja2.Environment, ast: nodes.Template, found: set[str]) -> bool:
    """Add to ``found`` every attribute name the template may read: ``x.name``,
    ``x['name']`` and every string constant given to a filter, test or call
    (``sort(attribute='date.year')``, ``selectattr('incident')``, a macro's argument). True
    when it may read others: a subscript by a computed key, a Jinja filter or test that reads
    attributes given a computed name, or a filter, test or function from outside Jinja that
    does not declare what it reads (``incremental_reads``, see :func:`declared_reads`)."""
    opaque = False
    for node in ast.find_all(nodes.Getattr):
        found.add(node.attr)
    for node in ast.find_all(nodes.Getitem):
        if isinstance(node.arg, nodes.Const):
            _add_constants(node.arg, found)
        elif not _is_constant_slice(node.arg):
            opaque = True
    for node in ast.find_all((nodes.Filter, nodes.Test, nodes.Call)):
        arguments = [*node.args, *(k.value for k in node.kwargs)]
        arguments += [a for a in (node.dyn_args, node.dyn_kwargs) if a is not None]
        for argument in arguments:
            _add_constants(argument, found)
        if isinstance(node, nodes.Call):
            called = node.node.name if isinstance(node.node, nodes.Name) else None
            if called not in env.globals:
                continue
            value = env.globals[called]
        else:
            table = env.filters if isinstance(node, nodes.Filter) else env.tests
            value = table.get(node.name)
            if _from_jinja(value) and not _attribute_named(node):
                opaque = True  # e.g. map(attribute=name): the name is not known here
        if _from_jinja(value):
            continue
        declared = declared_reads(value)
        if declared is None:
            opaque = True
        else:
            found.update(declared)
    return opaque


#: Jinja's filters that read the attribute named by an argument: its position when given
#: positionally (``attribute=`` by keyword)
ATTRIBUTE_READERS = {
    "attr": 0, "map": 0, "groupby": 0, "selectattr": 0, "rejectattr": 0, "sum": 0, "sort": 2,
    "unique": 1, "min": 1, "max": 1,
}


def _attribute_named(node: nodes.Filter | nodes.Test) -> bool:
    """Whether a Jinja filter reads no attribute, or one named by a literal."""
    position = ATTRIBUTE_READERS.get(node.name) if isinstance(node, nodes.Filter) else None
    if position is None:
        return True
    if node.dyn_args is not None or node.dyn_kwargs is not None:
        return False
    named = [k.value for k in node.kwargs if k.key == "attribute"]
    if len(node.args) > position:
        named.append(node.args[position])
    return all(_is_literal(argument) for argument in named)


def declared_reads(value: object) -> frozenset[str] | None:
    """The attribute names a filter, test or global function declares it may read of what it
    is given (its ``incremental_reads`` attribute: an iterable of names); None when it
    declares nothing (then it may read anything)."""
    declared = getattr(value, "incremental_reads", None)
    if declared is None or isinstance(declared, str):
        return None
    try:
        names = frozenset(declared)
    except TypeError:
        return None
    return names if all(isinstance(name, str) for name in names) else None


def _add_constants(node: nodes.Node, found: set[str]) -> None:
    """Every string constant in an expression, split at dots (``'date.year'``)."""
    if isinstance(node, nodes.Const):
        if isinstance(node.value, str):
            found.update(node.value.split("."))
        return
    for const in node.find_all(nodes.Const):
        if isinstance(const.value, str):
            found.update(const.value.split("."))


def _is_literal(node: nodes.Node) -> bool:
    """An expression made only of literals (no variable, call or attribute in it)."""
    return isinstance(node, nodes.Literal) and all(
        isinstance(child, nodes.Literal) for child in node.find_all(nodes.Expr)
    )


def _is_constant_slice(node: nodes.Node) -> bool:
    """``x[:8]``, ``x[1:]`` ...: a slice by literal bounds reads no attribute."""
    return isinstance(node, nodes.Slice) and all(
        part is None or isinstance(part, nodes.Const)
        for part in (node.start, node.stop, node.step)
    )


#: modules whose filters, tests and functions read nothing of a value but what is named
SAFE_MODULES = ("jinja2", "markupsafe", "builtins")


def _from_jinja(value: object) -> bool:
    module = (getattr(value, "__module__", "") or "").split(".", 1)[0]
    return value is None or module in SAFE_MODULES


def reads_any_variable(env: jinja2.Environment) -> bool:
    """Whether a filter, test or global outside Jinja itself is given the whole context."""
    for table in (env.filters, env.tests, env.globals):
        for value in table.values():
            module = getattr(value, "__module__", "") or ""
            if module.startswith("jinja2"):
                continue
            if callable(value) and _PassArg.from_obj(value) is _PassArg.context:
                return True
    return False


class Signer:
    """Page signatures for one build."""

    def __init__(self, settings: dict[str, Any], code: bytes) -> None:
        self.settings = settings
        self.fingerprints = Fingerprinter(link_map=self._link_map)
        self._context: dict[str, Any] | None = None
        self._link_digest: bytes | None = None
        self._templates: dict[tuple[int, str], TemplateSpec] = {}
        self._envs: dict[int, bool] = {}
        self._values: dict[tuple[str, int, frozenset[str] | None], bytes] = {}
        try:
            settings_digest = self.fingerprints.of(settings)
        except Unfingerprintable as err:
            log.warning("incremental: the settings have no fingerprint (%s): every page is "
                        "rendered", err)
            settings_digest = None
        self.base = digest(code, settings_digest) if settings_digest else None

    def template(self, template: jinja2.Template) -> TemplateSpec:
        """The (cached) closure of a template of this build."""
        env = template.environment
        key = (id(env), str(template.name))
        spec = self._templates.get(key)
        if spec is None:
            spec = template_spec(env, str(template.name))
            if id(env) not in self._envs:
                self._envs[id(env)] = reads_any_variable(env)
            if self._envs[id(env)]:
                spec = TemplateSpec(spec.digest, ALL, ALL)
            self._templates[key] = spec
        return spec

    def call(
        self,
        template: jinja2.Template,
        context: dict[str, Any],
        kwargs: dict[str, Any],
        extras: tuple,
    ) -> bytes | None:
        """Signature of one ``write_file`` call's variables (None: render every time)."""
        if self.base is None:
            return None
        self._context = context
        spec = self.template(template)
        h = hashlib.blake2b(digest_size=16)
        h.update(self.base)
        h.update(spec.digest)
        h.update(repr(extras).encode())
        names = spec.reads if spec.reads is not ALL else set(kwargs) | set(context)
        shown = spec.attributes
        h.update(repr(sorted(shown) if shown is not ALL else None).encode())
        try:
            for name in sorted(names):
                h.update(name.encode() + b"=")
                if name in kwargs:
                    h.update(b"k" + self.fingerprints.of(kwargs[name], shown))
                elif name in context:
                    h.update(b"c" + self.site_value(name, context[name], shown))
                else:
                    h.update(b"-")
        except Unfingerprintable as err:
            log.debug("incremental: %s is always rendered (%s)", template.name, err)
            return None
        return h.digest()

    def site_value(self, name: str, value: Any, shown: frozenset[str] | None = ALL) -> bytes:
        """Digest of a site-wide variable (a setting is in the settings' digest)."""
        if name == "localsiteurl":
            return digest(str(value).encode())
        if name in self.settings and self.settings[name] is value:
            return b"setting"
        effective = self.fingerprints.effective
        found = self._values.get((name, id(value), effective(shown)))
        if found is None:
            found = self.fingerprints.of(value, shown)
            self._values[(name, id(value), effective(shown))] = found
        return found

    def _link_map(self) -> bytes:
        """Digest of every content's and static file's URL (for text with {filename} links)."""
        if self._link_digest is None:
            context = self._context or {}
            pairs = []
            for table in ("generated_content", "static_content"):
                for path, item in sorted((context.get(table) or {}).items()):
                    pairs.append(f"{table}:{path}={getattr(item, 'url', '')}")
            self._link_digest = digest("\n".join(pairs).encode("utf-8", "surrogatepass"))
        return self._link_digest
