"""Two PCs on one database take numbers at the same instant: never the same number twice.

Two real processes each take 50 numbers as fast as they can, started together; the register
then holds 100 distinct, consecutive numbers (on SQLite and on PostgreSQL).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from dtks_desktop.db.models import RegisterEntry

ROOT = Path(__file__).resolve().parents[2]

WORKER = r"""
import json, sys, time
from datetime import date
from dtks_desktop.services.core.database import open_database
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.documents import register as R
url, name, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
db = open_database(url)
actor = Actor(None, name, "operator")
got = []
while time.time() < start:
    time.sleep(0.001)
began = time.time()
for i in range(50):
    with db.transaction() as s:
        got.append(R.take_number(s, actor, "surat_keluar", f"{name} {i}", when=date(2026, 12, 4)).seq)
print(json.dumps({"seqs": got, "began": began, "ended": time.time()}))
"""


def test_two_processes_taking_fifty_numbers_each_never_share_one(db, db_url, admin, backend):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.time() + 4.0  # both interpreters are up and connected by then
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, db_url, name, str(start)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("pc1", "pc2")]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err[-2000:]
        outs.append(json.loads(out))
    # both asked at the same time: each began before the other had finished
    assert outs[0]["began"] < outs[1]["ended"] and outs[1]["began"] < outs[0]["ended"]
    seqs = [o["seqs"] for o in outs]
    assert len(seqs[0]) == len(seqs[1]) == 50
    assert sorted(seqs[0] + seqs[1]) == list(range(1, 101))
    if backend == "postgresql":  # row locks queue the two fairly: the numbers interleave
        assert min(seqs[0]) < 50 < max(seqs[0]) and min(seqs[1]) < 50 < max(seqs[1])
    with db.sessions() as s:
        rows = s.execute(select(RegisterEntry.nomor, RegisterEntry.created_by)).all()
    assert sorted(int(n.split("/")[1]) for n, _ in rows) == list(range(1, 101))
    assert len({n for n, _ in rows}) == 100
    assert {by for _, by in rows} == {"pc1", "pc2"}
