"""The rules of centre-group study: plans (``plans``), sessions with speakers and follow-up
measures (``sessions``), check-in and attendance (``attendance``). Services take the acting
user and plain values, flush and never commit, and raise ``CheckinError``."""
