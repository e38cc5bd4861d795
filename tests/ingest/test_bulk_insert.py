"""Fact rows written by the bulk insert read back through the ORM exactly as they were given.

On PostgreSQL the rows travel as one JSON document; these values are the ones a JSON round
trip could get wrong: quotes, backslashes, non-BMP text, None, exact decimals, microseconds and
offsets other than UTC.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from laurel.ingest.identities import resolve
from laurel.ingest.models import Fact, SourceIdentity
from laurel.ingest.store import COLUMNS, insert_facts
from tests.ingest.helpers import T0, IngestTestCase

SEOUL = datetime.timezone(datetime.timedelta(hours=9))
TEXTS = ['"quoted" \\ back\\slash', "홍길동 🎓 𝄞", '{"json": [1, 2]}', "it's", "tab\tnew\nline", "%s %(x)s"]


class BulkInsertTests(IngestTestCase):
    def test_rows_read_back_as_given(self) -> None:
        people, _linked = resolve(self.org, {(SourceIdentity.Kind.EMAIL, "hong@example.com"): ""}, T0)
        who = people[(SourceIdentity.Kind.EMAIL, "hong@example.com")]
        received = datetime.datetime(2025, 3, 10, 9, 30, 15, 123456, tzinfo=datetime.UTC)
        rows = []
        for n, text in enumerate(TEXTS):
            occurred = datetime.datetime(2025, 3, 10, 18, 0, n, 654321, tzinfo=SEOUL)
            value = None if n == 0 else Decimal("87.500001") * n
            maximum = None if n == 1 else Decimal("-0.000001") if n == 2 else Decimal("100000000000000") - 1
            rows.append(
                (
                    self.org.pk, self.source.pk, f"key-{n}-{text}", who.pk,
                    self.hong.pk if n % 2 else None, "grade", text, text[::-1], f"course {text}",
                    value, maximum, "passed" if n % 2 else "", occurred, received, f"{n:064x}",
                )
            )  # fmt: skip
        with transaction.atomic():
            ids = insert_facts(rows)
        self.assertEqual(len(set(ids)), len(rows))
        by_id = {fact.pk: fact for fact in Fact.objects.filter(pk__in=ids)}
        for pk, row in zip(ids, rows, strict=True):
            fact = by_id[pk]
            stored = tuple(getattr(fact, name) for name in COLUMNS)
            self.assertEqual(stored, row)
            self.assertIsNone(fact.voided_at)
            self.assertIsNone(fact.import_batch_id)
