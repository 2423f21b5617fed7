"""The operator's words, read without a model: normalising, intents, references, what a message names.

Shared by the rules brain (to understand) and the command gate (to check what the
operator really asked for, whatever brain proposed the command).
"""
