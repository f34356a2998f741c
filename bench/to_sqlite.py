"""Copies the bench tenant's hiring and feedback data from PostgreSQL into a SQLite database
the service has already migrated and provisioned, converting types the way sqlx stores them
(uuid: 16-byte blob, timestamps: RFC 3339 text, json: text).

usage: to_sqlite.py POSTGRES_URL SQLITE_FILE TENANT
"""

import csv
import io
import sqlite3
import subprocess
import sys
import uuid

TS = "to_char({c} at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"

# table: [(column, kind)], kind: u = uuid, t = timestamp, s = text or integer (as is), n = integer
TABLES = {
    "requisitions": [("id", "u"), ("tenant_id", "s"), ("external_ref", "s"), ("title", "s"), ("department", "s"),
                     ("status", "s"), ("version", "n"), ("created_at", "t"), ("updated_at", "t")],
    "requisition_people": [("tenant_id", "s"), ("requisition_id", "u"), ("relation", "s"), ("person_id", "s")],
    "applications": [("id", "u"), ("tenant_id", "s"), ("requisition_id", "u"), ("candidate_id", "s"),
                     ("external_ref", "s"), ("status", "s"), ("stage_reached", "s"), ("decided_at", "t"),
                     ("decided_by", "s"), ("version", "n"), ("created_at", "t"), ("updated_at", "t")],
    "feedback": [("id", "u"), ("tenant_id", "s"), ("application_id", "u"), ("requisition_id", "u"),
                 ("candidate_id", "s"), ("author_id", "s"), ("status", "s"), ("revision", "n"), ("document", "s"),
                 ("internal_notes", "s"), ("review_comment", "s"), ("version", "n"), ("created_at", "t"),
                 ("updated_at", "t"), ("released_at", "t")],
    "feedback_acknowledgements": [("feedback_id", "u"), ("tenant_id", "s"), ("candidate_id", "s"),
                                  ("usefulness_rating", "n"), ("comment", "s"), ("acknowledged_at", "t")],
    "action_progress": [("feedback_id", "u"), ("action_id", "u"), ("tenant_id", "s"), ("status", "s"),
                        ("note", "s"), ("updated_at", "t")],
}


def convert(kind, value):
    if value == "\\N":
        return None
    if kind == "u":
        return uuid.UUID(value).bytes
    if kind == "n":
        return int(value)
    return value


def main():
    pg_url, sqlite_file, tenant = sys.argv[1:4]
    db = sqlite3.connect(sqlite_file)
    db.execute("pragma journal_mode = wal")
    db.execute("pragma synchronous = off")
    for table, columns in TABLES.items():
        select = ", ".join(
            TS.format(c=name) if kind == "t" else f"{name}::text" for name, kind in columns
        )
        query = f"copy (select {select} from {table} where tenant_id = '{tenant}') to stdout with (format csv, null '\\N')"
        out = subprocess.run(["psql", pg_url, "-Atqc", query], check=True, capture_output=True, text=True).stdout
        rows = []
        for raw in csv.reader(io.StringIO(out)):
            rows.append(tuple(convert(kind, value) for (_, kind), value in zip(columns, raw)))
        placeholders = ", ".join("?" for _ in columns)
        names = ", ".join(name for name, _ in columns)
        db.executemany(f"insert into {table} ({names}) values ({placeholders})", rows)
        db.commit()
        print(f"  {table}: {len(rows)} rows", flush=True)
    db.execute("analyze")
    db.commit()
    db.close()


if __name__ == "__main__":
    main()
