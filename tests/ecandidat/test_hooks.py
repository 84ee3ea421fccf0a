"""The cross-app wiring is explicit and fails loudly: every hook names a provider that
exists, and a missing one stops ``manage.py check`` (CI runs it) instead of answering
nothing."""

from django.core.management import call_command
from django.core.management.base import SystemCheckError

from candidatures import mail, selectors, workflow
from ecandidat import hooks


def test_every_hook_resolves_to_its_provider():
    import pieces.selectors as provider

    assert workflow.missing_for_submission.function is provider.missing_for_submission
    assert workflow.review_blockers.function is provider.review_blockers
    assert mail.refused_pieces_hook.function is provider.refused_pieces
    assert selectors.missing_pieces_hook.function is provider.missing_pieces_by_candidature
    assert selectors.detail_documents_hook.function is provider.detail_context
    assert hooks.check_hooks() == []


def test_a_missing_provider_fails_the_system_check():
    broken = hooks.Hook("pieces.selectors.no_such_function", purpose="a test")
    try:
        errors = hooks.check_hooks()
        assert [e.id for e in errors] == ["ecandidat.E001"]
        assert "pieces.selectors.no_such_function" in errors[0].msg
        try:
            call_command("check")
        except SystemCheckError as error:
            assert "ecandidat.E001" in str(error)
        else:
            raise AssertionError("check passed with a missing hook")
    finally:
        hooks._hooks.remove(broken)
