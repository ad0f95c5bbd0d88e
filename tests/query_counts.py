"""Shared by the query-count tests of every app."""

# Every logged-in request reads its session and its user, in one statement once the process has
# seen the session (csa_portal.sessions; a test client's login is seen). The session is written
# only when it changes, or when activity pushes its idle expiry forward (at most once every
# SESSION_REFRESH_SECONDS), so a locked page count holds this one plus the page's own.
LOGGED_IN = 1
# Saving a changed session: savepoint, update, release.
SESSION_WRITE = 3
