"""Production stores pieces in a private S3 bucket when AWS_STORAGE_BUCKET_NAME is set (read
in a fresh process, the way the settings are read at start-up); nothing is contacted."""

from tests.ecandidat.test_settings_and_layout import PRODUCTION_ENV, run_manage

SHOW = (
    "from django.core.files.storage import storages; s = storages['default']; "
    "print(type(s).__name__, getattr(s, 'bucket_name', '-'), getattr(s, 'default_acl', '-'), "
    "getattr(s, 'querystring_auth', '-'), getattr(s, 'file_overwrite', '-'))"
)


def show(env):
    result = run_manage("shell", "-v", "0", "-c", SHOW, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_s3_bucket_when_configured_and_check_deploy_stays_clean():
    env = {
        **PRODUCTION_ENV,
        "AWS_STORAGE_BUCKET_NAME": "ecandidat-pieces",
        "AWS_S3_ENDPOINT_URL": "https://s3.gra.io.cloud.ovh.net",
    }
    assert show(env) == ["S3Storage", "ecandidat-pieces", "private", "True", "False"]
    checked = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_local_folder_without_a_bucket():
    assert show(PRODUCTION_ENV)[0] == "FileSystemStorage"
