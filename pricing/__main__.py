"""``python -m pricing``: the ``pricing`` command line."""

from ._cli.main import run

if __name__ == "__main__":
    run()
