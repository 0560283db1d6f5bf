"""A realistic sample mailbox of a B2B seller, generated from a seed."""

from tystnad_sample.generator import GeneratedMailbox, generate_mailbox

__all__ = ["GeneratedMailbox", "generate_mailbox"]
