"""Core events that optional apps (the ATS sync, outbound webhooks) listen to.

They are sent inside the writing transaction, so a listener's own rows (an outbox entry)
commit or roll back together with the change that caused them.
"""

from django.dispatch import Signal

# kwargs: application, stage_change
application_moved = Signal()
# kwargs: application
application_created = Signal()
# kwargs: note
note_added = Signal()
# kwargs: candidate (already anonymised), actor, remote_refs (ids/email before erasure)
candidate_erased = Signal()
