"""Tafsiri glossary: terms, matching, enforcement, term accuracy."""
