"""`tystnad serve`: the dashboard over the same analysis the CLI prints."""
