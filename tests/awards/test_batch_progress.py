"""The batch page and its progress endpoint while a confirmed batch is issued, and after."""

import datetime

import time_machine
from django.test import override_settings

from laurel.awards import pipeline
from laurel.awards.actions import confirm_batch, upload_batch
from laurel.awards.models import AwardBatch
from laurel.credentials.status import ensure_status
from tests.awards.helpers import NOW, AwardsTestCase, make_award
from tests.credentials.helpers import KEK_A, KEK_B

CSV = "email,name,language\n" + "".join(f"p{n}@example.com,학생{n},ko\n" for n in range(5))


def never() -> bool:
    return False


@override_settings(AWARD_CHUNK_ROWS=2, KEK=KEK_A, KEK_PREVIOUS=[])
@time_machine.travel(NOW, tick=False)
class BatchProgressTests(AwardsTestCase):
    def setUp(self) -> None:
        super().setUp()
        batch = upload_batch(self.actor, self.org, self.python, data=CSV.encode(), filename="봄학기.csv")
        self.batch = confirm_batch(self.actor, batch)
        self.page = f"/orgs/hanbit/awards/bulk/{self.batch.public_id}/"
        self.progress = f"{self.page}progress/"
        self.login(self.teammate)

    def step(self) -> None:
        held = pipeline.claim()
        assert held is not None
        pipeline.run(held)

    def test_the_endpoint_counts_rows_awarded_and_credentials_signed(self) -> None:
        data = self.client.get(self.progress).json()
        self.assertEqual(
            {k: data[k] for k in ("state", "done", "rows", "awarded", "credentials", "signed")},
            {"state": "issuing", "done": False, "rows": 5, "awarded": 0, "credentials": 10, "signed": 0},
        )
        self.assertEqual(data["awarded_text"], "0 of 5 rows awarded")
        self.step()  # the first two rows, awarded and signed
        data = self.client.get(self.progress).json()
        self.assertEqual((data["awarded"], data["signed"], data["done"]), (2, 4, False))
        self.assertEqual(data["signed_text"], "4 of 10 credentials signed")
        pipeline.work(should_stop=never)
        data = self.client.get(self.progress).json()
        self.assertEqual(
            (data["state"], data["done"], data["awarded"], data["signed"]), ("issued", True, 5, 10)
        )

    def test_the_endpoint_is_never_cached(self) -> None:
        response = self.client.get(self.progress)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertIn("no-store", response["Cache-Control"])

    def test_the_page_shows_the_progress_a_refresh_link_and_its_script_while_issuing(self) -> None:
        self.step()
        response = self.client.get(self.page)
        self.assertContains(response, "Issuing")
        self.assertContains(response, '<progress id="progress-awarded" max="5" value="2">', html=False)
        self.assertContains(response, "2 of 5 rows awarded")
        self.assertContains(response, "4 of 10 credentials signed")
        self.assertContains(response, "Refresh to see the latest progress.")
        self.assertContains(response, f'data-url="{self.progress}"')
        self.assertContains(response, "/static/laurel/batch-progress.js")
        self.assertContains(response, "made when someone downloads them")
        self.assertNotContains(response, "<script>")

    def test_the_finished_page_says_so_and_polls_no_more(self) -> None:
        pipeline.work(should_stop=never)
        response = self.client.get(self.page)
        self.assertContains(response, "5 badges were awarded and signed")
        self.assertNotContains(response, "batch-progress.js")
        self.assertNotContains(response, "Refresh to see the latest progress.")

    def test_rows_left_out_are_listed_with_their_reason(self) -> None:
        make_award(self.python, "p3@example.com", "학생3")
        pipeline.work(should_stop=never)
        response = self.client.get(self.page)
        self.assertContains(response, "Rows not awarded")
        self.assertContains(response, "p3@example.com already holds this badge")
        self.assertContains(response, "4 badges were awarded and signed")

    def test_a_batch_that_failed_shows_the_error_instead_of_waiting(self) -> None:
        ensure_status(make_award(self.safety, "before@example.com"))
        with override_settings(KEK=KEK_B, KEK_PREVIOUS=[]):
            # One attempt an hour, long after each retry is due.
            for hours in range(pipeline.MAX_ATTEMPTS + 1):
                with time_machine.travel(NOW + datetime.timedelta(hours=hours), tick=False):
                    pipeline.work(should_stop=never)
        self.assertEqual(AwardBatch.objects.get(pk=self.batch.pk).status, AwardBatch.Status.FAILED)
        data = self.client.get(self.progress).json()
        self.assertEqual((data["state"], data["done"]), ("failed", True))
        response = self.client.get(self.page)
        self.assertContains(response, "Issuing stopped with an error. 5 badges were awarded")
        self.assertContains(response, "UnknownKekError")
        self.assertNotContains(response, "batch-progress.js")

    def test_the_bulk_page_lists_batches_being_issued(self) -> None:
        response = self.client.get("/orgs/hanbit/awards/bulk/")
        self.assertContains(response, "Uploads being issued")
        self.assertContains(response, self.page)

    def test_a_viewer_cannot_follow_a_batch(self) -> None:
        self.login(self.viewer)
        self.assertEqual(self.client.get(self.progress).status_code, 403)
        self.assertEqual(self.client.get(self.page).status_code, 403)

    def test_an_outsider_learns_nothing_of_the_batch(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.progress).status_code, 404)
        self.assertEqual(self.client.get(self.page).status_code, 404)

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        self.client.logout()
        response = self.client.get(self.progress)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])


@time_machine.travel(NOW, tick=False)
class EarlierBatchTests(AwardsTestCase):
    def test_a_batch_confirmed_before_chunks_existed_shows_its_awards(self) -> None:
        # What the migration leaves of a batch that was awarded inside its confirm.
        batch = AwardBatch.objects.create(
            org=self.org, achievement=self.python, filename="old.csv", status=AwardBatch.Status.ISSUED
        )
        for n in range(3):
            make_award(self.python, f"old{n}@example.com", batch=batch)
        self.login(self.teammate)
        data = self.client.get(f"/orgs/hanbit/awards/bulk/{batch.public_id}/progress/").json()
        self.assertEqual((data["rows"], data["awarded"], data["credentials"], data["done"]), (3, 3, 6, True))
        response = self.client.get(f"/orgs/hanbit/awards/bulk/{batch.public_id}/")
        self.assertContains(response, "3 badges were awarded and signed")
