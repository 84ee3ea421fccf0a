"""A real (fast) password hasher that counts how many hashes each request computes."""

from django.contrib.auth.hashers import MD5PasswordHasher

COMPUTED = []


class CountingHasher(MD5PasswordHasher):
    def encode(self, password, salt):
        COMPUTED.append(1)
        return super().encode(password, salt)
