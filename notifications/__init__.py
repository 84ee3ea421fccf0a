"""Every outgoing mail: templates, delivery, and the candidate's message history."""
