"""The quiz features: ``bank`` (question banks, importers, exporters), ``exams`` (timed tests,
attempts, grading, results, item analysis) and ``practice`` (practice, daily quiz, mistake
book). Each is a feature package of its own with its ``register(app)``; arrows: exams → bank,
practice → bank, practice → exams only through ``app.quiz.exams.hooks``."""
