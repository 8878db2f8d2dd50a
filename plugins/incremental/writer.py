"""Pelican's Writer, rendering only pages whose signature changed, on every core.

``write_file`` does what Pelican's does (same pagination, same local context, same
overwrite rules) except that it only queues each output page. When the build's pages are all
known (:meth:`IncrementalWriter.flush`, at ``finalized``), each gets its signature
(``signature.py``): a page last build wrote whose signature matches is kept as it is
(``state.py``) and not rendered; the others are rendered. Both steps run in forked processes
when there are many pages: each takes every n-th page, so the output is the same as one
process's.
``write_feed`` skips a feed whose entries, settings and code are unchanged.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pelican.paginator import Paginator
from pelican.plugins import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from .fingerprint import Unfingerprintable, digest

log = logging.getLogger(__name__)

#: the build being written (set by the plugin for the duration of one Pelican run)
CURRENT: Any = None


Signature = bytes | None
#: a page's signature, made at flush (by the forked process that signs or renders it)
Later = Callable[[], Signature]


#: what Pelican's feed writer reads of an entry besides its own fields (title, URL, dates,
#: summary, content): plugins' other attachments (related stories, entities ...) are not in a
#: feed, so their changes do not make it written again
FEED_READS = frozenset({"author", "authors", "category", "tags"})


@dataclass
class Job:
    """One page to render."""

    name: str
    path: str
    template: Any
    context: dict[str, Any]
    kwargs: dict[str, Any]
    relative_urls: bool
    signature: Signature | Later
    check: bool = False  # last build wrote it: kept if its signature is the one it had

    def signed(self) -> Signature:
        """The page's signature, made now if it was left for later."""
        if callable(self.signature):
            self.signature = self.signature()
        return self.signature


class _Once:
    """A value made on first use (a ``write_file`` call's digest, shared by its pages)."""

    __slots__ = ("_made", "_make", "_value")

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make, self._made, self._value = make, False, None

    def __call__(self) -> Any:
        if not self._made:
            self._value, self._made = self._make(), True
        return self._value


def local_context(
    context: dict[str, Any], name: str, kwargs: dict[str, Any], relative_urls: bool
) -> dict[str, Any]:
    """The variables of one page, as Pelican's writer makes them."""
    localcontext = context.copy()
    localcontext["localsiteurl"] = localcontext.get("localsiteurl", None)
    if relative_urls:
        relative_url = path_to_url(get_relative_path(name))
        localcontext["SITEURL"] = relative_url
        localcontext["localsiteurl"] = relative_url
    localcontext["output_file"] = name
    localcontext.update(kwargs)
    return localcontext


def _render_job(job: Job) -> dict[str, Any]:
    """Render one page into its file; return its local context."""
    localcontext = local_context(job.context, job.name, job.kwargs, job.relative_urls)
    if localcontext["localsiteurl"]:
        job.context["localsiteurl"] = localcontext["localsiteurl"]
    output = job.template.render(localcontext)
    os.makedirs(os.path.dirname(job.path), exist_ok=True)
    with open(job.path, "w", encoding="utf-8") as handle:
        handle.write(output)
    return localcontext


