"""Bulk import on every core: worker processes read, parse and normalise; one writer stores.

Parsing and word forms are pure CPU work in Python, so threads can't share it out; worker
processes can. The library keeps one writer, the calling process: it stores each prepared file
in order, a batch of files per transaction (``Library.batch``: one savepoint per file, the FTS
index filled once per batch), while the workers already prepare the next files.

* ``prepare_file`` is the whole per-file job: read the bytes once, skip bytes the library
  already has (a read-only look-up), detect, decode, parse, word forms. It runs in a worker, or
  in the calling process for a small import where starting workers would cost more than it saves.
* A very long file (``SPLIT_FROM`` utterances) comes back parsed only; its word forms are cut
  into chunks that the workers normalise side by side while the writer inserts the chunks
  before them. Cancel is checked between chunks and rolls the file back.
* ``ImportPool`` owns the worker processes (``forkserver``: safe from a process running Qt
  threads; the server loads the importers and dictionaries once, so workers start warm).

The interface a caller needs is ``ImportPool.run(library, paths, ...)``, an iterator of
``(path, AddResult | ImportFailed)`` in the order of ``paths`` — what ``Library.import_files``
yields — with an optional ``progress(done_units, total_units)`` for a progress bar.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intercept_viewer.core.errors import ImportFailed

if TYPE_CHECKING:
    from intercept_viewer.core.importers.registry import ParsedFile
    from intercept_viewer.core.library import AddResult, Library

#: A file with this many utterances or more has its word forms computed in parallel chunks.
SPLIT_FROM = 20_000
#: Utterances per word-form chunk of a long file.
CHUNK = 5_000
#: A batch (one transaction) closes after this many utterances or files.
BATCH_UTTERANCES = 50_000
BATCH_FILES = 100
#: Files prepared ahead per worker: enough that the workers keep going while the writer fills
#: the FTS index and commits a batch (about 100 files at a time) ...
AHEAD_PER_WORKER = 48
#: ... but never more than this many bytes of files in flight (parsed files wait in memory).
AHEAD_BYTES = 32 * 1024 * 1024
#: Below this many bytes in all, or for a single file below ``SPLIT_BYTES``, the import runs in
#: the calling process: starting workers costs more than it saves.
POOL_FROM_BYTES = 512 * 1024
SPLIT_BYTES = 1024 * 1024
#: Environment variable: how many worker processes (0 = never use workers).
WORKERS_ENV = "INTERCEPT_VIEWER_IMPORT_WORKERS"
#: How much lower the workers' priority is than the writer's (``os.nice`` increment).
WORKER_NICENESS = 10
#: Modules the fork server imports once, so every worker starts with them loaded.
PRELOAD = ("intercept_viewer.core.import_pool_preload",)


class Cancelled(Exception):
    """Raised inside the writer's transaction when the user cancels a long file."""


@dataclass
class Prepared:
    """What a worker sends back for one file: parsed (and normalised), known, or failed."""

    path: str
    parsed_file: ParsedFile | None = None
    norms: list[str] | None = None
    known_sha256: str | None = None
    failure: tuple[str, str | None, int | None] | None = None  # message, file, line

    @property
    def utterances(self) -> int:
        return len(self.parsed_file.parsed.utterances) if self.parsed_file else 0

    def __getstate__(self) -> dict[str, Any]:
        """Utterances travel as plain tuples (their init fields, in order): pickling 100,000
        dataclass objects one by one costs several times more than tuples rebuilt on the
        other side."""
        state = dict(self.__dict__)
        pf = self.parsed_file
        if pf is not None:
            state["_rows"] = list(map(_utterance_fields(), pf.parsed.utterances))
            state["parsed_file"] = dataclasses.replace(
                pf, parsed=dataclasses.replace(pf.parsed, utterances=[])
            )
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        from intercept_viewer.core.model import ParsedUtterance

        rows = state.pop("_rows", None)
        self.__dict__.update(state)
        if rows is not None and self.parsed_file is not None:
            self.parsed_file.parsed.utterances = [ParsedUtterance(*row) for row in rows]

    def error(self) -> ImportFailed:
        assert self.failure is not None
        message, file, line = self.failure
        return ImportFailed(message, file=file, line=line)


