"""Every state change of the legal assistance app: keyword-only, transactional functions.

Views and forms check who may act and validate input; the services refuse what the domain
forbids (a wrong status, a firm without the practice area, hours that cannot be) with a
LegalError whose message says why, and then nothing is saved.
"""


class LegalError(Exception):
    """A refused change; the message says why, for the person who tried."""
