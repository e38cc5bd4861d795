"""Which format a file is in, and the parser for it."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laurel.core.csvio import CsvError
from laurel.ingest.csvimport import canvas, generic, moodle, oneroster, rollcall
from laurel.ingest.csvimport.common import Options, Parsed
from laurel.ingest.csvimport.table import RawTable

LABELS = {
    canvas.FORMAT: gettext_lazy("Canvas gradebook export"),
    moodle.FORMAT: gettext_lazy("Moodle grade export"),
    rollcall.FORMAT: gettext_lazy("Canvas Roll Call attendance report"),
    oneroster.FORMAT: gettext_lazy("OneRoster results"),
    generic.FORMAT: gettext_lazy("Activity CSV"),
}


def parse_files(main: RawTable, extra: RawTable | None, options: Options) -> Parsed:
    """Detect the format of the file (and of its companion, for OneRoster) and parse it."""
    if oneroster.detect_line_items(main) and extra is not None and oneroster.detect_results(extra):
        main, extra = extra, main  # lineItems.csv given first
    if oneroster.detect_results(main):
        if extra is not None and not oneroster.detect_line_items(extra):
            raise CsvError(_("The second file is not a OneRoster lineItems.csv."))
        parsed = oneroster.parse(main, extra, options)
        parsed.warnings.insert(0, _("OneRoster %(version)s") % {"version": oneroster.version(main)})
        return parsed
    if oneroster.detect_line_items(main):
        raise CsvError(_("This is a OneRoster lineItems.csv: upload results.csv with it."))
    if extra is not None:
        raise CsvError(_("A second file goes only with OneRoster results.csv (its lineItems.csv)."))
    for module in (canvas, rollcall, moodle, generic):
        if module.detect(main):
            return module.parse(main, options)
    raise CsvError(
        _(
            "The file's columns match none of the known formats: Canvas gradebook export, Moodle grade "
            "export, Canvas Roll Call attendance report, OneRoster results.csv, or an activity CSV with "
            "email or student_id, type, object, course, value, max, status and occurred_at columns."
        )
    )
