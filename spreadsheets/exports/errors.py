from jobs.errors import JobError


class ExportError(JobError):
    """An export that cannot be made, with the reason in Chinese (shown to the person)."""
