import pytest


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """Each request runs the on-commit callbacks it registered, as a real commit would (the
    test's own transaction never commits): mails leave the outbox before the next line."""
    send = client.request

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return send(**kwargs)

    client.request = request
    return client