def _utterance_fields() -> Callable[[Any], tuple[Any, ...]]:
    """A C-speed getter of a ParsedUtterance's init fields as a tuple, in declaration order."""
    import operator

    from intercept_viewer.core.model import ParsedUtterance

    names = [f.name for f in dataclasses.fields(ParsedUtterance) if f.init]
    getter = operator.attrgetter(*names)
    return getter if len(names) > 1 else (lambda u: (getter(u),))


# ------------------------------------------------------------------ the work of one file

_known_conns: dict[str, sqlite3.Connection] = {}


def _already_known(library_path: str | None, sha256: str) -> bool:
    """Does the library hold these bytes? A read-only query on a connection of this process."""
    if library_path is None:
        return False
    conn = _known_conns.get(library_path)
    try:
        if conn is None:
            uri = f"{Path(library_path).resolve().as_uri()}?mode=ro"
            conn = _known_conns[library_path] = sqlite3.connect(
                uri, uri=True, check_same_thread=False
            )
        return (
            conn.execute("SELECT 1 FROM transcripts WHERE file_sha256 = ?", [sha256]).fetchone()
            is not None
        )
    except sqlite3.Error:
        return False  # the writer checks again; this is only a shortcut


def prepare_file(
    path: str, format: str | None, library_path: str | None, normalise: bool = True
) -> Prepared:
    """Read, dedupe, parse and normalise one file. Never raises for a bad file."""
    from intercept_viewer.core.importers.registry import file_sha256, parse_source, read_source
    from intercept_viewer.core.translation_norm import searchable_norms

    try:
        source = read_source(Path(path))
        sha = file_sha256(source.data)
        if _already_known(library_path, sha):
            return Prepared(path, known_sha256=sha)
        pf = parse_source(source, format=format)
        del source
        utterances = pf.parsed.utterances
        norms = None
        if normalise and len(utterances) < SPLIT_FROM:
            norms = searchable_norms(utterances, pf.parsed.meta.language)
        return Prepared(path, parsed_file=pf, norms=norms)
    except ImportFailed as exc:
        return Prepared(path, failure=(exc.message, exc.file or path, exc.line))
    except Exception as exc:  # a bug in an importer must not sink the whole batch
        return Prepared(
            path,
            failure=(
                f"the importer failed unexpectedly ({type(exc).__name__}: {exc}); "
                "please report this file",
                path,
                None,
            ),
        )


def normalise_chunk(
    texts: list[str], translations: list[str | None], language: str | None
) -> list[str]:
    """``text_norm`` of a chunk of a long file's turns (their text and translation)."""
    from intercept_viewer.core.model import ParsedUtterance
    from intercept_viewer.core.translation_norm import searchable_norms

    turns = [ParsedUtterance(t, translation=tr) for t, tr in zip(texts, translations, strict=True)]
    return searchable_norms(turns, language)


# ------------------------------------------------------------------ the pool


def _lower_priority() -> None:
    """Run in each worker at start: yield the CPU to the writer (and to a window's thread).

    Workers and the writer share the cores; with equal priority the writer, which every file
    must pass through in order, gets two thirds of a core beside two busy workers and the
    import waits on it. Niced workers fill only the CPU time the writer leaves.
    """
    with contextlib.suppress(OSError, AttributeError):
        os.nice(WORKER_NICENESS)


def worker_count() -> int:
    raw = os.environ.get(WORKERS_ENV)
    if raw is not None:
        try:
            return max(0, int(raw))
        except ValueError:
            pass
    return min(4, os.cpu_count() or 1)


def _total_bytes(paths: Sequence[Path]) -> tuple[int, int]:
    total = biggest = 0
    for p in paths:
        with contextlib.suppress(OSError):
            size = p.stat().st_size
            total += size
            biggest = max(biggest, size)
    return total, biggest


