"""A tiny service whose client logs its API key: the leak the guide's "Secrets in Logs" forbids."""
