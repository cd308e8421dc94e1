class JobError(Exception):
    """A job that cannot finish, with the reason in Chinese: the progress page shows the
    message as it is. Any other exception shows a generic message (details go to the log)."""
