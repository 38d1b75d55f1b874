"""The stancekit exception tree.

::

    StancekitError                     base of everything stancekit raises on purpose
    ├── StancekitValueError (ValueError)   a bad argument or option; lists the valid options
    ├── InputError (ValueError)            a document that cannot be analysed (names the document)
    │   └── InputTooLargeError             beyond the configured size limit
    ├── LoadError (OSError)                a file or source that cannot be read (names the file)
    ├── PipelineNotFoundError (RuntimeError)  no usable spaCy pipeline; says what to install
    ├── ResourceError (RuntimeError)       a missing or corrupt resource or model; says how to rebuild it
    └── StageError (RuntimeError)          a stage failed on one document (names stage and document)

``TypeError`` is raised (not wrapped) when ``analyze`` receives something that is
not text, and names the type it got.
"""

from __future__ import annotations

__all__ = [
    "InputError",
    "InputTooLargeError",
    "LoadError",
    "PipelineNotFoundError",
    "ResourceError",
    "StageError",
    "StancekitError",
    "StancekitValueError",
]


class StancekitError(Exception):
    """Base class of every error stancekit raises on purpose."""


class StancekitValueError(StancekitError, ValueError):
    """A bad argument or option value."""


class InputError(StancekitError, ValueError):
    """A document that cannot be analysed; the message names the document."""

    def __init__(self, message: str, doc_id: str | None = None) -> None:
        self.doc_id = doc_id
        super().__init__(f"document {doc_id!r}: {message}" if doc_id else message)


class InputTooLargeError(InputError):
    """A document beyond ``AnalysisConfig.max_chars``."""


class LoadError(StancekitError, OSError):
    """A file, folder or table that cannot be read; the message names it."""

    def __init__(self, message: str, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class PipelineNotFoundError(StancekitError, RuntimeError):
    """No usable spaCy pipeline is installed."""


class ResourceError(StancekitError, RuntimeError):
    """A packaged resource or trained model is missing or corrupt."""


class StageError(StancekitError, RuntimeError):
    """A stage failed on a document (a bug or an unexpected input); names the stage and document."""

    def __init__(self, stage: str, doc_id: str, cause: BaseException) -> None:
        self.stage = stage
        self.doc_id = doc_id
        self.cause = cause
        super().__init__(
            f"document {doc_id!r}: stage {stage!r} failed: {type(cause).__name__}: {cause}"
        )
