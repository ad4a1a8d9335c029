"""The ``pricing`` command line, one module a part: the commands, the summary, what-if.

:mod:`.main` parses the arguments and runs the ``preview`` and ``sign`` commands,
:mod:`.summary` renders a preview for a person, :mod:`.examples` and
:mod:`.whatif` are the ``example`` and ``whatif`` commands.
"""

from .main import main, run
from .summary import render_summary

__all__ = ["main", "render_summary", "run"]
