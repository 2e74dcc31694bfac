"""What an import found and did, file by file: kept as JSON between a job and its page."""

from collections import Counter
from dataclasses import asdict, dataclass, field

from .problems import Problem, ProblemCount, french_count, problem_group


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
    """What an import found and did. Its problems are bounded whatever the files hold: the
    first ones (`problems`, at most `problems.MAX_LISTED_PROBLEMS`, in the files' order) and,
    beyond, how many more by file and column of the format (`more`)."""

    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)
    new_users: list[str] = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0
    more: list[ProblemCount] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.more

    @property
    def problem_count(self) -> int:
        return len(self.problems) + sum(group.count for group in self.more)

    @property
    def created(self) -> int:
        return sum(summary.created for summary in self.files)

    @property
    def updated(self) -> int:
        return sum(summary.updated for summary in self.files)

    def problem_groups(self) -> list[tuple[str, str, int]]:
        """(file, column, how many problems), listed or not: the overview of a long list. A
        column the format does not know (a made-up name, "n° 12") counts with its file's
        other problems, so there are no more groups than listed problems and format columns."""
        counted = Counter(
            (problem.file, problem_group(problem.file, problem.column)[1])
            for problem in self.problems
        )
        for group in self.more:
            counted[group.file, group.column] += group.count
        return [(file, column, count) for (file, column), count in counted.items()]

    def to_dict(self) -> dict:
        """Plain JSON, to keep a report between the job that makes it and the page."""
        return {
            "dry_run": self.dry_run,
            "problems": [asdict(problem) for problem in self.problems],
            "more": [asdict(group) for group in self.more],
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
            # A report kept by the previous version has no `more`.
            more=[ProblemCount(**group) for group in data.get("more", [])],
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
            f"{s.name} : {french_count(s.rows)} ligne(s), {french_count(s.created)} à créer, "
            f"{french_count(s.updated)} à modifier, {french_count(s.unchanged)} inchangée(s)"
            if self.dry_run or not self.written
            else f"{s.name} : {french_count(s.rows)} ligne(s), {french_count(s.created)} créée(s), "
            f"{french_count(s.updated)} modifiée(s), {french_count(s.unchanged)} inchangée(s)"
            for s in self.files
        ]
        if self.new_users:
            verb = "seront créés" if not self.written else "créés"
            lines.append(
                f"Comptes de l'équipe {verb} sans mot de passe utilisable : "
                + ", ".join(self.new_users)
            )
        return lines
