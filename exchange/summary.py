"""What an import found and did, file by file: kept as JSON between a job and its page."""

from collections import Counter
from dataclasses import asdict, dataclass, field

from .sources import Problem


@dataclass
class FileSummary:
    name: str
    label: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)
    new_users: list[str] = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def created(self) -> int:
        return sum(summary.created for summary in self.files)

    @property
    def updated(self) -> int:
        return sum(summary.updated for summary in self.files)

    def problem_groups(self) -> list[tuple[str, str, int]]:
        """(file, column, how many problems): the overview of a long list."""
        counted = Counter((problem.file, problem.column) for problem in self.problems)
        return [(file, column, count) for (file, column), count in counted.items()]

    def to_dict(self) -> dict:
        """Plain JSON, to keep a report between the job that makes it and the page."""
        return {
            "dry_run": self.dry_run,
            "problems": [asdict(problem) for problem in self.problems],
            "files": [asdict(summary) for summary in self.files],
            "new_users": self.new_users,
            "written": self.written,
            "seconds": self.seconds,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        return cls(
            dry_run=data["dry_run"],
            problems=[Problem(**problem) for problem in data["problems"]],
            files=[FileSummary(**summary) for summary in data["files"]],
            new_users=data["new_users"],
            written=data["written"],
            seconds=data["seconds"],
        )

    def seconds_display(self) -> str:
        return f"{self.seconds:.2f}".replace(".", ",")

    def lines(self) -> list[str]:
        """The summary a person reads, on the command line or in the page."""
        lines = [
            f"{s.name} : {_n(s.rows)} ligne(s), {_n(s.created)} à créer, "
            f"{_n(s.updated)} à modifier, {_n(s.unchanged)} inchangée(s)"
            if self.dry_run or not self.written
            else f"{s.name} : {_n(s.rows)} ligne(s), {_n(s.created)} créée(s), "
            f"{_n(s.updated)} modifiée(s), {_n(s.unchanged)} inchangée(s)"
            for s in self.files
        ]
        if self.new_users:
            verb = "seront créés" if not self.written else "créés"
            lines.append(
                f"Comptes de l'équipe {verb} sans mot de passe utilisable : "
                + ", ".join(self.new_users)
            )
        return lines


def _n(value: int) -> str:
    """A count as French writes it: 12 345 (narrow no-break space)."""
    return f"{value:,}".replace(",", "\u202f")
