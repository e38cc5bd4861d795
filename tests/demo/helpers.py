from io import StringIO

from django.core.management import call_command


def seed_demo() -> str:
    """Run the seed command as `laurel demo` does, and return what it printed."""
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()
