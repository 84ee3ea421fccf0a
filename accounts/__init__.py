"""Candidate and staff accounts: email login, candidate number, 48-hour activation."""
