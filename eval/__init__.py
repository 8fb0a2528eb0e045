"""Tafsiri evaluation: sacrebleu-based reports."""
