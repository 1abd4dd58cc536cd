"""Bulk import of people from CSV: parse + plan (the preview) and apply + commit (the confirmation), at 1,000 and
10,000 rows, on SQLite and PostgreSQL; plus the Hanoi seed (about 260 units with successor links).

Each run starts from a fresh database built by the migrations with the Hanoi units loaded; median and p95 over
RUNS runs are printed, and the 10x/1x ratio.

    .venv/bin/python -m benchmarks directory
    MEETINGSVC_BENCH_DIRECTORY_SIZES=1000,10000,20000 MEETINGSVC_BENCH_DIRECTORY_BACKENDS=sqlite .venv/bin/python -m benchmarks directory
"""

import os
import statistics
import tempfile
import time
import uuid

import psycopg
import sqlalchemy as sa

POSTGRES_URL = os.environ.get("MEETINGSVC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
RUNS = int(os.environ.get("MEETINGSVC_BENCH_DIRECTORY_RUNS", "5"))
SIZES = [int(s) for s in os.environ.get("MEETINGSVC_BENCH_DIRECTORY_SIZES", "1000,10000").split(",")]
BACKENDS = os.environ.get("MEETINGSVC_BENCH_DIRECTORY_BACKENDS", "sqlite,postgres").split(",")


def _csv(rows: int) -> bytes:
    codes = ["SO-TP", "SO-CT", "SO-YT", "SO-GDDT", "HN-P01", "HN-X10"]
    lines = ["full_name,title,unit_code,email,phone,is_leader"]
    for n in range(rows):
        lines.append(f"Nguyễn Văn Thử {n},Chuyên viên,{codes[n % len(codes)]},thu{n}@bench.demo.vn,024 3825 {n % 10000:04d},no")
    return ("\n".join(lines) + "\n").encode()


def _app(url: str):
    from flask_migrate import upgrade

    from meetingsvc import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade()
    return app


def _reset(db):
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_entries"))
        conn.execute(sa.text("DELETE FROM people"))


def _stats(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _run_backend(name: str, url: str) -> None:
    from meetingsvc.directory import imports, seed
    from meetingsvc.extensions import db

    app = _app(url)
    with app.app_context():
        start = time.perf_counter()
        seed.load_hanoi_units()
        seed_time = time.perf_counter() - start
        start = time.perf_counter()
        seed.load_hanoi_units()
        reseed_time = time.perf_counter() - start
        print(f"{name}: load_hanoi_units first {seed_time * 1000:.0f} ms, again (idempotent) {reseed_time * 1000:.0f} ms")
        medians = {}
        for size in SIZES:
            content = _csv(size)
            plans, applies = [], []
            for _ in range(RUNS):
                _reset(db)
                db.session.remove()
                start = time.perf_counter()
                result = imports.plan(imports.parse("people", "bench.csv", content))
                token = imports.dump_token(result.parsed)
                plans.append(time.perf_counter() - start)
                assert result.ok, result.all_errors[:3]
                start = time.perf_counter()
                again = imports.plan(imports.load_token(token))
                imports.apply(again)
                db.session.commit()
                applies.append(time.perf_counter() - start)
            (pm, pp), (am, ap) = _stats(plans), _stats(applies)
            medians[size] = (pm, am)
            print(f"{name} {size:>6} rows: preview median {pm * 1000:8.0f} ms p95 {pp * 1000:8.0f} ms | "
                  f"confirm median {am * 1000:8.0f} ms p95 {ap * 1000:8.0f} ms | token {len(token) / 1024:.0f} KiB")
        if len(SIZES) > 1:
            base, top = SIZES[0], SIZES[-1]
            print(f"{name} ratio {top}/{base} rows: preview x{medians[top][0] / medians[base][0]:.1f}, "
                  f"confirm x{medians[top][1] / medians[base][1]:.1f}")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    if "sqlite" in BACKENDS:
        with tempfile.TemporaryDirectory() as tmp:
            _run_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite3")
    if "postgres" in BACKENDS:
        name = f"meetingsvc_bench_dir_{uuid.uuid4().hex[:8]}"
        try:
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
        except psycopg.OperationalError as exc:
            print(f"postgres: skipped ({exc})")
            return
        try:
            base = sa.engine.make_url(POSTGRES_URL)
            _run_backend("postgres", base.set(drivername="postgresql+psycopg", database=name)
                         .render_as_string(hide_password=False))
        finally:
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
