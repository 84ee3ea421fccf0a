"""The candidate's dossier and its sections (filled by a later issue)."""
