"""Tafsiri: Swahili→English translation pipeline."""
