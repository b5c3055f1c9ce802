"""Screening events that outbound webhooks announce, next to the core ones in
candidates.signals. Sent by whoever records the fact, inside its transaction.
"""

from django.dispatch import Signal

# kwargs: resume (with its ResumeScore saved)
resume_scored = Signal()
# kwargs: screening (a completed PersonalityScreening)
screening_completed = Signal()
# kwargs: test_log
test_log_created = Signal()
