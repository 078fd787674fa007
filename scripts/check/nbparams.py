"""Editing a notebook's parameter cell, shared by run-notebooks.py and browser-check.py."""
import re


def set_parameters(source, values):
    """The parameter cell's source with each `let NAME... = VALUE;` given a new VALUE; a name
    the cell does not define exactly once is an error (so parameter sets cannot rot)."""
    lines = source.splitlines()
    for name, value in values.items():
        pat = re.compile(r"^(\s*let\s+(?:mut\s+)?" + re.escape(name) + r"\s*(?::[^=]+)?=\s*)(.*?)(;\s*(?://.*)?)$")
        hits = [i for i, line in enumerate(lines) if pat.match(line)]
        if len(hits) != 1:
            raise ValueError(f"parameter {name!r} is defined {len(hits)} times in the parameters cell, not once")
        i = hits[0]
        lines[i] = pat.sub(lambda m: m.group(1) + str(value) + m.group(3), lines[i])
    return "\n".join(lines)
