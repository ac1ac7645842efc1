"""The psycopg 3 side of bench/db/run.sh (libpq underneath).

    python peer.py seq URL N [unprepared]   N sequential `SELECT $1::int`
    python peer.py pool URL P Q MAX         P threads, Q indexed SELECTs each,
                                            through ConnectionPool(max_size=MAX)
    python peer.py setup URL ROWS           (re)create bench_items with ROWS rows

Prints queries per second (seq, pool).
"""
import sys
import threading
import time

import psycopg
from psycopg_pool import ConnectionPool


def seq(url, n, prepare):
    # psycopg prepares a statement after 5 executions by default; `unprepared`
    # sends Parse every time, as the Snow client does.
    with psycopg.connect(url, prepare_threshold=5 if prepare else None) as conn:
        for i in range(100):
            conn.execute("SELECT %s::int AS v", (i,)).fetchone()
        started = time.perf_counter()
        total = 0
        for i in range(n):
            total += conn.execute("SELECT %s::int AS v", (i,)).fetchone()[0]
        took = time.perf_counter() - started
    assert total == n * (n - 1) // 2
    print(int(n / took))


def pool(url, p, q, size):
    with ConnectionPool(url, min_size=size, max_size=size, timeout=60) as pl:
        pl.wait()
        done = [0] * p

        def worker(me):
            for i in range(q):
                row_id = (me * 7919 + i * 104729) % 10000 + 1
                with pl.connection() as conn:
                    rows = conn.execute(
                        "SELECT name, qty FROM bench_items WHERE id = %s", (row_id,)
                    ).fetchall()
                done[me] += len(rows)

        worker(0)
        done[0] = 0
        threads = [threading.Thread(target=worker, args=(me,)) for me in range(p)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - started
    assert sum(done) == p * q, sum(done)
    print(int(p * q / took))


def setup(url, rows):
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_items")
        conn.execute("CREATE TABLE bench_items (id int PRIMARY KEY, name text NOT NULL, qty int NOT NULL)")
        conn.execute(
            "INSERT INTO bench_items SELECT g, 'item ' || g, g %% 97 FROM generate_series(1, %s) g",
            (rows,),
        )
        conn.execute("ANALYZE bench_items")


def main():
    mode, url = sys.argv[1], sys.argv[2]
    args = [int(a) for a in sys.argv[3:] if a.isdigit()]
    if mode == "seq":
        seq(url, args[0], "unprepared" not in sys.argv)
    elif mode == "pool":
        pool(url, *args)
    elif mode == "setup":
        setup(url, args[0])
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
