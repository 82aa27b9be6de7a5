"""The restricted Python that BPMN scripts, conditions and timer expressions may use."""

import ast

SAFE_BUILTINS: dict[str, object] = {
    name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
    for name in (
        "abs",
        "all",
        "any",
        "bool",
        "dict",
        "divmod",
        "enumerate",
        "filter",
        "float",
        "int",
        "isinstance",
        "len",
        "list",
        "map",
        "max",
        "min",
        "range",
        "reversed",
        "round",
        "set",
        "sorted",
        "str",
        "sum",
        "tuple",
        "zip",
        "True",
        "False",
        "None",
        "ValueError",
        "KeyError",
        "ZeroDivisionError",
    )
}

FORBIDDEN_NODES = (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.AsyncFunctionDef, ast.Await)


def check_python(source: str | None, *, mode: str) -> str | None:
    """Return a problem description, or None when ``source`` is acceptable restricted Python.

    ``mode`` is ``"exec"`` for scripts and ``"eval"`` for conditions and timer expressions.
    """
    if source is None or not source.strip():
        return "the expression is empty"
    try:
        tree = ast.parse(source.strip() if mode == "eval" else source, mode=mode)
    except SyntaxError as exc:
        return f"Python syntax error on line {exc.lineno}: {exc.msg}"
    for node in ast.walk(tree):
        if isinstance(node, FORBIDDEN_NODES):
            return f"'{type(node).__name__}' is not allowed in BPMN scripts (line {node.lineno})"
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            return f"name '{node.id}' is not allowed in BPMN scripts (line {node.lineno})"
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            return f"attribute '{node.attr}' is not allowed in BPMN scripts (line {node.lineno})"
    return None
