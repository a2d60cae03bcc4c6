"""A step written out as the note derives it: the formula, the numbers put in, the result.

:func:`lines` turns a :class:`model.step.StepDetails` into the lines of a worked example
(forward pass, backward pass by the chain rule, update), each with its symbol, its formula,
the formula with the step's numbers in it, and the value.  :func:`to_html` typesets them as
an aligned table (the step panel shows it; "Export worked step" writes it); :func:`to_markdown`
writes them for a teacher's notes.  Numbers are shown to ``digits`` significant digits, or
in full (the shortest text that reads back as the same float) when ``digits`` is None.
"""
from __future__ import annotations

from dataclasses import dataclass

from .step import StepDetails

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: Above this many inputs the sum in ``z`` is written with Σ instead of term by term.
MAX_TERMS = 6


@dataclass(frozen=True)
class Line:
    section: str
    symbol: str
    formula: str
    numbers: str
    value: float | None
    note: str = ""


def number(value: float, digits: int | None = 4) -> str:
    """``value`` to ``digits`` significant digits (all of them when None), with a real
    minus sign."""
    text = repr(float(value)) if digits is None else f"{value:.{digits}g}"
    return text.replace("-", "−").replace("inf", "∞")


def _bracketed(value: float, digits: int | None) -> str:
    text = number(value, digits)
    return f"({text})" if text.startswith("−") else text


def _sub(i: int) -> str:
    return str(i + 1).translate(_SUBSCRIPTS)


def _direction(before: float, after: float) -> str:
    if after > before:
        return "up"
    if after < before:
        return "down"
    return "unchanged"


def lines(step: StepDetails, names: list[str] | None = None, digits: int | None = 4) -> list[Line]:
    """The worked step, line by line."""
    n = len(step.inputs)
    names = list(names or [])[:n] + [f"x{i + 1}" for i in range(len(names or []), n)]
    f = lambda v: number(v, digits)  # noqa: E731
    fb = lambda v: _bracketed(v, digits)  # noqa: E731
    out: list[Line] = []
    out.append(Line("row", "row", "drawn at random", f"row {step.row + 1}", None))
    for i in range(n):
        name = "" if names[i] == f"x{i + 1}" else names[i]
        out.append(Line("row", f"x{_sub(i)}", name, f(step.inputs[i]), step.inputs[i]))
    out.append(Line("row", "y", "target", f(step.target), step.target))

    section = "forward"
    if n <= MAX_TERMS:
        formula = " + ".join(f"x{_sub(i)}w{_sub(i)}" for i in range(n)) + " + b"
        numbers = " + ".join(f"{f(step.inputs[i])} × {fb(step.weights_before[i])}"
                             for i in range(n)) + f" + {fb(step.bias_before)}"
    else:
        formula = "Σᵢ xᵢwᵢ + b"
        numbers = f"(the {n} products) + {fb(step.bias_before)}"
    out.append(Line(section, "z", formula, numbers, step.z))
    out.append(Line(section, "ŷ", "σ(z) = 1/(1 + e<sup>−z</sup>)",
                    f"1/(1 + e<sup>{number(-step.z, digits)}</sup>)", step.prediction))
    out.append(Line(section, "E", "(ŷ − y)²", f"({f(step.prediction)} − {f(step.target)})²",
                    step.error))

    section = "backward"
    out.append(Line(section, "dE/dŷ", "2(ŷ − y)", f"2 × ({f(step.prediction)} − {f(step.target)})",
                    step.d_error_d_prediction))
    out.append(Line(section, "dŷ/dz", "ŷ(1 − ŷ)",
                    f"{f(step.prediction)} × (1 − {f(step.prediction)})", step.d_prediction_d_z))
    out.append(Line(section, "dE/dz", "dE/dŷ · dŷ/dz",
                    f"{f(step.d_error_d_prediction)} × {fb(step.d_prediction_d_z)}",
                    step.d_error_d_z))
    for i in range(n):
        w = f"w{_sub(i)}"
        out.append(Line(section, f"dE/d{w}", f"dE/dz · x{_sub(i)}",
                        f"{f(step.d_error_d_z)} × {fb(step.inputs[i])}",
                        step.gradient_weights[i]))
    out.append(Line(section, "dE/db", "dE/dz · 1",
                    f"{f(step.d_error_d_z)} × 1", step.gradient_bias))

    section = "update"
    for i in range(n):
        w = f"w{_sub(i)}"
        out.append(Line(section, f"{w} ←", f"{w} − α · dE/d{w}",
                        f"{f(step.weights_before[i])} − {f(step.alpha)} × {fb(step.gradient_weights[i])}",
                        step.weights[i],
                        _direction(step.weights_before[i], step.weights[i])))
    out.append(Line(section, "b ←", "b − α · dE/db",
                    f"{f(step.bias_before)} − {f(step.alpha)} × {fb(step.gradient_bias)}",
                    step.bias, _direction(step.bias_before, step.bias)))
    return out


