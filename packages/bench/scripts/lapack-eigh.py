"""Measures numpy.linalg.eigh (LAPACK dsyevd through OpenBLAS, one thread) at n = 256, 512, 1024,
for the LAPACK figures printed beside descent's eigh in src/suites/eigh.ts.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 packages/bench/scripts/lapack-eigh.py

(where OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set on the machine, unset both for this command).
Reports the best CPU time (time.process_time) of several runs on a random symmetric matrix with
entries in [-0.5, 0.5): on an otherwise idle machine that is the wall time; on a shared one it
leaves out the time other processes took.
"""
import time

import numpy as np
from threadpoolctl import threadpool_info

print("BLAS:", [(i.get("internal_api"), i.get("architecture"), i.get("num_threads")) for i in threadpool_info()])
for n in (256, 512, 1024):
    rng = np.random.default_rng(12345 + n)
    a = rng.random((n, n)) - 0.5
    a = (a + a.T) / 2
    np.linalg.eigh(a)
    best = float("inf")
    for _ in range(9 if n < 1024 else 5):
        t = time.process_time()
        np.linalg.eigh(a)
        best = min(best, time.process_time() - t)
    print(f"n = {n}: {best * 1e3:.1f} ms")
