"""Schemathesis hooks for .ci/fuzz.

Real clients send a fresh Idempotency-Key for each new write (a UUID) and
the same key only to retry it. The fuzzer draws keys from the header's
pattern and so repeats short ones ("0") across unrelated requests; a repeat
with the same body is answered, as the draft requires, with the first
response even when its record has since been deleted, which the stateful
checks (created resource must exist) then misread. In the stateful phase,
where one request builds on another, valid keys are made unique per
request; other phases and malformed keys are left as drawn (changing a
coverage case would void its premise), and replays are tested by
tests/api/idempotency.rs.
"""

import itertools

import schemathesis

_serial = itertools.count()


def _valid(key):
    return isinstance(key, str) and 1 <= len(key) <= 255 and all(0x21 <= ord(c) <= 0x7E for c in key)


@schemathesis.hook
def before_call(ctx, case, kwargs):
    if case.meta is None or case.meta.phase.name != "stateful":
        return
    for name in list(case.headers or {}):
        if name.lower() == "idempotency-key" and _valid(case.headers[name]):
            suffix = f"~{next(_serial)}"
            case.headers[name] = case.headers[name][: 255 - len(suffix)] + suffix
