"""A writer process for test_sqlite_concurrency: THREADS threads, each running ROUNDS transactions
that read a counter and then write it (the pattern that fails at once under SQLite's deferred
transactions: two readers cannot both upgrade to writers). Prints one JSON line.

    python -m tests.backend.settings.sqlite_writers THREADS ROUNDS
with DATABASE_URL=sqlite:///<file> and DJANGO_SETTINGS_MODULE=backend.settings.test.
"""

from __future__ import annotations

import json
import sys
import threading

import django


def main(threads: int, rounds: int) -> None:
    django.setup()
    from django.db import OperationalError, connection, transaction

    errors: list[str] = []
    done = [0]
    lock = threading.Lock()

    def work() -> None:
        try:
            for _ in range(rounds):
                try:
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute("SELECT value FROM counter WHERE id = 1")
                        (value,) = cursor.fetchone()
                        cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [value + 1])
                        cursor.execute("INSERT INTO writes (value) VALUES (%s)", [value + 1])
                    with lock:
                        done[0] += 1
                except OperationalError as exc:
                    with lock:
                        errors.append(str(exc))
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    print(json.dumps({"committed": done[0], "errors": errors[:5], "n_errors": len(errors)}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
