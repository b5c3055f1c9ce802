"""Every view declares its access policy (public, member, or roles); a new view without one
fails here the day it lands."""

from django.urls import URLPattern, URLResolver, get_resolver

# Django's own apps that enforce access themselves.
EXEMPT_NAMESPACES = {"admin"}


def iter_patterns(resolver, prefix="", namespace=None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in EXEMPT_NAMESPACES:
                continue
            yield from iter_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def policy_of(callback):
    seen = set()
    while callback is not None and id(callback) not in seen:
        seen.add(id(callback))
        policy = getattr(callback, "access_policy", None)
        if policy:
            return policy
        callback = getattr(callback, "__wrapped__", None) or getattr(callback, "cls", None)
    return None


def test_every_view_declares_an_access_policy():
    missing = [route for route, pattern in iter_patterns(get_resolver()) if not policy_of(pattern.callback)]
    assert not missing, f"Views without an access policy: {missing}"


def test_the_walk_sees_the_project_views():
    routes = [route for route, _ in iter_patterns(get_resolver())]
    assert any("login" in route for route in routes)
    assert len(routes) >= 5
