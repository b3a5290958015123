"""schemathesis hooks for `.ci/schemathesis`: one idempotency key per generated order.

The mock, like the API, remembers every `X-Idempotency-Key` and answers a key reused with
another body with `400 idempotency_validation_error`. Generated keys are short and repeat
("0", "A"), so nearly every generated order after the first few was refused that way, and the
stateful phase could not follow the link from a created order to `GET /order/{id}`. A key
that is valid (a non-empty string) gets a counter appended, so it stays valid and is never
reused; any other value is left as generated, so requests with a bad key are still tested.
"""

import itertools

import schemathesis

HEADER = "X-Idempotency-Key"
_counter = itertools.count()


@schemathesis.hook
def map_headers(context, headers):
    if headers is not None:
        key = headers.get(HEADER)
        if isinstance(key, str) and key.strip():
            headers[HEADER] = f"{key}-{next(_counter)}"
    return headers
