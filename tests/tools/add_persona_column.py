"""Add the `other_lawyer` cell to 9-cell rows of the authorization matrix.

The matrix grew a 10th persona (other_lawyer, after lawyer). Rows written for 9 personas get
a copy of their `lawyer` cell, which is right everywhere except legal cases: a lawyer of
another firm is a stranger there (404), so fix legal rows by hand after running this.

    python tests/tools/add_persona_column.py [FILE ...]

Without arguments it rewrites tests/*/matrix_rows.py and the main matrix module. Idempotent:
only 9-cell status tuples (and `(405,) * 9`) are touched; 10-cell rows are left alone.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

OLD_CELLS = 9
LAWYER = 7  # index of the lawyer cell in the 9-persona order
TESTS = Path(__file__).resolve().parents[1]


def _is_cell(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id.isupper() or node.id == "LOGIN"
    return isinstance(node, ast.Constant) and type(node.value) is int and 100 <= node.value < 600


def _offset(lines: list[str], lineno: int, col: int) -> int:
    # ast columns count UTF-8 bytes.
    before = sum(len(line) for line in lines[: lineno - 1])
    return before + len(lines[lineno - 1].encode()[:col].decode())


def add_column(source: str) -> str:
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Tuple)
            and len(node.elts) == OLD_CELLS
            and all(_is_cell(e) for e in node.elts)
        ):
            lawyer, after = node.elts[LAWYER], node.elts[LAWYER + 1]
            lawyer_end = _offset(lines, lawyer.end_lineno, lawyer.end_col_offset)
            after_start = _offset(lines, after.lineno, after.col_offset)
            lawyer_text = source[_offset(lines, lawyer.lineno, lawyer.col_offset) : lawyer_end]
            separator = source[lawyer_end:after_start]
            edits.append((lawyer_end, lawyer_end, separator + lawyer_text))
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mult)
            and isinstance(node.left, ast.Tuple)
            and len(node.left.elts) == 1
            and _is_cell(node.left.elts[0])
            and isinstance(node.right, ast.Constant)
            and node.right.value == OLD_CELLS
        ):
            start = _offset(lines, node.right.lineno, node.right.col_offset)
            end = _offset(lines, node.right.end_lineno, node.right.end_col_offset)
            edits.append((start, end, str(OLD_CELLS + 1)))
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    # Column headers in comments (the new one must not match again: idempotent).
    return source.replace("lawyer deact", "lawyer lawyer2 deact").replace(
        "lawyer,\n# deactivated", "lawyer,\n# other lawyer, deactivated"
    )


def main(paths: list[str]) -> None:
    files = [Path(p) for p in paths] or [
        *sorted(TESTS.glob("*/matrix_rows.py")),
        TESTS / "csa_portal" / "test_authorization_matrix.py",
    ]
    for path in files:
        old = path.read_text(encoding="utf-8")
        new = add_column(old)
        if new != old:
            path.write_text(new, encoding="utf-8")
            print(f"updated {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
