"""The doc-example runner (conftest.py at the root) reports a broken example.

A copy of conftest.py runs over a page made here whose examples fail: a wrong
shown output, and an exception raised while another is handled (a name used
before it is defined, as in `except pricing.ScenarioError` without the import),
which Sybil on its own turns into a pytest INTERNALERROR that hides the page.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGE = """# A page

```pycon
>>> 1 + 1
3
```

```python
try:
    undefined_name
except UndefinedError:
    pass
```

```pycon
>>> print("ok")
ok
```
"""


def test_failing_examples_are_reported_as_failures(tmp_path: Path) -> None:
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "README.md").write_text(PAGE)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # not the project's settings
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "README.md", "-p", "no:cacheprovider", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out  # tests failed; 3 would be an internal error
    assert "INTERNALERROR" not in out
    assert "2 failed, 1 passed" in out
    assert "NameError: name 'UndefinedError' is not defined" in out
    assert "Expected:\n    3\nGot:\n    2" in out
