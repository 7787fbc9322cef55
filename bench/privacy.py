"""Benchmark: what encryption at rest costs (docs/security.md, "Personal data at rest").

Plain Python against the configured keys, no database: one access-code digest at each work factor (scrypt,
every registration and every lookup pays it once), and encrypting and decrypting a person's three fields (every
registration writes them; a list decrypts only the rows it shows, three fields a party).

    .venv/bin/python bench/privacy.py [--rounds N]

The last line: ``RESULT digest_ms_n12=<ms> digest_ms_n14=<ms> person_encrypt_us=<us> person_decrypt_us=<us>
api_page_decrypt_ms=<ms>`` (the page: 50 cases of two parties each, the API's largest page).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    from casework.privacy import codes, keys

    digest = {}
    for log_n in (12, 14):
        settings.CASEWORK_ACCESS_CODE_WORK = log_n
        start = time.perf_counter()
        for i in range(10):
            codes.code_digest(f"K1-2026-{i:05d}", "ABCD2345")
        digest[log_n] = (time.perf_counter() - start) / 10 * 1000
    person = ("欧阳明月", "东县甲镇杏花村十一组88号", "13912345678")
    start = time.perf_counter()
    for _ in range(args.rounds):
        tokens = [keys.encrypt(v) for v in person]
    enc = (time.perf_counter() - start) / args.rounds * 1e6
    start = time.perf_counter()
    for _ in range(args.rounds):
        [keys.decrypt(t) for t in tokens]
    dec = (time.perf_counter() - start) / args.rounds * 1e6
    print(f"access-code digest: {digest[12]:.1f} ms at N=2^12, {digest[14]:.1f} ms at N=2^14")
    print(f"a person's three fields: encrypt {enc:.1f} µs, decrypt {dec:.1f} µs")
    print(f"RESULT digest_ms_n12={digest[12]:.1f} digest_ms_n14={digest[14]:.1f} person_encrypt_us={enc:.1f} "
          f"person_decrypt_us={dec:.1f} api_page_decrypt_ms={dec * 100 / 1000:.2f}")


if __name__ == "__main__":
    main()
