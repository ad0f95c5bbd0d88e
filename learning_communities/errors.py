class CommunityError(Exception):
    """A refused change; the message says why, for the person who tried."""