class IncrementalWriter(Writer):
    """Pelican's writer with page signatures, a page queue and forked rendering."""

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self.jobs: list[Job] = []
        self.build = CURRENT

    # pages ------------------------------------------------------------------------------

    def write_file(
        self,
        name: Any,
        template: Any,
        context: dict[str, Any],
        relative_urls: bool = False,
        paginated: dict[str, Any] | None = None,
        template_name: str | None = None,
        override_output: bool = False,
        url: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Queue each page of this call whose signature changed (see the module doc)."""
        if not name:
            return
        build = self.build
        if paginated is None:
            paginated = {key: val for key, val in kwargs.items() if key in {"articles", "dates"}}
        extras = (relative_urls, template_name, override_output, url, sorted(paginated))
        if not relative_urls:
            extras += (str(context.get("localsiteurl")),)
        call = _Once(lambda: build.signer.call(template, context, kwargs, extras)
                     if build else None)
        if paginated and template_name in self.settings["PAGINATED_TEMPLATES"]:
            per_page = (
                self.settings["PAGINATED_TEMPLATES"][template_name]
                or self.settings["DEFAULT_PAGINATION"]
            )
            paginators = {
                key: Paginator(name, url, val, self.settings, per_page)
                for key, val in paginated.items()
            }
            whole = _Once(lambda: self._whole_lists(build, call(), template, paginated))
            shown = build.signer.template(template).attributes if build else None
            for page_num in range(next(iter(paginators.values())).num_pages):
                paginated_kwargs = kwargs.copy()
                pages = []
                for key, paginator in paginators.items():
                    previous_page = paginator.page(page_num) if page_num > 0 else None
                    page = paginator.page(page_num + 1)
                    next_page = (
                        paginator.page(page_num + 2)
                        if page_num + 1 < paginator.num_pages
                        else None
                    )
                    paginated_kwargs.update(
                        {
                            f"{key}_paginator": paginator,
                            f"{key}_page": page,
                            f"{key}_previous_page": previous_page,
                            f"{key}_next_page": next_page,
                        }
                    )
                    pages.append((key, paginator, page))

                def signature(pages: list = pages, save_as: str = page.save_as) -> Signature:
                    parts = [call(), whole()]
                    parts += [self._page_digest(build, key, paginator, page, shown)
                              for key, paginator, page in pages]
                    return None if None in parts else digest(*parts, save_as.encode())

                self._page(page.save_as, template, context, paginated_kwargs, relative_urls,
                           override_output, signature)
        else:
            def signature() -> Signature:
                made = call()
                return None if made is None else digest(made, str(name).encode())

            self._page(name, template, context, kwargs, relative_urls, override_output,
                       signature)

    def _whole_lists(self, build: Any, call: bytes | None, template: Any,
                     paginated: dict[str, Any]) -> bytes | None:
        """Digest of the whole paginated lists when the template reads a paginator (which
        holds them all); else a constant."""
        if build is None or call is None:
            return None
        spec = build.signer.template(template)
        wanted = [key for key in sorted(paginated)
                  if spec.reads is None or f"{key}_paginator" in spec.reads]
        of = build.signer.fingerprints.of
        try:
            return digest(*(of(paginated[key], spec.attributes) for key in wanted))
        except Unfingerprintable:
            return None

    @staticmethod
    def _page_digest(build: Any, key: str, paginator: Paginator, page: Any,
                     shown: frozenset[str] | None) -> bytes | None:
        if build is None:
            return None
        try:
            items = build.signer.fingerprints.of(list(page.object_list), shown)
        except Unfingerprintable:
            return None
        return digest(key.encode(), f"{page.number}/{paginator.num_pages}".encode(), items)

    def _page(self, name: str, template: Any, context: dict[str, Any], kwargs: dict[str, Any],
              relative_urls: bool, override: bool, signature: Later) -> None:
        """Queue a page. Its signature is made when the build's pages are all known (see
        :meth:`flush`): a page last build wrote is then kept if its signature is unchanged."""
        path = sanitised_join(self.output_path, name)
        if not self._claim(path, override):
            return
        build = self.build
        check = build is not None and build.outputs.wrote_before(name)
        job = Job(name, path, template, context, kwargs, relative_urls, signature, check)
        if build is None:
            self._render_now(job)
            return
        self.jobs.append(job)

    def _claim(self, path: str, override: bool) -> bool:
        """Pelican's overwrite rules (``Writer._open_w``) without opening the file:
        False when this write is to be skipped."""
        if path in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{path}" a second time (was previously overwritten)'
                )
            log.info('Skipping "%s", not overwriting', path)
            return False
        if path in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{path}" as Pelican has already written to it '
                "previously (set `override=True` if intended)"
            )
        if override:
            self._overridden_files.add(path)
        self._written_files.add(path)
        return True

    def _render_now(self, job: Job) -> None:
        localcontext = _render_job(job)
        log.info('Writing "%s"', job.path)
        signals.content_written.send(job.path, context=localcontext)

    def flush(self, processes: int = 1, parallel_min: int = 200) -> int:
        """Keep the queued pages last build wrote whose signature is unchanged, and render
        the others, each step in ``processes`` forked workers when there are at least
        ``parallel_min`` pages to sign or render; return how many were rendered. Every
        signature is made before any page is rendered (rendering changes the context's
        ``localsiteurl``)."""
        last: dict[str, Job] = {}
        for job in self.jobs:  # an overriding write replaces an earlier one of the file
            last.pop(job.path, None)
            last[job.path] = job
        jobs = list(last.values())
        self.jobs = []
        parallel = processes > 1 and hasattr(os, "fork")
        build = self.build
        checks = [job for job in jobs if job.check]
        if parallel and len(checks) >= parallel_min:
            for job, signature in zip(checks, _forked(checks, processes, render=False),
                                      strict=True):
                job.signature = signature
        if build is not None:
            jobs = [job for job in jobs
                    if not (job.check and build.outputs.keep(job.name, job.signed()))]
        if parallel and len(jobs) >= parallel_min:
            for job, signature in zip(jobs, _forked(jobs, processes, render=True), strict=True):
                job.signature = signature
            if signals.content_written.receivers:
                for job in jobs:
                    localcontext = local_context(job.context, job.name, job.kwargs,
                                                 job.relative_urls)
                    signals.content_written.send(job.path, context=localcontext)
        else:
            for job in jobs:
                job.signed()  # before rendering changes the context's localsiteurl
            for job in jobs:
                self._render_now(job)
        if build is not None:
            for job in jobs:
                build.outputs.wrote(job.name, job.signed())
        return len(jobs)

    # feeds ------------------------------------------------------------------------------

    def write_feed(
        self,
        elements: Any,
        context: dict[str, Any],
        path: str | None = None,
        url: str | None = None,
        feed_type: str = "atom",
        override_output: bool = False,
        feed_title: str | None = None,
    ) -> Any:
        """Pelican's ``write_feed``, skipped when the feed's inputs are unchanged."""
        build = self.build
        if build is None or not path:
            return super().write_feed(elements, context, path, url, feed_type,
                                      override_output, feed_title)
        signature = self._feed_signature(build, elements, context, path, url, feed_type,
                                         override_output, feed_title)
        complete = sanitised_join(self.output_path, path)
        if complete not in self._written_files and build.outputs.keep(path, signature):
            self._written_files.add(complete)
            return None
        feed = super().write_feed(elements, context, path, url, feed_type, override_output,
                                  feed_title)
        build.outputs.wrote(path, signature)
        return feed

    def _feed_signature(self, build: Any, elements: Any, context: dict[str, Any],
                        *args: Any) -> bytes | None:
        if build.signer.base is None:
            return None
        shown = list(elements[: self.settings["FEED_MAX_ITEMS"]])
        names = ("SITENAME", "SITEURL", "FEED_DOMAIN", "SITESUBTITLE", "AUTHOR")
        try:
            return digest(
                build.signer.base,
                b"feed",
                repr(args).encode(),
                build.signer.fingerprints.of([context.get(n) for n in names]),
                build.signer.fingerprints.of(shown, FEED_READS),
            )
        except Unfingerprintable:
            return None


def _forked(jobs: list[Job], processes: int, *, render: bool) -> list[Signature]:
    """Sign ``jobs`` (and with ``render``, render them) in ``processes`` forked children
    (child i takes jobs i, i+n, ...); return their signatures."""
    sys.stdout.flush()
    sys.stderr.flush()
    children = []
    for number in range(processes):
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: render its share, never return into Pelican
            status = 0
            try:
                os.close(reader)
                share = jobs[number::processes]
                signatures = [job.signed() for job in share]  # before rendering changes
                for job in share if render else ():  # the context's localsiteurl
                    _render_job(job)
                with os.fdopen(writer, "wb") as pipe:
                    pickle.dump(signatures, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                traceback.print_exc()
                status = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        os.close(writer)
        children.append((pid, reader))
    failed = 0
    shares: list[list[Signature]] = []
    for pid, reader in children:
        with os.fdopen(reader, "rb") as pipe:  # read before waiting: the pipe could fill
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0 or not data:
            failed += 1
            shares.append([])
        else:
            shares.append(pickle.loads(data))
    if failed:
        raise RuntimeError(f"incremental: {failed} rendering or signing process(es) failed "
                           "(see above)")
    signatures: list[Signature] = [None] * len(jobs)
    for number, share in enumerate(shares):
        signatures[number::processes] = share
    return signatures
