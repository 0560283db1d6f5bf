"""Read: RawMessage -> Message. Sources stream raw mail; parse decodes it, clean separates the new
text from quoted history and signature, and reading finds phrase families and time expressions.
Runs in worker processes, one message at a time; the only stage that imports `email`."""
