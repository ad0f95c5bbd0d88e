"""Shared by the query-count tests of every app."""

# Every logged-in request reads its session and its user. The session is written only when it
# changes, or when activity pushes its idle expiry forward (at most once every
# SESSION_REFRESH_SECONDS), so a locked page count holds these two plus the page's own.
LOGGED_IN = 2
# Saving a changed session: savepoint, update, release.
SESSION_WRITE = 3
