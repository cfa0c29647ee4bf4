"""Prints one closing line, 'tests: N passed, N failed, N skipped', summed over the doctest and
pytest runs (and one per other check, e.g. format) recorded in meson's testlog.json (meson's
own summary counts suites, not tests)."""
import json
import re
import sys

passed = failed = skipped = 0
with open(sys.argv[1]) as log:
    for line in log:
        entry = json.loads(line)
        out = entry.get("stdout", "")
        m = re.search(r"test cases:\s*(\d+) \|\s*(\d+) passed \|\s*(\d+) failed \|\s*(\d+) skipped", out)
        if m:
            passed, failed, skipped = passed + int(m[2]), failed + int(m[3]), skipped + int(m[4])
        tail = [l for l in out.splitlines() if re.search(r"\d+ (passed|failed|error)", l)]
        if tail and not m:
            for count, kind in re.findall(r"(\d+) (passed|failed|skipped|errors?)", tail[-1]):
                if kind == "passed":
                    passed += int(count)
                elif kind == "skipped":
                    skipped += int(count)
                else:
                    failed += int(count)
        if not m and not tail:  # a check that is one test (format-check)
            if entry.get("result") == "OK":
                passed += 1
            elif entry.get("result") == "SKIP":
                skipped += 1
            else:
                failed += 1
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
