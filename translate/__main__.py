"""``python -m translate``: the ``tafsiri`` command without the installed script."""

from translate.cli import app

if __name__ == "__main__":
    app()
