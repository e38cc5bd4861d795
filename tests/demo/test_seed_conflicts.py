from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from laurel.accounts.models import User
from laurel.orgs.models import Organization


class SeedConflictTests(TestCase):
    def test_it_refuses_to_reuse_an_account_made_outside_the_demo_and_changes_nothing(self) -> None:
        User.objects.create_user("student05@hanbit.example", "another password")
        with self.assertRaisesMessage(CommandError, "student05@hanbit.example"):
            call_command("seed_demo", stdout=StringIO())
        self.assertFalse(Organization.objects.filter(slug="hanbit").exists())
        self.assertEqual(User.objects.count(), 1)
