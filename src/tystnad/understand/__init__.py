"""Understand: Message* -> Diagnosis. Threads and deals, the customer's calendar and rhythm, signals
with their quotes, the risk model, MEDDICC and reasons. No I/O and no clock: `now` is passed in."""
