"""A Griffe extension for the API reference: `@_built` attributes are properties.

`pricing._result.views._built` works like `functools.cached_property` (an attribute
built on its first read), but Griffe knows only the standard decorators, so it
would list `PreviewResult.total_due` and the others as methods, `total_due()`.
This turns them into read-only attributes, as a reader uses them.
"""

from __future__ import annotations

import ast
from typing import Any

import griffe

BUILT = "pricing._result.views._built"


class BuiltAttributes(griffe.Extension):
    """Show functions decorated with `_built` as properties."""

    def on_function_instance(
        self, *, node: ast.AST | griffe.ObjectNode, func: griffe.Function, **kwargs: Any
    ) -> None:
        if not any(d.callable_path == BUILT for d in func.decorators):
            return
        attribute = griffe.Attribute(
            func.name,
            annotation=func.returns,
            lineno=func.lineno,
            endlineno=func.endlineno,
            docstring=func.docstring,
        )
        attribute.labels.add("property")
        assert func.parent is not None
        func.parent.set_member(func.name, attribute)
