"""Presentation: terminal tables, charts and the HTML/PDF documents, drawn from use-case results.

Owns how results look: rich tables (:mod:`~altsleeve.views.fees`, :mod:`~altsleeve.views.outcomes`),
matplotlib charts (:mod:`~altsleeve.views.pacing`, :mod:`~altsleeve.views.outcomes`), the evidence
file's HTML and PDF (:mod:`~altsleeve.views.evidence`), the valuation testing pack's documents
(:mod:`~altsleeve.views.valuation`) and the shared number formats (:mod:`~altsleeve.views.format`).
Must not read the ledger and must not compute a figure that the result it draws lacks.
"""