def worth_a_pool(paths: Sequence[Path]) -> bool:
    """Workers pay off for many bytes, or for one file long enough to split."""
    if worker_count() < 1:
        return False
    total, biggest = _total_bytes(paths)
    return (len(paths) > 1 and total >= POOL_FROM_BYTES) or biggest >= SPLIT_BYTES


class _InlineExecutor:
    """The executor interface, run in the calling process (a small import, or no workers)."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        f: Future[Any] = Future()
        try:
            f.set_result(fn(*args))
        except BaseException as exc:  # pragma: no cover - the functions catch their errors
            f.set_exception(exc)
        return f

    def shutdown(self) -> None:
        pass


class ImportPool:
    """Worker processes for imports, started on first use and kept until ``close()``.

    One pool serves many ``run`` calls (the benchmark imports in chunks; a window imports
    several times): the workers keep their word-form caches warm between them.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = worker_count() if workers is None else workers
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        #: A cancel left work running in a worker (a long parse): close() ends it at once.
        self.abandoned = False

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(list(PRELOAD))
                self._executor = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=ctx, initializer=_lower_priority
                )
            return self._executor

    def close(self) -> None:
        """Stop the workers. Work a cancel abandoned (a long parse) is ended, not awaited."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is None:
            return
        if not self.abandoned:
            executor.shutdown(wait=True, cancel_futures=True)
            return
        self.abandoned = False
        procs = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        for proc in procs:
            proc.join(timeout=5)

    def run(
        self,
        library: Library,
        paths: Iterable[str | os.PathLike[str]],
        format: str | None = None,
        *,
        cancelled: Callable[[], bool] | None = None,
        progress: Callable[[int, int], None] | None = None,
        use_workers: bool | None = None,
    ) -> Iterator[tuple[Path, AddResult | ImportFailed]]:
        """Import ``paths`` into ``library``; yield each outcome once it is committed.

        ``progress(done, total)`` counts bytes of the files read so far plus, inside a long
        file, its share of utterances stored: a bar that moves through one huge call too.
        """
        todo = [Path(p) for p in paths]
        if use_workers is None:
            use_workers = worth_a_pool(todo)
        executor: Any = self._pool() if use_workers and self.workers > 0 else _InlineExecutor()
        writer = _Writer(library, executor, cancelled, progress, todo)
        try:
            yield from writer.run(
                format, ahead=max(4, AHEAD_PER_WORKER * self.workers) if use_workers else 1
            )
        finally:
            if writer.abandoned and executor is not None:
                self.abandoned = True


class _Writer:
    """Keeps a window of files in flight and stores them in order, batch by batch."""

    def __init__(
        self,
        library: Library,
        executor: Any,
        cancelled: Callable[[], bool] | None,
        progress: Callable[[int, int], None] | None,
        paths: list[Path],
    ) -> None:
        self.lib = library
        self.executor = executor
        self.cancelled = cancelled or (lambda: False)
        self.progress = progress
        self.paths = paths
        # sizes once: the progress bar counts them, and the look-ahead stops at AHEAD_BYTES
        self.sizes = [_total_bytes([p])[0] or 1 for p in paths]
        self.total = sum(self.sizes)
        self.done_bytes = 0
        self.abandoned = False  # set when work was still running in a worker at the end

    def _size(self, index: int) -> int:
        return self.sizes[index]

    def _report(self, extra: float = 0.0) -> None:
        if self.progress is not None:
            self.progress(min(self.total, self.done_bytes + int(extra)), self.total)

    def run(
        self, format: str | None, ahead: int
    ) -> Iterator[tuple[Path, AddResult | ImportFailed]]:
        lib_path = str(self.lib.path) if self.lib.path is not None else None
        pending: deque[tuple[int, Future[Prepared]]] = deque()
        in_flight = 0  # bytes of the files being prepared or waiting to be stored
        nxt = 0
        batch: list[tuple[Path, AddResult | ImportFailed]] = []
        batch_utts = 0
        in_batch = contextlib.ExitStack()
        try:
            while nxt < len(self.paths) or pending:
                while (
                    nxt < len(self.paths)
                    and len(pending) < ahead
                    and (not pending or in_flight < AHEAD_BYTES)
                ):
                    f = self.executor.submit(prepare_file, str(self.paths[nxt]), format, lib_path)
                    pending.append((nxt, f))
                    in_flight += self._size(nxt)
                    nxt += 1
                if self.cancelled():
                    break
                index, future = pending[0]
                try:
                    prepared = self._wait(future)
                except Cancelled:
                    break
                except Exception as exc:  # a worker died (killed, out of memory)
                    prepared = Prepared(
                        str(self.paths[index]),
                        failure=(f"the import worker failed ({exc})", str(self.paths[index]), None),
                    )
                pending.popleft()
                in_flight -= self._size(index)
                path = self.paths[index]
                big = prepared.parsed_file is not None and prepared.norms is None
                if batch and (big or batch_utts + prepared.utterances > BATCH_UTTERANCES):
                    in_batch.close()
                    yield from batch
                    batch, batch_utts = [], 0
                if not batch:
                    in_batch = contextlib.ExitStack()
                    in_batch.enter_context(self.lib.batch())
                try:
                    outcome = self._store(prepared, index)
                except Cancelled:
                    in_batch.close()
                    yield from batch
                    batch = []
                    return
                batch.append((path, outcome))
                batch_utts += prepared.utterances
                if self.progress is not None:
                    self.done_bytes += self.sizes[index]
                    self._report()
                if big or len(batch) >= BATCH_FILES:
                    in_batch.close()
                    yield from batch
                    batch, batch_utts = [], 0
            in_batch.close()
            yield from batch
            batch = []
        finally:
            # an error or the caller stopped early: nothing of this batch is kept. Also when the
            # batch is still empty (the first file's store failed: a full disk), so its
            # transaction never outlives the library (a no-op once the stack was closed).
            in_batch.__exit__(GeneratorExit, GeneratorExit(), None)
            for _i, f in pending:
                if not f.cancel() and not f.done():
                    self.abandoned = True

    def _wait(self, future: Future[Any]) -> Any:
        """The future's result; a cancel is noticed while a worker is still busy with it."""
        while True:
            try:
                return future.result(timeout=0.1)
            except FuturesTimeout:
                if self.cancelled():
                    raise Cancelled from None

    def _store(self, prepared: Prepared, index: int) -> AddResult | ImportFailed:

        lib = self.lib
        if prepared.failure is not None:
            return prepared.error()
        if prepared.known_sha256 is not None:
            existing = lib.find_by_sha256(prepared.known_sha256)
            if existing is not None:
                return lib.known_result(existing)
            # gone since the worker looked (deleted meanwhile): prepare it here after all
            prepared = prepare_file(prepared.path, None, None)
            if prepared.failure is not None:
                return prepared.error()
        pf = prepared.parsed_file
        assert pf is not None
        norms: Iterable[str] | None = prepared.norms
        if norms is None:
            norms = self._chunked_norms(pf, index)
        try:
            return lib.store_parsed_file(pf, Path(prepared.path), norms)
        except ImportFailed as exc:
            return exc

    def _chunked_norms(self, pf: ParsedFile, index: int) -> Iterator[str]:
        """The word forms of a long file, normalised by the workers chunk by chunk, in order;
        cancel is checked and progress reported between chunks."""
        utterances = pf.parsed.utterances
        language = pf.parsed.meta.language
        n = len(utterances)
        starts = list(range(0, n, CHUNK))
        futures: deque[Future[list[str]]] = deque()
        size = self.sizes[index] if self.sizes else 0
        k = 0
        try:
            for start in starts:
                while k < len(starts) and len(futures) < 4:  # a few chunks ahead
                    part = utterances[starts[k] : starts[k] + CHUNK]
                    texts = [u.text for u in part]
                    translations = [u.translation for u in part]
                    futures.append(
                        self.executor.submit(normalise_chunk, texts, translations, language)
                    )
                    k += 1
                if self.cancelled():
                    raise Cancelled
                yield from self._wait(futures[0])
                futures.popleft()
                self._report(size * min(n, start + CHUNK) / max(1, n))
        finally:
            for f in futures:
                if not f.cancel() and not f.done():
                    self.abandoned = True
