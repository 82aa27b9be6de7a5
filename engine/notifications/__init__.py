"""Staff notifications: what the system tells officers, leads and supervisors, in the app and by e-mail."""