_TITLES = {
    "forward": "Forward pass: the prediction and its error",
    "backward": "Backward pass, by the chain rule: dE/dθ = dE/dŷ · dŷ/dz · dz/dθ",
    "update": "Update: each parameter moves against its gradient",
}
_ARROWS = {"up": " ↑", "down": " ↓", "unchanged": " (unchanged)"}


def _sections(step: StepDetails, names, digits):
    """The lines after the drawn row's, each with the title of the section it opens (None
    for a line inside a section)."""
    section = None
    for line in lines(step, names, digits):
        if line.section == "row":
            continue
        opens = _TITLES[line.section] if line.section != section else None
        section = line.section
        yield opens, line


def heading(step: StepDetails) -> str:
    return (f"Step {step.iteration + 1:,} (iteration {step.iteration:,}): row {step.row + 1}, "
            f"learning rate α = {number(step.alpha, None)}")


def to_html(step: StepDetails, names: list[str] | None = None, digits: int | None = 4) -> str:
    """The worked step as an HTML table: symbol, formula, numbers, value, aligned."""
    import html  # here, not at the top: 2-3 ms of the window's start-up otherwise

    parts = [f"<p style='margin:0'><b>{html.escape(heading(step))}</b><br>"]
    row_lines = [line for line in lines(step, names, digits) if line.section == "row"]
    described = ", ".join(f"{line.symbol} = {line.numbers}"
                          + (f" ({html.escape(line.formula)})" if line.formula
                             and line.symbol.startswith("x") else "")
                          for line in row_lines[1:])
    parts.append(f"The drawn row: {described}</p>")
    parts.append("<table cellspacing='0' cellpadding='1'>")
    for title, line in _sections(step, names, digits):
        if title is not None:
            parts.append(f"<tr><td colspan='4' style='padding-top:4px'><i>{title}</i></td></tr>")
        value = "" if line.value is None else number(line.value, digits)
        mark = _ARROWS.get(line.note, "")
        equals = "" if line.symbol.endswith("←") else " ="
        parts.append(
            f"<tr><td align='right'><b>{line.symbol}</b>{equals}</td>"
            f"<td>{line.formula}</td><td style='white-space:nowrap'>= {line.numbers}</td>"
            f"<td align='right' style='white-space:nowrap'>= <b>{value}</b>{mark}</td></tr>")
    parts.append("</table>")
    return "".join(parts)


def _plain(text: str) -> str:
    return (text.replace("<sup>", "^(").replace("</sup>", ")"))


def to_markdown(step: StepDetails, names: list[str] | None = None, digits: int | None = None) -> str:
    """The worked step as Markdown (full precision by default: for checking by hand)."""
    out = [f"## {heading(step)}", ""]
    row_lines = [line for line in lines(step, names, digits) if line.section == "row"]
    for line in row_lines[1:]:
        label = f" ({line.formula})" if line.formula and line.symbol.startswith("x") else ""
        out.append(f"- {line.symbol}{label} = {line.numbers}")
    for title, line in _sections(step, names, digits):
        if title is not None:
            out += ["", f"### {title}", "", "| | formula | with the numbers | value |",
                    "|---|---|---|---|"]
        value = "" if line.value is None else number(line.value, digits)
        mark = _ARROWS.get(line.note, "")
        out.append(f"| {line.symbol} | {_plain(line.formula)} | {_plain(line.numbers)} | "
                   f"{value}{mark} |")
    return "\n".join(out) + "\n"
