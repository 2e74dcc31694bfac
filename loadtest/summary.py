"""Prints locust's aggregated figures in French and fails when a request failed."""

import csv
import sys

with open(sys.argv[1], newline="") as handle:
    rows = list(csv.DictReader(handle))

failed = 0
print(f"{'requête':<48}{'nombre':>8}{'échecs':>8}{'médiane':>10}{'p95':>8}")
for row in rows:
    name = row["Name"] if row["Name"] != "Aggregated" else "TOTAL"
    print(
        f"{(row['Type'] + ' ' + name)[:47]:<48}{row['Request Count']:>8}{row['Failure Count']:>8}"
        f"{row['50%']:>8}ms{row['95%']:>6}ms"
    )
    if row["Name"] == "Aggregated":
        failed = int(row["Failure Count"])
print("Aucune erreur." if failed == 0 else f"{failed} requête(s) en échec.")
sys.exit(1 if failed else 0)
