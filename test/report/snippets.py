"""Checks proposal snippets: each must compile and use no name that neither the snippet nor the user's file
defines (nor Python's builtins). Reads [{"id", "code", "source": path or [paths]}] as JSON on stdin, prints one line per problem."""
import ast
import builtins
import io
import json
import sys
import tokenize


def names_in_source(path):
    """Every identifier the user's file spells: what a snippet pasted into it may use."""
    try:
        with open(path, encoding="utf-8") as fh:
            tokens = tokenize.generate_tokens(io.StringIO(fh.read()).readline)
            return {t.string for t in tokens if t.type == tokenize.NAME}
    except (OSError, SyntaxError, tokenize.TokenError, UnicodeDecodeError):
        return set()


def defined_and_used(tree):
    defined, used = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (used if isinstance(node.ctx, ast.Load) else defined).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            defined.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            defined.update(node.names)
    return defined, used


def check(item):
    try:
        tree = compile(item["code"], item["id"], "exec", ast.PyCF_ONLY_AST)
        compile(tree, item["id"], "exec")
    except SyntaxError as error:
        return [f"{item['id']}: does not compile: {error.msg} (line {error.lineno})"]
    defined, used = defined_and_used(tree)
    sources = item["source"] if isinstance(item["source"], list) else [item["source"]]
    known = defined | set(dir(builtins)) | {"__file__", "__name__"}
    known = known.union(*(names_in_source(path) for path in sources))
    return [f"{item['id']}: undefined name {name}" for name in sorted(used - known)]


problems = [p for item in json.load(sys.stdin) for p in check(item)]
print("\n".join(problems))
