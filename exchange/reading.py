"""Reading a file of the dataset into rows: its header against the format, each cell into a
value (`cells`), each unreadable cell a problem on its line and column. Nothing here looks at
the database or at other rows: what a row names is `known`'s, what its record must be is
`row_judge`'s."""

import contextlib
import unicodedata

from .cells import BOOL, CHOICE, DATE, DECIMAL, INT, USER, CellError, read_cell
from .problems import Problem, ProblemLog
from .rows import Row
from .specs import Column, FileSpec
from .tables import Table

# Kinds of cell read into an immutable value, remembered by their text for the file.
_REMEMBERED_CELLS = {DATE, INT, DECIMAL, BOOL, CHOICE, USER}

# How many distinct texts a column remembers the reading of: every day of forty years.
_MEMO_SIZE = 16384
_FAILED = object()

Positions = list[tuple[Column, int]]


class RowReader:
    """Reads the files of one dataset, telling what it cannot read to the dataset's log."""

    def __init__(self, problems: ProblemLog) -> None:
        self.problems = problems
        # The known columns each file has, in its order.
        self.present: dict[str, list[Column]] = {}
        self._empties: dict[str, dict] = {}
        # Positions of columns without a name, until a row has a value there.
        self._unnamed: dict[str, set[int]] = {}
        self._cell_memos: dict[str, dict[str, dict]] = {}

    def problem(self, spec: FileSpec, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(spec.name, line, column, message))

    def header(self, spec: FileSpec, table: Table) -> Positions:
        """The known columns of the file and their positions; problems for the others."""
        columns = spec.by_name
        seen: set[str] = set()
        positions: Positions = []
        self._unnamed[spec.name] = set()
        for index, name in enumerate(table.header):
            if name and name in seen:  # columns without a name are not told apart
                self.problem(spec, 1, name, "colonne en double.")
            elif name not in columns:
                if name:
                    self._unknown_column(spec, name)
                else:  # told only if a row has a value there (`rows`)
                    self._unnamed[spec.name].add(index)
            else:
                positions.append((columns[name], index))
            seen.add(name)
        for name in spec.required:
            if name not in seen:
                self.problem(spec, 1, name, "colonne obligatoire absente.")
        self.present[spec.name] = [column for column, _ in positions]
        self._empties[spec.name] = {column.name: _empty(spec, column) for column, _ in positions}
        return positions

    def _unknown_column(self, spec: FileSpec, name: str) -> None:
        possible = "colonnes possibles : " + ", ".join(spec.by_name) + "."
        hidden = [char for char in name if _invisible(char)]
        if hidden:
            # "\ufeffref" reads "ref" on screen: say what cannot be seen.
            shown = "".join(char for char in name if not _invisible(char))
            self.problem(
                spec,
                1,
                shown,
                f"colonne inconnue : son nom contient un caractère invisible "
                f"(U+{ord(hidden[0]):04X}) ; retapez-le dans le tableur. {possible}",
            )
            return
        self.problem(spec, 1, name, f"colonne inconnue ; {possible}")

    def rows(
        self, spec: FileSpec, positions: Positions, chunk: list[tuple[int, list[str]]]
    ) -> list[Row]:
        """A chunk's rows with the values of their cells; each unreadable cell a problem."""
        empties = self._empties[spec.name]
        unnamed = self._unnamed[spec.name]
        # The same text in the same column reads the same (a date, a kind, a username): once.
        memos = self._cell_memos.setdefault(
            spec.name,
            {
                column.name: {}
                for column, _ in positions
                if column.kind in _REMEMBERED_CELLS
                and not isinstance(empties[column.name], (list, dict))
            },
        )
        problem, bad_cell = self.problem, CellError
        rows = []
        for line, row_cells in chunk:
            row = Row(line, {})
            values = row.values
            width = len(row_cells)
            # Cells beyond the header were told when the file was read (`sources`).
            if unnamed:
                for index in [i for i, text in enumerate(row_cells) if text and i in unnamed]:
                    unnamed.discard(index)
                    self._unknown_column(spec, f"n° {index + 1}")
            for column, index in positions:
                name = column.name
                text = row_cells[index] if index < width else ""
                memo = memos.get(name)
                value = _FAILED if memo is None else memo.get(text, _FAILED)
                if value is _FAILED:
                    try:
                        value = read_cell(column, text, empties[name])
                    except bad_cell as exc:
                        value = exc
                    if memo is not None and len(memo) < _MEMO_SIZE:
                        memo[text] = value
                if isinstance(value, bad_cell):
                    row.bad.add(name)
                    problem(spec, line, name, str(value))
                else:
                    values[name] = value
            rows.append(row)
        return rows

    def values_of_every_row(
        self, spec: FileSpec, table: Table, positions: Positions, columns: list[Column]
    ) -> list[Row]:
        """The rows of the whole file with a value in one of `columns`, their cells read
        quietly (an unreadable one is told when its chunk is checked)."""
        empties = self._empties[spec.name]
        rows = []
        for line, row_cells in table.rows():
            values = {}
            for column, index in positions:
                text = row_cells[index] if index < len(row_cells) else ""
                with contextlib.suppress(CellError):
                    values[column.name] = read_cell(column, text, empties[column.name])
            if any(values.get(column.name) not in (None, "", []) for column in columns):
                rows.append(Row(line, values))
        return rows


def _empty(spec: FileSpec, column: Column):
    """What an empty cell of the column reads as: its field's default, else empty."""
    model_field = spec.model_field(column)
    if model_field.is_relation:
        return None
    if model_field.has_default():
        return model_field.get_default()
    return None if model_field.null else ""


def _invisible(char: str) -> bool:
    """A character a spreadsheet shows as nothing: a byte-order mark, a zero-width space, a
    control character, a space other than the ordinary one."""
    return unicodedata.category(char) in ("Cf", "Cc", "Zl", "Zp") or (
        char.isspace() and char != " "
    )
