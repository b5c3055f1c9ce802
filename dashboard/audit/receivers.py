"""Framework events worth auditing: logins, logouts, failed logins, erasures."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from candidates.signals import candidate_erased
from dashboard.audit.services import Action, record
from dashboard.models import User


@receiver(user_logged_in, dispatch_uid="audit-login")
def audit_login(sender, request, user, **kwargs):
    record(action=Action.LOGIN, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit-logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record(action=Action.LOGOUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    email = str(credentials.get("username") or credentials.get("email") or "")[:254]
    known = User.objects.filter(email__iexact=email).only("org_id").first() if email else None
    record(action=Action.LOGIN_FAILED, org=known.org if known else None, actor_email=email, request=request)


@receiver(candidate_erased, dispatch_uid="audit-candidate-erased")
def audit_candidate_erased(sender, candidate, actor, remote_refs, **kwargs):
    record(
        action=Action.CANDIDATE_ERASED,
        actor=actor,
        org=candidate.org,
        target=candidate,
        details={"by": "retention policy" if actor is None else "request"},
    )
