"""Voiding statements: what may be voided, what GET returns after, and the facts that go with it."""

from laurel.ingest.models import Fact
from laurel.ingest.xapi.models import Statement
from tests.ingest.xapi.helpers import ADL, XapiTestCase, new_id, statement

VOIDED = ADL + "voided"


def voiding(target: str, sid: str | None = None) -> dict:
    body = statement(
        verb={"id": VOIDED, "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": target},
    )
    if sid:
        body["id"] = sid
    return body


def completion(sid: str) -> dict:
    return statement(
        id=sid,
        verb={"id": ADL + "completed"},
        object={"id": "http://example.com/course/1"},
        timestamp="2025-03-10T09:00:00Z",
    )


class VoidingTests(XapiTestCase):
    def test_a_voided_statement_is_only_returned_by_voided_statement_id(self) -> None:
        target = new_id()
        self.assert_accepted(completion(target))
        self.assert_accepted(voiding(target))
        self.assertEqual(self.get(f"statementId={target}").status_code, 404)
        response = self.get(f"voidedStatementId={target}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.fetch_voided(target)["id"], target)

    def fetch_voided(self, sid: str) -> dict:
        import json

        return json.loads(self.get(f"voidedStatementId={sid}").content)

    def test_voided_statement_id_does_not_return_a_statement_that_is_not_voided(self) -> None:
        sid = new_id()
        self.assert_accepted(completion(sid))
        self.assertEqual(self.get(f"voidedStatementId={sid}").status_code, 404)

    def test_voiding_voids_the_fact_the_statement_made(self) -> None:
        target = new_id()
        self.assert_accepted(completion(target))
        fact = Fact.objects.get(event_key=target)
        self.assertIsNone(fact.voided_at)
        self.assert_accepted(voiding(target))
        fact.refresh_from_db()
        self.assertIsNotNone(fact.voided_at)

    def test_the_voiding_statement_itself_stays_readable_and_makes_no_fact(self) -> None:
        target, voider = new_id(), new_id()
        self.assert_accepted(completion(target))
        self.assert_accepted(voiding(target, voider))
        self.assertEqual(self.fetch(voider)["object"]["id"], target)
        self.assertEqual(Fact.objects.count(), 1)

    def test_a_voiding_statement_needs_a_statement_ref(self) -> None:
        problem = self.assert_rejected(statement(verb={"id": VOIDED}, object={"id": "http://example.com/a"}))
        self.assertIn("StatementRef", problem["detail"])

    def test_a_voiding_statement_cannot_be_voided(self) -> None:
        target, voider = new_id(), new_id()
        self.assert_accepted(completion(target))
        self.assert_accepted(voiding(target, voider))
        problem = self.assert_rejected(voiding(voider))
        self.assertIn("cannot be voided", problem["detail"])
        self.assertEqual(self.fetch(voider)["id"], voider)

    def test_voiding_an_unknown_statement_is_accepted_and_voids_it_when_it_arrives(self) -> None:
        late = new_id()
        self.assert_accepted(voiding(late))
        self.assert_accepted(completion(late))
        self.assertEqual(self.get(f"statementId={late}").status_code, 404)
        self.assertEqual(self.get(f"voidedStatementId={late}").status_code, 200)
        self.assertFalse(Fact.objects.filter(voided_at=None).exists())

    def test_a_batch_can_carry_a_statement_and_its_voider(self) -> None:
        target = new_id()
        self.assert_accepted([completion(target), voiding(target)])
        self.assertTrue(Statement.objects.get(statement_id=target).voided)
        self.assertEqual(self.get(f"statementId={target}").status_code, 404)
        self.assertFalse(Fact.objects.filter(voided_at=None).exists())

    def test_a_batch_that_voids_its_own_voider_is_refused(self) -> None:
        first, second = new_id(), new_id()
        self.assert_rejected([voiding(second, first), voiding(first, second)])
        self.assertFalse(Statement.objects.exists())

    def test_voiding_twice_is_harmless(self) -> None:
        target = new_id()
        self.assert_accepted(completion(target))
        self.assert_accepted(voiding(target))
        self.assert_accepted(voiding(target))
        self.assertEqual(self.get(f"voidedStatementId={target}").status_code, 200)
