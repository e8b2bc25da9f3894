"""Errors a person can read: the command line and the bot show their message as it is."""


class NewsbotError(Exception):
    """Base of every error newsbot reports to a user."""


class BadInput(NewsbotError):
    """An input (file, line, page, link) that cannot become an article."""


class FetchError(BadInput):
    """A link that could not be fetched, or is not allowed."""


class NotFound(NewsbotError):
    """An article id or URL that is not in the store."""


class IndexMismatch(NewsbotError):
    """The indexes do not match the store (a crash or a model change); they need a rebuild."""


class StoreFull(NewsbotError):
    """The disk (or the store's size limit) is full: the change was rolled back."""
