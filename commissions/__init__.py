"""Commissions, reviews, decisions, publication, confirmation and withdrawal."""
